#!/usr/bin/env puma

# Start Puma with next command:
# RAILS_ENV=production bundle exec puma -e production -C ./config/puma.rb

application_path = '/home/gitlab_ci/gitlab-ci'
directory application_path
environment = :production
daemonize true
pidfile "#{application_path}/tmp/pids/puma.pid"
state_path "#{application_path}/tmp/pids/puma.state"
stdout_redirect "#{application_path}/log/puma.stdout.log", "#{application_path}/log/puma.stderr.log"

# The default is “0, 16”.
#
# threads 0, 16

bind "unix://#{application_path}/tmp/sockets/gitlab-ci.socket"

# How many worker processes to run.
#
# The default is “0”.
#
# workers 2
