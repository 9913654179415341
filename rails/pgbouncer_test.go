package rails

import (
	"os"
	"path/filepath"
	"testing"
)

// pgbApp loads an app made of files (path → content) with activerecord
// locked at railsVersion ("" for no lockfile).
func pgbApp(t *testing.T, railsVersion string, files map[string]string) *App {
	t.Helper()
	root := t.TempDir()
	if railsVersion != "" {
		files["Gemfile.lock"] = "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (" + railsVersion +
			")\n    puma (6.4.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  activerecord\n  puma\n\nBUNDLED WITH\n   2.5.6\n"
	}
	files["Gemfile"] = "gem 'rails'\n"
	for rel, src := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Load(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func processNamed(t *testing.T, a *App, name string) *Process {
	t.Helper()
	for _, p := range a.Processes {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no process %q", name)
	return nil
}

func TestTransactionPooler(t *testing.T) {
	tests := []struct {
		line    string
		appJSON string
		want    bool
		mode    string
		urls    string
		off     bool
		max     int
	}{
		{line: "bundle exec puma", want: false},
		{line: "bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL"},
		{line: "bin/start-pgbouncer-stunnel bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL"},
		{line: "PGBOUNCER_POOL_MODE=session bin/start-pgbouncer bundle exec puma", want: false},
		{line: "PGBOUNCER_POOL_MODE=statement bin/start-pgbouncer bundle exec puma", want: true, mode: "statement", urls: "DATABASE_URL"},
		{line: "PGBOUNCER_ENABLED=0 bin/start-pgbouncer bundle exec puma", want: false},
		{line: "PGBOUNCER_ENABLED=On bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL"},
		{line: "PGBOUNCER_ENABLED=$FLAG bin/start-pgbouncer bundle exec puma", want: false}, // unreadable: silent
		{line: "PGBOUNCER_URLS='DATABASE_URL REPLICA_URL' bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL REPLICA_URL"},
		{line: "PGBOUNCER_PREPARED_STATEMENTS=false bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL", off: true},
		{line: "PGBOUNCER_PREPARED_STATEMENTS=False bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL"},
		{line: "PGBOUNCER_MAX_PREPARED_STATEMENTS=100 bin/start-pgbouncer bundle exec puma", want: true, mode: "transaction", urls: "DATABASE_URL", max: 100},
		{line: "bin/start-pgbouncer bundle exec puma", appJSON: `{"env": {"PGBOUNCER_PREPARED_STATEMENTS": {"value": "false"}}}`,
			want: true, mode: "transaction", urls: "DATABASE_URL", off: true},
		{line: "bin/start-pgbouncer bundle exec puma", appJSON: `{"env": {"PGBOUNCER_PREPARED_STATEMENTS": {"required": true}}}`,
			want: true, mode: "transaction", urls: "DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.line+tt.appJSON, func(t *testing.T) {
			files := map[string]string{"Procfile": "web: " + tt.line + "\n"}
			if tt.appJSON != "" {
				files["app.json"] = tt.appJSON
			}
			a := pgbApp(t, "7.1.3", files)
			pl := a.TransactionPooler(processNamed(t, a, "web"))
			if (pl != nil) != tt.want {
				t.Fatalf("pooler %+v, want %v", pl, tt.want)
			}
			if pl == nil {
				return
			}
			if pl.PoolMode != tt.mode || joinWords(pl.URLVars) != tt.urls || pl.PreparedOff != tt.off || pl.MaxPrepared != tt.max {
				t.Errorf("got mode %q urls %q off %v max %d", pl.PoolMode, joinWords(pl.URLVars), pl.PreparedOff, pl.MaxPrepared)
			}
		})
	}
}

func joinWords(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += " "
		}
		out += w
	}
	return out
}

