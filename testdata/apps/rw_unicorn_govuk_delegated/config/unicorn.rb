require "govuk_app_config/govuk_unicorn"
GovukUnicorn.configure(self)

if ENV['WORKER_PROCESSES']
  worker_processes ENV['WORKER_PROCESSES'].to_i
else
  require "etc"
  worker_processes Etc.nprocessors
end

preload_app true
