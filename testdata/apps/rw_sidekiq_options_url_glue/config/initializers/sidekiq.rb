Sidekiq.configure_server do |config|
  config.options[:concurrency] = ENV["CONCURRENCY"].to_i if ENV["CONCURRENCY"]

  database_url = ENV['DATABASE_URL']
  if database_url
    min_pool_size = Sidekiq.options[:concurrency]
    ENV['DATABASE_URL'] = "#{database_url}?pool=#{min_pool_size}"
    ActiveRecord::Base.establish_connection
  end
end
