sidekiq_pool = ENV.fetch("SIDEKIQ_POOL", 15).to_i

Sidekiq.configure_server do |config|
  config.redis = { url: ENV["REDIS_URL"], network_timeout: 5 }

  Sidekiq.options[:concurrency] = sidekiq_pool

  if defined?(ActiveRecord::Base)
    Rails.logger.debug("Setting custom connection pool size of #{sidekiq_pool} for Sidekiq Server")
    config = ActiveRecord::Base.configurations[Rails.env] ||
             Rails.application.config.database_configuration[Rails.env]
    config['pool'] = sidekiq_pool + 2
    ActiveRecord::Base.establish_connection(config)
  end
end

Sidekiq.configure_client do |config|
  config.redis = { url: ENV["REDIS_URL"], network_timeout: 5, size: Integer(ENV.fetch("sidekiq_redis_size", 2)) }
end
