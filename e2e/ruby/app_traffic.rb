# Stand-in for the web traffic that runs while a release migrates (loaded
# with RUBYOPT=-r only into the release process of the
# pgbouncer-advisory-locks scenario; it is not part of the app).
#
# When the first migration starts, another client of the same PgBouncer
# opens a transaction and keeps it until the process exits, as a web
# request in flight would. PgBouncer reuses the most recently released
# server connection first, which is the one that has just taken the
# migration's advisory lock, so this client pins that server: the later
# pg_advisory_unlock goes to another server connection, and Rails raises
# ActiveRecord::ConcurrentMigrationError "Failed to release advisory lock".
# real-stack-findings.md section 4: a quiet run passes, real traffic makes
# it fail 50-80% of the time; this pin makes it fail every time.
require "active_record"
require "pg"

module E2EAppTraffic
  def exec_migration(conn, direction)
    unless $e2e_app_traffic
      $e2e_app_traffic = PG.connect(ENV.fetch("DATABASE_URL"))
      $e2e_app_traffic.exec("BEGIN")
      backend = $e2e_app_traffic.exec("SELECT pg_backend_pid()").getvalue(0, 0)
      warn "e2e app traffic: a transaction holds PgBouncer's server connection to backend #{backend}"
    end
    super
  end
end

ActiveRecord::Migration.prepend(E2EAppTraffic)
