threads ENV.fetch("RAILS_MAX_THREADS", 3)
workers :auto

fork_worker
silence_fork_callback_warning

port ENV.fetch("PORT", 3000)

before_worker_boot do
  ActiveRecord::Base.establish_connection
end

before_refork do
  ActiveRecord::Base.connection_pool.disconnect!
end

on_booted do
  Yabeda::Prometheus::Exporter.start_metrics_server! if defined?(Yabeda)
end

plugin :tmp_restart
plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]
plugin :yabeda
plugin :yabeda_prometheus

pidfile ENV["PIDFILE"] if ENV["PIDFILE"]
