threads 5, 5
before_fork do
  ActiveRecord::Base.connection_pool.disconnect!
