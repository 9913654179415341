if ENV.fetch("RAILS_ENV", "development") == "production"
  threads 16, 16
  workers 2
else
  threads 2, 2
end
