threads 8, 8
workers 4
