# The smallest Rails 6.1 application the scenarios need: Active Record and
# Action Controller from Debian's packages, configured as a generated app
# runs in production. Each scenario adds its own database.yml, Procfile,
# server config, routes and app/ code on top of this skeleton.
require_relative "boot"

require "rails"
require "active_record/railtie"
require "action_controller/railtie"

module E2eApp
  class Application < Rails::Application
    config.load_defaults 6.1
    config.api_only = true
    config.eager_load = true
    config.secret_key_base = "e2e-not-a-secret"
    config.logger = ActiveSupport::Logger.new($stdout)
    config.log_level = :info
    # As config/environments/production.rb has it: no db/schema.rb dump.
    config.active_record.dump_schema_after_migration = false
  end
end
