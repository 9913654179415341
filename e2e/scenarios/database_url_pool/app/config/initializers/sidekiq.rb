# Seed 001's config/initializers/sidekiq.rb: raise the pool for the Sidekiq
# process by gluing ?pool=25 onto DATABASE_URL and reconnecting.
Sidekiq.configure_server do |config|
  config.redis = { url: ENV["REDIS_URL"] }

  database_url = ENV['DATABASE_URL']
  if database_url
    ENV['DATABASE_URL'] = "#{database_url}?pool=25"
    ActiveRecord::Base.establish_connection
    # Note that as of Rails 4.1 the `establish_connection` method requires
    # the database_url be passed in as an argument. Like this:
    # ActiveRecord::Base.establish_connection(ENV['DATABASE_URL'])
  end
end
