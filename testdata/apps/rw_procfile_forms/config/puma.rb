if ENV['RAILS_ENV'] == 'production'
  threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)
  threads threads_count, threads_count
  port ENV.fetch("PORT", 3000)
  pidfile ENV["PIDFILE"] if ENV["PIDFILE"]
else
  threads 1, 1
  port 3000
  plugin :tmp_restart
end
