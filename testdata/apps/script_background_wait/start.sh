#!/bin/bash
# One container runs both: Sidekiq in the background, Puma too, and the
# container lives as long as either.
bundle exec rails db:migrate
bundle exec sidekiq -C config/sidekiq.yml &
bundle exec puma -C config/puma.rb &
wait -n
