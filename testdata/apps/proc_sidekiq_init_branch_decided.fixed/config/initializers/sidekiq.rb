Sidekiq.configure_server do |config|
  unless ENV["BIG_WORKER"].present?
    config[:concurrency] = 10
  else
    config[:concurrency] = 40
  end
end
