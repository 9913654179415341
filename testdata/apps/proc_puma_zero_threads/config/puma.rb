threads 0, ENV["WEB_MAX_THREADS"].to_i
