max_threads_count = ENV.fetch('MAX_THREADS') { 5 }.to_i
threads 0, max_threads_count
