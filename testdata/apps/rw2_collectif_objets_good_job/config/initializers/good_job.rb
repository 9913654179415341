Rails.application.configure do
  config.good_job.on_thread_error = -> (exception) { Sentry.capture_exception(exception) }

  config.good_job.enable_cron = true
  config.good_job.cron = {
    sanity_checks: {
      cron: "0 5 * * *",
      class: "Sanity::ChecksJob"
    },
    campaigns: {
      cron: "30 10 * * *",
      class: "Campaigns::CronJob"
    }
  }
end
