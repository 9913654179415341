threads 5, 5
workers 2
preload_app!

before_fork do
  ActiveRecord::Base.clear_all_connections! if defined?(ActiveRecord::Base)
end

on_worker_boot do
  ActiveRecord::Base.establish_connection
end
