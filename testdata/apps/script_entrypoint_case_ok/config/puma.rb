max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
threads max_threads_count, max_threads_count
port ENV.fetch("PORT") { 3000 }
