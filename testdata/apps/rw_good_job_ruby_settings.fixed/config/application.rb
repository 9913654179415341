require_relative "boot"
require "rails/all"
Bundler.require(*Rails.groups)

module Pipeline
  class Application < Rails::Application
    config.load_defaults 7.1
    config.active_job.queue_adapter = :good_job
    config.good_job.execution_mode = :async
    config.good_job.poll_interval = 30
  end
end
