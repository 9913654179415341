threads_count = ENV.fetch("RAILS_MAX_THREADS") {
  if ENV.fetch("RAILS_ENV") == "production"
    10
  else
    3
  end
}
threads threads_count, threads_count
