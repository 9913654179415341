# Runs before sidekiq.rb: initializers load in file-name order.
ActiveRecord::Base.logger = Logger.new(STDOUT) if ENV["LOG_SQL"]
