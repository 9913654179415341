task :sync do
  sh "bin/rails runner script/sync_all.rb"
end
