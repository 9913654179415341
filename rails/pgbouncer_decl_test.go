package rails

import (
	"os"
	"path/filepath"
	"testing"
)

// declApp loads an app of files with activerecord locked at railsVersion
// and env as the outer environment (what .poollint.yml env: gives).
func declApp(t *testing.T, railsVersion string, env map[string]string, files map[string]string) *App {
	t.Helper()
	root := t.TempDir()
	files["Gemfile.lock"] = "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (" + railsVersion +
		")\n    puma (6.4.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  activerecord\n  puma\n\nBUNDLED WITH\n   2.5.6\n"
	files["Gemfile"] = "gem 'rails'\n"
	files["Procfile"] = "web: bundle exec puma\nworker: bundle exec sidekiq\n"
	for rel, src := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Load(root, Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDeclaredPgBouncerOf(t *testing.T) {
	decls := []PgBouncerDecl{
		{Host: "pgbouncer.internal", Port: 6432},
		{Host: "session-pooler", Mode: "session"},
		{Host: "jobs-pooler", Processes: []string{"worker"}},
	}
	tests := []struct {
		name    string
		rails   string
		yml     string
		env     map[string]string
		process string
		want    string // declared host, "" for none
		known   bool
	}{
		{name: "host and port match", yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n",
			want: "pgbouncer.internal", known: true},
		{name: "host matches case-insensitively", yml: "production:\n  host: PgBouncer.Internal\n  port: 6432\n",
			want: "pgbouncer.internal", known: true},
		{name: "default port is not the declared one", yml: "production:\n  host: pgbouncer.internal\n",
			known: true},
		{name: "another host", yml: "production:\n  host: db.internal\n  port: 6432\n", known: true},
		{name: "local socket", yml: "production:\n  database: app\n", known: true},
		{name: "session mode is not pooled per transaction", yml: "production:\n  host: session-pooler\n", known: true},
		{name: "declaration limited to other processes", yml: "production:\n  host: jobs-pooler\n", known: true},
		{name: "declaration for this process", yml: "production:\n  host: jobs-pooler\n", process: "worker",
			want: "jobs-pooler", known: true},
		{name: "DATABASE_URL from the environment wins over host:",
			yml: "production:\n  host: db.internal\n", env: map[string]string{"DATABASE_URL": "postgres://u:p@pgbouncer.internal:6432/app"},
			want: "pgbouncer.internal", known: true},
		{name: "DATABASE_URL port merged with host:",
			yml: "production:\n  host: pgbouncer.internal\n", env: map[string]string{"DATABASE_URL": "postgres://:6432/app"},
			want: "pgbouncer.internal", known: true},
		{name: "url: key wins over DATABASE_URL",
			yml: "production:\n  url: postgres://db.internal/app\n", env: map[string]string{"DATABASE_URL": "postgres://pgbouncer.internal:6432/app"},
			known: true},
		{name: "ERB host with a default", yml: "production:\n  host: <%= ENV.fetch('DB_HOST', 'pgbouncer.internal') %>\n  port: 6432\n",
			want: "pgbouncer.internal", known: true},
		{name: "ERB host of an unset variable is unknown", yml: "production:\n  host: <%= ENV['DB_HOST'] %>\n  port: 6432\n"},
		{name: "ERB host from the environment", yml: "production:\n  host: <%= ENV['DB_HOST'] %>\n  port: 6432\n",
			env: map[string]string{"DB_HOST": "pgbouncer.internal"}, want: "pgbouncer.internal", known: true},
		{name: "Rails 4.0: DATABASE_URL is the whole connection", rails: "4.0.13",
			yml: "production:\n  host: db.internal\n", env: map[string]string{"DATABASE_URL": "postgres://pgbouncer.internal:6432/app"},
			want: "pgbouncer.internal", known: true},
		{name: "no config for the env and no URL is unknown", yml: "development:\n  host: pgbouncer.internal\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			railsVersion := tt.rails
			if railsVersion == "" {
				railsVersion = "7.1.3"
			}
			a := declApp(t, railsVersion, tt.env, map[string]string{"config/database.yml": tt.yml})
			name := tt.process
			if name == "" {
				name = "web"
			}
			var db *DatabaseConfig
			if cs := a.Databases.Configs("production"); len(cs) > 0 {
				db = cs[0]
			}
			d, _, known := a.DeclaredPgBouncerOf(decls, processNamed(t, a, name), db)
			got := ""
			if d != nil {
				got = d.Host
			}
			if got != tt.want || known != tt.known {
				t.Errorf("DeclaredPgBouncerOf = %q, known %v; want %q, known %v", got, known, tt.want, tt.known)
			}
		})
	}
}

func TestConnectionOf(t *testing.T) {
	a := declApp(t, "7.1.3", map[string]string{"DATABASE_URL": "postgres://u:p@pgbouncer.internal:6432/app?prepared_statements=false"},
		map[string]string{"config/database.yml": "production:\n  host: db.internal\n"})
	conn, known := a.ConnectionOf(processNamed(t, a, "web"), a.Databases.Configs("production")[0])
	want := Connection{Host: "pgbouncer.internal", Port: 6432, URLVar: "DATABASE_URL",
		URL: "postgres://u:p@pgbouncer.internal:6432/app?prepared_statements=false"}
	if !known || conn != want {
		t.Errorf("ConnectionOf = %+v, %v; want %+v", conn, known, want)
	}
}

func TestPgBouncerDeclPoolsTransactions(t *testing.T) {
	for mode, want := range map[string]bool{"": true, "transaction": true, "statement": true, "session": false} {
		d := PgBouncerDecl{Mode: mode}
		if got := d.PoolsTransactions(); got != want {
			t.Errorf("mode %q: PoolsTransactions = %v, want %v", mode, got, want)
		}
	}
}
