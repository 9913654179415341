threads 4, 4
