#!/usr/bin/env bash
# Render start (shape of a public Rails app's render start script): prepare,
# seed, then Puma in the foreground.
set -o errexit

bundle exec rails db:prepare
bundle exec rails db:seed || echo "seed skipped"
exec bundle exec puma -C config/puma.rb
