# As Rails 6.1 generates it, with the threads default changed to 8.
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 8 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

# Loopback only: the e2e test gives each process its PORT.
bind "tcp://127.0.0.1:#{ENV.fetch("PORT") { 3000 }}"

environment ENV.fetch("RAILS_ENV") { "development" }
