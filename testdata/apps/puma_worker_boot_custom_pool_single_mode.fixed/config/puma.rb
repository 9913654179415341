workers 0
threads_count = Integer(ENV['MAX_THREADS'] || 10)
threads threads_count, threads_count

preload_app!

on_worker_boot do
  # Heroku's pre-4.1 guidance: each worker sizes its own pool
  config = ActiveRecord::Base.configurations[Rails.env]
  config['pool'] = ENV['MAX_THREADS'] || 10
  ActiveRecord::Base.establish_connection(config)
end
