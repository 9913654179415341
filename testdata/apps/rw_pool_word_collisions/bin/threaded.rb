#!/usr/bin/env ruby
# Runs delayed_job workers as threads in one process.
require_relative "../config/environment"

threads = Integer(ENV.fetch("DJ_THREADS", 3)).times.map do |i|
  Thread.new do
    Delayed::Worker.new(name: "threaded-#{i}").start
  end
end
threads.each(&:join)
