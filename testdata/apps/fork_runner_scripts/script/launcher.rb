# Runs another script with the app; forks itself without it.
system("bin/rails runner script/nightly.rb")
Process.fork do
end
