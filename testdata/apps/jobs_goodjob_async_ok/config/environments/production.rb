Rails.application.configure do
  config.good_job = {
    execution_mode: :async,
    max_threads: ENV.fetch("GOOD_JOB_MAX_THREADS", 5),
  }
end
