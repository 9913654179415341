worker_processes 3
preload_app true

before_fork do |server, worker|
  Mongoid::Clients.disconnect
end
