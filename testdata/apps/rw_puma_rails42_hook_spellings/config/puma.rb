#!/usr/bin/env puma

directory '/var/www/wiki/current'
rackup DefaultRackup
environment 'production'
daemonize true
tag 'wiki'

pidfile '/var/www/wiki/shared/tmp/pids/puma.pid'
state_path '/var/www/wiki/shared/tmp/pids/puma.state'
stdout_redirect '/var/www/wiki/shared/log/puma_access.log', '/var/www/wiki/shared/log/puma_error.log', true

threads 1, 5
workers 3
preload_app!

activate_control_app 'unix:///var/www/wiki/shared/tmp/sockets/pumactl.sock'
bind 'unix:///var/www/wiki/shared/tmp/sockets/puma.sock'

before_fork do
  ActiveRecord::Base.connection_handler.clear_all_connections!
end

on_worker_boot do
  ActiveSupport.on_load(:active_record) do
    ActiveRecord::Base.establish_connection
  end
end

on_worker_shutdown do
  puts 'Worker shutting down'
end

on_restart do
  puts 'Refreshing Gemfile'
  ENV["BUNDLE_GEMFILE"] = "/var/www/wiki/current/Gemfile"
end
