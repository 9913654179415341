rails_env = ENV.fetch("RAILS_ENV") { "development" }

max_threads = ENV.fetch("PUMA_MAX_THREADS") { 16 }.to_i
min_threads = ENV.fetch("PUMA_MIN_THREADS") { max_threads }.to_i
threads min_threads, max_threads

if rails_env == "production"
  worker_count = (Concurrent.processor_count * 0.666).ceil
  workers(ENV.fetch("WEB_CONCURRENCY") { worker_count })
  preload_app!
else
  workers 0
end

port ENV.fetch("PORT") { 3000 }
environment rails_env
