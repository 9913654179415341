worker_processes ENV["EOL_UNICORN_WORKER_PROCESSES"].to_i
timeout 15
preload_app true
