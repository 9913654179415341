threads 3, 3
