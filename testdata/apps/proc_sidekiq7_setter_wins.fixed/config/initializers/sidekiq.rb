Sidekiq.configure_server do |config|
  config.concurrency = 25
end
