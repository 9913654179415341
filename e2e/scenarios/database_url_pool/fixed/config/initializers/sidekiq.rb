# The repair poollint's message shows: merge the pool into the
# configuration Active Record already has.
Sidekiq.configure_server do |config|
  config.redis = { url: ENV["REDIS_URL"] }

  ActiveRecord::Base.establish_connection(ActiveRecord::Base.configurations.configs_for(env_name: Rails.env, name: "primary").configuration_hash.merge(pool: 25))
end
