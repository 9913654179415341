Rails.application.configure do
  config.good_job.preserve_job_records = true
  config.good_job.execution_mode = :external
  config.good_job.max_threads = 10
end
