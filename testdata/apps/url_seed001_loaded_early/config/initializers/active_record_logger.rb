# Loaded before sidekiq.rb (Rails runs initializers in file-name order).
ActiveRecord::Base.logger = Logger.new(STDOUT) if ENV["LOG_SQL"]
