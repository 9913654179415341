threads 5, 5
workers 2
preload_app!

before_fork do
  ActiveRecord::Base.remove_connection
end
