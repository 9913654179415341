max_threads = Integer(ENV.fetch("RAILS_MAX_THREADS", 10))
if max_threads.positive?
  threads max_threads, max_threads
else
  threads 1, 1
end
