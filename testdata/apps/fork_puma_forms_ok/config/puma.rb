web_concurrency = ENV.fetch("WEB_CONCURRENCY") { 3 }.to_i
threads 5, 5

if web_concurrency > 0
  workers web_concurrency
  preload_app!
end

before_fork do
  ActiveRecord::Base.connection_handler.clear_all_connections! if defined?(ActiveRecord)
end if web_concurrency > 0

on_worker_boot do
  ActiveSupport.on_load(:active_record) do
    ActiveRecord::Base.establish_connection
  end
end if web_concurrency > 0
