workers Integer(ENV["WEB_CONCURRENCY"] || 2)
preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end
port ENV["PORT"] || 3000
