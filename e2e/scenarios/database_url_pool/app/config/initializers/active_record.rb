# Touches ActiveRecord::Base while the app boots, as most apps do before
# config/initializers/sidekiq.rb runs (an earlier initializer, or a gem
# such as ar-octopus in seed 001's app, at require time). From here on
# ActiveRecord::Base.configurations is built, with DATABASE_URL as it was.
ActiveRecord::Base.include_root_in_json = false
