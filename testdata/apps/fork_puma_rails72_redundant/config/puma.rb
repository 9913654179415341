threads 5, 5
workers ENV.fetch("WEB_CONCURRENCY") { 2 }
preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord)
end

on_worker_boot do
  Sidekiq.redis(&:close)
  ActiveRecord::Base.establish_connection if defined?(ActiveRecord)
end
