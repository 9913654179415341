Sidekiq.options[:concurrency] = 30
