if Sidekiq.server?
  database_url = ENV.fetch("DATABASE_URL")
  ActiveRecord::Base.establish_connection("#{database_url}?pool=#{ENV['DB_POOL']}")
end
