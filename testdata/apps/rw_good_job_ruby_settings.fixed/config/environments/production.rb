Rails.application.configure do
  config.eager_load = true
  config.good_job.execution_mode = :external
  # The importer queue is IO-bound: more threads than the web.
  config.good_job.max_threads = 12
  config.good_job.enable_cron = true
end
