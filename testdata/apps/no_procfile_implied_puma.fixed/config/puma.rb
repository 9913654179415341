threads 1, 10
workers 2
