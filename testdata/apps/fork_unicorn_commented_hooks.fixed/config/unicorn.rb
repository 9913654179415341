worker_processes 2
preload_app true

before_fork do |server, worker|
  # defined?(ActiveRecord::Base) and ActiveRecord::Base.connection.disconnect!
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end

# after_fork do |server, worker|
#   defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection
# end
