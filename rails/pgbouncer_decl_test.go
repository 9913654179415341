package rails

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/poollint/poollint/parser"
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

// declaredApp loads an app of files with activerecord locked at
// railsVersion, loaded with opts (the declarations and env: a
// .poollint.yml gives).
func declaredApp(t *testing.T, railsVersion string, opts Options, files map[string]string) *App {
	t.Helper()
	root := t.TempDir()
	files["Gemfile.lock"] = "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (" + railsVersion +
		")\n    puma (6.4.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  activerecord\n  puma\n\nBUNDLED WITH\n   2.5.6\n"
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
	a, err := Load(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTransactionPoolerDeclared(t *testing.T) {
	declSpan := parser.Span{File: ".poollint.yml", Start: parser.Pos{Line: 2, Col: 5}}
	tests := []struct {
		name      string
		line      string
		decls     []PgBouncerDecl
		want      bool
		buildpack bool
	}{
		{name: "no declaration", line: "bundle exec puma"},
		{name: "a declaration serving every process", line: "bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal"}}, want: true},
		{name: "statement mode pools too", line: "bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal", Mode: "statement"}}, want: true},
		{name: "session mode only", line: "bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal", Mode: "session"}}},
		{name: "declared for another process", line: "bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal", Processes: []string{"worker"}}}},
		{name: "declared for this process", line: "bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal", Processes: []string{"worker", "web"}}}, want: true},
		{name: "the buildpack wins", line: "bin/start-pgbouncer bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal", Span: declSpan}}, want: true, buildpack: true},
		{name: "a disabled buildpack decides alone", line: "PGBOUNCER_ENABLED=0 bin/start-pgbouncer bundle exec puma",
			decls: []PgBouncerDecl{{Host: "pgbouncer.internal"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := declaredApp(t, "7.1.3", Options{PgBouncer: tt.decls}, map[string]string{"Procfile": "web: " + tt.line + "\n"})
			pl := a.TransactionPooler(processNamed(t, a, "web"))
			if (pl != nil) != tt.want {
				t.Fatalf("pooler %+v, want one: %v", pl, tt.want)
			}
			if pl != nil && (pl.Buildpack != tt.buildpack || pl.Decl != nil) {
				t.Errorf("pooler %+v: Buildpack %v, want %v; Decl must be set on routes only", pl, pl.Buildpack, tt.buildpack)
			}
		})
	}
}

func TestTransactionPoolerDeclaredImplied(t *testing.T) {
	// No Procfile: the implied web process is served by a declaration too.
	a := declaredApp(t, "7.1.3", Options{PgBouncer: []PgBouncerDecl{{Host: "pgbouncer.internal", Processes: []string{"web"}}}},
		map[string]string{"config/puma.rb": "threads 5, 5\n"})
	if pl := a.TransactionPooler(processNamed(t, a, "web")); pl == nil {
		t.Fatal("no pooler for the implied web process")
	}
}

