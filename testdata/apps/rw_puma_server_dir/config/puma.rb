# Local development only; production uses config/server/puma.rb.
threads 1, 1
workers 0
port ENV.fetch("PORT", 3000)
