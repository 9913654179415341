# commands used to deploy a Rails application
namespace :fly do
  # BUILD step:
  task :build => 'assets:precompile'

  # RELEASE step:
  task :release => 'db:migrate'

  # SERVER step:
  task :server => :swapfile do
    sh 'bin/rails server'
  end

  task :sidekiq => :swapfile do
    sh 'bundle exec sidekiq --environment production -q twilio_rails_example_production_default'
  end

  task :swapfile do
    sh 'fallocate -l 512M /swapfile'
    sh 'chmod 0600 /swapfile'
    sh 'mkswap /swapfile'
    sh 'echo 10 > /proc/sys/vm/swappiness'
    sh 'swapon /swapfile'
  end
end
