# The whole app is loaded here so the puma config can read its settings.
require File.expand_path("../config/environment", __dir__)

web_concurrency = ENV.fetch("WEB_CONCURRENCY") { 2 }.to_i
workers web_concurrency

threads_count = Integer(ENV['MAX_THREADS'] || 1)
threads threads_count, threads_count

preload_app! if ENV["PRELOAD_APP"]
nakayoshi_fork
wait_for_less_busy_worker ENV.fetch('PUMA_WAIT_FOR_LESS_BUSY_WORKER', 0.001).to_f
queue_requests false unless Rails.env.local?

rackup      DefaultRackup if defined?(DefaultRackup)
port        ENV['PORT']     || 3000
environment ENV['RACK_ENV'] || 'development'

before_fork do
  Barnes.start
end if web_concurrency > 0

on_worker_boot do
  # Re-open appenders after forking the process
  SemanticLogger.reopen if defined?(SemanticLogger)
end

on_restart do
  puts "Refreshing Gemfile, workers: #{@options[:workers]}"
  ENV["BUNDLE_GEMFILE"] = File.expand_path("../Gemfile", __dir__)
end

out_of_band do
  GC.start if @options[:workers].to_i > 1
end

lowlevel_error_handler do |e|
  Rollbar.critical(e) if defined?(Rollbar)
  [500, {}, ["An error has occurred, and engineers have been informed. Please reload the page."]]
end

plugin :statsd if ENV["STATSD_HOST"]
