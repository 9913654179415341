max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }.to_i
threads max_threads_count, max_threads_count