func TestRouteOf(t *testing.T) {
	const multi = `production:
  primary:
    adapter: postgresql
  replica:
    url: <%= ENV["REPLICA_URL"] %>
  literal:
    url: postgres://direct.internal/app
  computed:
    url: <%= Settings.database_url %>
  queue:
    adapter: postgresql
`
	tests := []struct {
		rails, line string
		want        map[string]string // config name → route URL var ("" = direct, "?" = unknown)
	}{
		{"7.1.3", "bin/start-pgbouncer puma", map[string]string{"primary": "DATABASE_URL", "replica": "", "literal": "", "computed": "?", "queue": ""}},
		{"7.1.3", "PGBOUNCER_URLS='DATABASE_URL REPLICA_URL QUEUE_DATABASE_URL' bin/start-pgbouncer puma",
			map[string]string{"primary": "DATABASE_URL", "replica": "REPLICA_URL", "literal": "", "computed": "?", "queue": "QUEUE_DATABASE_URL"}},
		{"5.2.8", "PGBOUNCER_URLS='DATABASE_URL QUEUE_DATABASE_URL' bin/start-pgbouncer puma",
			map[string]string{"primary": "DATABASE_URL", "queue": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.rails+" "+tt.line, func(t *testing.T) {
			a := pgbApp(t, tt.rails, map[string]string{"Procfile": "web: " + tt.line + "\n", "config/database.yml": multi})
			p := processNamed(t, a, "web")
			pl := a.TransactionPooler(p)
			for _, db := range a.Databases.Configs("production") {
				want, ok := tt.want[db.Name]
				if !ok {
					continue
				}
				r, known := a.RouteOf(pl, db)
				got := ""
				switch {
				case !known:
					got = "?"
				case r != nil:
					got = r.URLVar
				}
				if got != want {
					t.Errorf("%s: route %q, want %q", db.Name, got, want)
				}
			}
		})
	}
}

func TestPreparedStatementsOf(t *testing.T) {
	const withFalse = "production:\n  adapter: postgresql\n  prepared_statements: false\n"
	const cast = "class ActiveRecord::ConnectionAdapters::PostgreSQLAdapter\n  def initialize(c, l, p, config)\n    config = config.merge(prepared_statements: false) if config[:prepared_statements] == 'false'\n    super\n  end\nend\n"
	tests := []struct {
		name, rails, line, yml, init string
		known, on, truthy            bool
	}{
		{"default on", "7.1.3", "bin/start-pgbouncer puma", "production:\n  adapter: postgresql\n", "", true, true, false},
		{"yml false", "7.1.3", "bin/start-pgbouncer puma", withFalse, "", true, false, false},
		{"yml quoted false, Rails 4.2 casts", "4.2.11", "bin/start-pgbouncer puma", "production:\n  prepared_statements: 'false'\n", "", true, false, false},
		{"yml no (Psych boolean)", "7.1.3", "bin/start-pgbouncer puma", "production:\n  prepared_statements: no\n", "", true, false, false},
		{"yml true", "7.1.3", "bin/start-pgbouncer puma", "production:\n  prepared_statements: true\n", "", true, true, false},
		{"URL flag wins over yml true", "7.1.3", "PGBOUNCER_PREPARED_STATEMENTS=false bin/start-pgbouncer puma", "production:\n  prepared_statements: true\n", "", true, false, false},
		{"ERB on an unset variable", "7.1.3", "bin/start-pgbouncer puma", "production:\n  prepared_statements: <%= ENV['X'] != 'true' %>\n", "", false, false, false},
		{"ERB on a set variable", "7.1.3", "X=true bin/start-pgbouncer puma", "production:\n  prepared_statements: <%= ENV['X'] != 'true' %>\n", "", true, false, false},
		{"unreadable flag", "7.1.3", "PGBOUNCER_PREPARED_STATEMENTS=$PS bin/start-pgbouncer puma", "production:\n  adapter: postgresql\n", "", false, false, false},
		{"Rails 4.0: yml ignored", "4.0.13", "bin/start-pgbouncer puma", withFalse, "", true, true, false},
		{"Rails 4.0: URL flag cast", "4.0.13", "PGBOUNCER_PREPARED_STATEMENTS=false bin/start-pgbouncer puma", withFalse, "", true, false, false},
		{"Rails 3.2: yml ignored", "3.2.22.5", "bin/start-pgbouncer puma", withFalse, "", true, true, false},
		{"Rails 3.2: truthy string", "3.2.22.5", "PGBOUNCER_PREPARED_STATEMENTS=false bin/start-pgbouncer puma", withFalse, "", true, true, true},
		{"Rails 3.2: cast initializer", "3.2.22.5", "PGBOUNCER_PREPARED_STATEMENTS=false bin/start-pgbouncer puma", withFalse, cast, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"Procfile": "web: " + tt.line + "\n", "config/database.yml": tt.yml}
			if tt.init != "" {
				files["config/initializers/pg.rb"] = tt.init
			}
			a := pgbApp(t, tt.rails, files)
			pl := a.TransactionPooler(processNamed(t, a, "web"))
			r, known := a.RouteOf(pl, a.Databases.Configs("production")[0])
			if !known || r == nil {
				t.Fatal("not routed through PgBouncer")
			}
			s := a.PreparedStatementsOf(r)
			if s.Known != tt.known || (s.Known && s.On != tt.on) || s.TruthyString != tt.truthy {
				t.Errorf("got known %v on %v truthy %v (%s), want %v %v %v", s.Known, s.On, s.TruthyString, s.Why, tt.known, tt.on, tt.truthy)
			}
		})
	}
}

