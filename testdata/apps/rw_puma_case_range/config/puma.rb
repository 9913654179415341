threads_count = Integer(ENV.fetch("RAILS_MAX_THREADS", 5))
threads threads_count, threads_count

port ENV.fetch("PORT", 3000)

case workers_count = Integer(ENV.fetch("WEB_CONCURRENCY", 2))
when (2..)
  workers workers_count
  preload_app!

  before_fork do
    ImpactPlatform::MySQL.disconnect!
  end

  on_worker_boot do
    ImpactPlatform::MySQL.reconnect!(workers_count * threads_count)
  end
else
  # Single mode: nothing is forked.
  workers 0
end

plugin :tmp_restart
