# Rails' generated boot.rb runs `require "bundler/setup"`. These apps use
# Debian's gems, which are on Ruby's load path already, so there is no
# Bundler step. Logs go to stdout unbuffered, the way a Procfile process
# logs on Heroku; the e2e test reads them while the process runs.
$stdout.sync = true
