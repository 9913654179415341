threads 5, 5
workers Integer(ENV["WEB_CONCURRENCY"] || 2)
preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect!
end

c.on_worker_boot do
  ActiveRecord::Base.establish_connection
end
