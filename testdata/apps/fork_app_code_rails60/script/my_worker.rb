# rails runner script/my_worker.rb (seed 004)
ActiveRecord::Base.connection_pool.disconnect!
thing1_pid = Process.fork do
  ActiveRecord::Base.establish_connection
  Thing1.new.run
end
thing2_pid = Process.fork do
  ActiveRecord::Base.establish_connection
  Thing2.new.run
end
# optional: If you want to do other DB operations in the parent thread,
# you will need to now reconnect like this:
ActiveRecord::Base.establish_connection
Process.wait thing1_pid
Process.wait thing2_pid
