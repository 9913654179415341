workers Integer(ENV["WEB_CONCURRENCY"] || 2)
preload_app!
port ENV["PORT"] || 3000
