Sidekiq.configure_server do |config|
  # ENV['DATABASE_URL'] = "#{ENV['DATABASE_URL']}?pool=25"
  # ActiveRecord::Base.establish_connection
  db = ActiveRecord::Base.configurations.configs_for(env_name: Rails.env, name: "primary").configuration_hash
  ActiveRecord::Base.establish_connection(db.merge(pool: 5))
end
