Sidekiq.configure_server do |config|
  config[:concurrency] = ENV["SIDEKIQ_CONCURRENCY"].to_i
end
