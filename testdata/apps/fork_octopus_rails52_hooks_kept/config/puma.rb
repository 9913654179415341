threads 5, 5
workers 2
preload_app!

before_fork do
  # Octopus routes this to every shard pool it holds.
  ActiveRecord::Base.clear_all_connections!
end

on_worker_boot do
  ActiveRecord::Base.establish_connection
end
