<%
  @path = "#{Rubber.root}/config/unicorn.rb"
  current_path = "/mnt/#{rubber_env.app_name}-#{Rubber.env}/current"
%>
worker_processes <%= rubber_env.unicorn_workers %>
working_directory "<%= Rubber.root %>"
listen "/var/run/unicorn.sock", :backlog => 1024
timeout 120
pid "/var/run/unicorn.pid"

preload_app true

before_fork do |server, worker|
  defined?(ActiveRecord::Base) and ActiveRecord::Base.connection.disconnect!
end

after_fork do |server, worker|
  defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection
end
