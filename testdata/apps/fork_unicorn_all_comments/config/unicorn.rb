# worker_processes 2
# preload_app true
#
# after_fork do |server, worker|
#   if defined?(ActiveRecord::Base)
#     ActiveRecord::Base.connection_proxy.instance_variable_get(:@shards).each do |k, v|
#       v.clear_reloadable_connections!
#     end
#   end
# end
