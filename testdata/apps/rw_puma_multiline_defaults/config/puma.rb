# Production gets more threads: the app mostly waits on the search cluster.
threads_count = ENV.fetch("RAILS_MAX_THREADS") {
  if ENV.fetch("RAILS_ENV") == "production"
    10
  else
    3
  end
}
threads threads_count, threads_count

port        ENV.fetch("PORT") { 3000 }
environment ENV.fetch("RAILS_ENV") { "development" }

pidfile ENV.fetch("PIDFILE") {
  "tmp/pids/server.pid"
}

num_workers = ENV.fetch("WEB_CONCURRENCY") { 2 }
workers "#{num_workers}"

preload_app!

before_fork do
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord)
end

on_worker_boot do
  ActiveRecord::Base.establish_connection if defined?(ActiveRecord)
end

plugin :tmp_restart
