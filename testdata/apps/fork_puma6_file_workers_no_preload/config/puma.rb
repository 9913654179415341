threads 5, 5
workers 2
