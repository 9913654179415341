# Usage: bin/rails runner script/backfill.rb
Process.fork do
end
