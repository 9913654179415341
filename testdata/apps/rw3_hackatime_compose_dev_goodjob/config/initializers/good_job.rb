Rails.application.configure do
  config.good_job.preserve_job_records = true
  config.good_job.cleanup_preserved_jobs_before_seconds_ago = 60 * 60 * 24 * 7
  config.good_job.cleanup_interval_jobs = 1000
  config.good_job.cleanup_interval_seconds = 3600

  if Rails.env.development?
    config.good_job.enable_listening = false
    config.good_job.poll_interval = -1 # Disable polling
    config.good_job.execution_mode = :inline # Run jobs inline in development
  else
    config.good_job.execution_mode = :external # Use external execution mode in production and staging
  end

  config.good_job.enable_cron = Rails.env.production?

  # https://github.com/bensheldon/good_job#configuring-your-queues
  # 12 threads total
  config.good_job.queues = "latency_critical:2; latency_10s:3; latency_5m,latency_10s:3; literally_whenever,*,latency_5m,latency_10s:4"

  config.good_job.cron = {
    daily_leaderboard_update: {
      cron: "* * * * *",
      class: "LeaderboardUpdateJob",
      args: [ :daily ],
      kwargs: { force_update: true }
    },
    cleanup_successful_jobs: {
      cron: "0 0 * * *",
      class: "CleanupSuccessfulJobsJob"
    }
  }
end
