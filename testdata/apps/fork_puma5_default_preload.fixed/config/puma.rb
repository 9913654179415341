threads 5, 5
port ENV.fetch("PORT") { 3000 }

before_fork do
  Rails.logger.info "forking"
  ActiveRecord::Base.connection_pool.disconnect! if defined?(ActiveRecord::Base)
end
