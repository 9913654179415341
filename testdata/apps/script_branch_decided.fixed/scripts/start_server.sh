#!/usr/bin/env bash
# Shape of department-of-veterans-affairs/diffusion-marketplace
# scripts/start_server.sh: the container's role comes from the environment.
if [ "$CONTAINER_ROLE" == "bg_worker" ]
then
  bundle exec sidekiq
elif [ "$CONTAINER_ROLE" == "app_server" ]
then
  bundle exec rails db:migrate && bundle exec puma -C config/puma.rb
else
  echo "Error: unknown CONTAINER_ROLE"
  exit 125
fi
