Sidekiq.configure_server do |config|
  config[:concurrency] = Integer(ENV.fetch("SIDEKIQ_CONCURRENCY", 20))
end
