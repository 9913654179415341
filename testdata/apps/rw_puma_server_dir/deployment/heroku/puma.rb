web_concurrency = ENV.fetch("WEB_CONCURRENCY") { 0 }.to_i
workers web_concurrency
threads 4, 4
