# Sized for the c5.2xlarge hosts: one process, many threads.
threads 8, 32

port        ENV.fetch("PORT") { 3000 }
environment ENV.fetch("RAILS_ENV") { "development" }
pidfile     ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }

plugin :tmp_restart