func TestRouteOfDeclared(t *testing.T) {
	declSpan := parser.Span{File: ".poollint.yml", Start: parser.Pos{Line: 3, Col: 5}}
	decls := []PgBouncerDecl{
		{Host: "pgbouncer.internal", Port: 6432, MaxPreparedStatements: 100, Span: declSpan},
		{Host: "stmt-pooler", Mode: "statement"},
	}
	tests := []struct {
		name  string
		rails string
		line  string
		yml   string
		env   map[string]string
		// want: "" none, "?" unknown, else the route's Addr.
		want       string
		mode       string
		url        string
		yamlIgnore bool
	}{
		{name: "host: and port: match", yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n",
			want: "pgbouncer.internal:6432", mode: "transaction"},
		{name: "any port of a declaration without one", yml: "production:\n  host: stmt-pooler\n",
			want: "stmt-pooler:5432", mode: "statement"},
		{name: "another host", yml: "production:\n  host: db.internal\n"},
		{name: "DATABASE_URL keeps its query", yml: "production:\n  adapter: postgresql\n",
			env:  map[string]string{"DATABASE_URL": "postgres://u:p@pgbouncer.internal:6432/app?prepared_statements=false"},
			want: "pgbouncer.internal:6432", mode: "transaction", url: "postgres://u:p@pgbouncer.internal:6432/app?prepared_statements=false"},
		{name: "a URL from a config var poollint cannot see", line: "DATABASE_URL=$POOLED_URL ",
			yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n", want: "?"},
		{name: "ERB host of an unset variable", yml: "production:\n  host: <%= ENV['DB_HOST'] %>\n  port: 6432\n", want: "?"},
		{name: "Rails 4.0: a set DATABASE_URL is the whole connection", rails: "4.0.13", yml: "production:\n  host: db.internal\n",
			env:  map[string]string{"DATABASE_URL": "postgres://u:p@pgbouncer.internal:6432/app"},
			want: "pgbouncer.internal:6432", mode: "transaction", url: "postgres://u:p@pgbouncer.internal:6432/app", yamlIgnore: true},
		{name: "Rails 4.0 without DATABASE_URL reads database.yml", rails: "4.0.13", yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n",
			want: "pgbouncer.internal:6432", mode: "transaction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			railsVersion := tt.rails
			if railsVersion == "" {
				railsVersion = "7.1.3"
			}
			a := declaredApp(t, railsVersion, Options{Env: tt.env, PgBouncer: decls},
				map[string]string{"Procfile": "web: " + tt.line + "bundle exec puma\n", "config/database.yml": tt.yml})
			pl := a.TransactionPooler(processNamed(t, a, "web"))
			if pl == nil {
				t.Fatal("no pooler")
			}
			r, known := a.RouteOf(pl, a.Databases.Configs("production")[0])
			got := ""
			switch {
			case !known:
				got = "?"
			case r != nil:
				got = r.Pooler.Addr
			}
			if got != tt.want {
				t.Fatalf("route %q, want %q", got, tt.want)
			}
			if r == nil {
				return
			}
			if r.Pooler.Decl == nil || r.Pooler.Buildpack || r.Pooler.PoolMode != tt.mode || r.URL != tt.url || r.YAMLIgnored != tt.yamlIgnore {
				t.Errorf("route %+v via %+v", r, r.Pooler)
			}
			if r.Pooler.Decl.Host == "pgbouncer.internal" && (r.Pooler.MaxPrepared != 100 || r.Pooler.Span != declSpan) {
				t.Errorf("max_prepared_statements %d, span %v: want the declaration's", r.Pooler.MaxPrepared, r.Pooler.Span)
			}
		})
	}
}

func TestDeclaredRouteSwitches(t *testing.T) {
	decls := []PgBouncerDecl{{Host: "pgbouncer.internal", Port: 6432}}
	tests := []struct {
		name        string
		yml         string
		env         map[string]string
		on, fromURL bool
	}{
		{name: "Active Record's default", yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n", on: true},
		{name: "prepared_statements: false", yml: "production:\n  host: pgbouncer.internal\n  port: 6432\n  prepared_statements: false\n"},
		{name: "the app's own URL turns them off", yml: "production:\n  url: postgres://pgbouncer.internal:6432/app?prepared_statements=false\n", fromURL: true},
		{name: "the URL wins over database.yml", yml: "production:\n  prepared_statements: false\n",
			env: map[string]string{"DATABASE_URL": "postgres://pgbouncer.internal:6432/app?prepared_statements=true"}, on: true, fromURL: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := declaredApp(t, "7.1.3", Options{Env: tt.env, PgBouncer: decls},
				map[string]string{"Procfile": "web: bundle exec puma\n", "config/database.yml": tt.yml})
			r, known := a.RouteOf(a.TransactionPooler(processNamed(t, a, "web")), a.Databases.Configs("production")[0])
			if !known || r == nil {
				t.Fatal("not routed through the declared PgBouncer")
			}
			s := a.PreparedStatementsOf(r)
			if !s.Known || s.On != tt.on || s.FromURL != tt.fromURL {
				t.Errorf("got %+v, want on=%v fromURL=%v", s, tt.on, tt.fromURL)
			}
		})
	}
}

func TestCarriesMigrations(t *testing.T) {
	decls := []PgBouncerDecl{{Host: "pgbouncer.internal", Port: 6432}}
	tests := []struct {
		line string
		want bool
	}{
		{"bundle exec rails db:migrate", true},
		{"bundle exec rake db:migrate && bundle exec rake cache:warm", true},
		{"bundle exec rake cache:warm", false},
		{"bin/start-pgbouncer bundle exec rails db:migrate", true},
		{"bundle exec rake db:migrate && bin/start-pgbouncer bundle exec rake cache:warm", false}, // the buildpack wins and pools the second command only
	}
	for _, tt := range tests {
		a := declaredApp(t, "7.1.3", Options{PgBouncer: decls}, map[string]string{"Procfile": "release: " + tt.line + "\n"})
		pl := a.TransactionPooler(processNamed(t, a, "release"))
		if pl == nil {
			t.Fatalf("%q: no pooler", tt.line)
		}
		if got := pl.CarriesMigrations(); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.line, got, tt.want)
		}
	}
}
