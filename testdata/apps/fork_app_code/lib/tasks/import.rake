namespace :import do
  task all: :environment do
    pids = Source.all.map do |source|
      Process.fork do
        ActiveRecord::Base.establish_connection
        source.import!
      end
    end
    pids.each { |pid| Process.wait(pid) }
  end
end
