threads 8, 8
