workers_count = Integer(ENV.fetch("WEB_CONCURRENCY", 2))
if workers_count.positive? then workers workers_count else workers 0 end
threads 5, 5
preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end
