# A job that holds its database connection for 1.5 s, longer than
# checkout_timeout, so a job that finds the pool empty times out.
class SleepWorker
  include Sidekiq::Worker
  sidekiq_options retry: false

  def perform
    logger.info "pool size #{ActiveRecord::Base.connection_pool.size}"
    ActiveRecord::Base.connection.select_value("SELECT 1 FROM pg_sleep(1.5)")
  end
end
