worker_processes 3
preload_app true

after_fork do |server, worker|
  ActiveRecord::Base.establish_connection
end
