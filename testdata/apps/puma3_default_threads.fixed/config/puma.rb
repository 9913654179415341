workers Integer(ENV["WEB_CONCURRENCY"] || 2)
preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end
port ENV["PORT"] || 3000

on_worker_boot do
  ActiveRecord::Base.establish_connection if defined?(ActiveRecord::Base)
end
