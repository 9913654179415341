threads 5, 5
port ENV.fetch("PORT") { 3000 }

before_fork do
  Rails.logger.info "forking"
end
