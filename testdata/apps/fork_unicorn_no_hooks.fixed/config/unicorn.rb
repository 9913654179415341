worker_processes Integer(ENV["WEB_CONCURRENCY"] || 3)
timeout 15
preload_app true

before_fork do |server, worker|
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end

before_exec do |server|
  ENV["BUNDLE_GEMFILE"] = File.expand_path("../Gemfile", __dir__)
end
