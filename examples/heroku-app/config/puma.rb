# Puma 3: with no `threads` line each worker runs 0:16 threads.
workers Integer(ENV['WEB_CONCURRENCY'] || 2)
preload_app!

rackup      DefaultRackup
port        ENV['PORT']     || 3000
environment ENV['RACK_ENV'] || 'development'

on_worker_boot do
  ActiveRecord::Base.establish_connection
end
