worker_processes 3
preload_app true
