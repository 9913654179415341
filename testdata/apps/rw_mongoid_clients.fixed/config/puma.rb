# Threads: Puma's default. Set WEB_CONCURRENCY to fork workers.
workers Integer(ENV['WEB_CONCURRENCY'] || 0)

port        ENV.fetch("PORT") { 3000 }
environment ENV.fetch("RAILS_ENV") { "development" }

plugin :tmp_restart
