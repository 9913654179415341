threads 5, 5
workers 0
preload_app!
