worker_processes 3
preload_app true

before_fork do |server, worker|
  Mongoid::Clients.disconnect
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end
