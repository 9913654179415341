threads 5, 5