func TestAdvisoryLocksOf(t *testing.T) {
	tests := []struct {
		rails, yml string
		on         bool
	}{
		{"4.2.11", "production:\n  adapter: postgresql\n", false},
		{"5.2.8", "production:\n  advisory_locks: false\n", true}, // no such key before 6.0
		{"6.1.7", "production:\n  adapter: postgresql\n", true},
		{"6.1.7", "production:\n  advisory_locks: false\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.rails+" "+tt.yml, func(t *testing.T) {
			a := pgbApp(t, tt.rails, map[string]string{"Procfile": "release: bin/start-pgbouncer rake db:migrate\n", "config/database.yml": tt.yml})
			pl := a.TransactionPooler(processNamed(t, a, "release"))
			r, _ := a.RouteOf(pl, a.Databases.Configs("production")[0])
			if s := a.AdvisoryLocksOf(r); !s.Known || s.On != tt.on {
				t.Errorf("got %+v, want on=%v", s, tt.on)
			}
		})
	}
}

func TestMigratesThroughPooler(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"bin/start-pgbouncer bundle exec rake db:migrate", true},
		{"bin/start-pgbouncer-stunnel bundle exec rails db:prepare", true},
		{"bundle exec rake db:migrate", false},
		{"bundle exec rake db:migrate && bin/start-pgbouncer bundle exec rake cache:warm", false},
		{"bin/start-pgbouncer bundle exec rake db:migrate:with_data && echo done", true},
		{"bin/start-pgbouncer bundle exec puma", false},
	}
	for _, tt := range tests {
		a := pgbApp(t, "7.1.3", map[string]string{"Procfile": "release: " + tt.line + "\n"})
		if got := MigratesThroughPooler(processNamed(t, a, "release")); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestPoolerOfCompoundLine(t *testing.T) {
	a := pgbApp(t, "7.1.3", map[string]string{"Procfile": "release: bin/start-pgbouncer bundle exec rake db:migrate && bundle exec rake cache:warm\n"})
	p := processNamed(t, a, "release")
	if pl := a.TransactionPooler(p); pl == nil || pl.Wrapper != "bin/start-pgbouncer" {
		t.Fatalf("pooler %+v", pl)
	}
	if !MigratesThroughPooler(p) {
		t.Error("the migration runs through PgBouncer")
	}
}
