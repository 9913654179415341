#!/bin/sh
# Shape of klausmeyer/oopsy's docker-entrypoint.sh: the first argument
# names the process; anything else runs as given.
set -e

case "$1" in
  web)
    exec bundle exec puma -C config/puma.rb
    ;;
  sidekiq)
    shift
    exec bundle exec sidekiq $@
    ;;
  *)
    exec "$@"
    ;;
esac
