package lintconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

func parse(t *testing.T, src string) (*Config, error) {
	t.Helper()
	return Parse("app/.poollint.yml", parser.NewFile(FileName, "/app/"+FileName, []byte(src)))
}

func TestParseValid(t *testing.T) {
	src := `# every key
rails_env: staging
env:
  RAILS_MAX_THREADS: 10
  WEB_CONCURRENCY: "2"
  FEATURE: true
  EMPTY: ""
select: [puma-threads-exceed-pool, pool-not-tied-to-threads]
ignore:
  - octopus-unmaintained
severity:
  pool-not-tied-to-threads: info
formation:
  web: 4
  worker: 2
  release: 0
database:
  max_connections: 120
pgbouncer:
  - host: pgbouncer.internal
    port: 6432
    mode: transaction
    max_prepared_statements: 100
    processes: [web]
  - host: pooler
`
	c, err := parse(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path:      "app/.poollint.yml",
		RailsEnv:  "staging",
		Env:       map[string]string{"RAILS_MAX_THREADS": "10", "WEB_CONCURRENCY": "2", "FEATURE": "true", "EMPTY": ""},
		Select:    []string{"puma-threads-exceed-pool", "pool-not-tied-to-threads"},
		Ignore:    []string{"octopus-unmaintained"},
		Severity:  map[string]rules.Severity{"pool-not-tied-to-threads": rules.Info},
		Formation: map[string]int{"web": 4, "worker": 2, "release": 0},
		Database:  rails.DatabaseLimit{MaxConnections: 120},
		PgBouncer: []PgBouncerDecl{
			{Host: "pgbouncer.internal", Port: 6432, Mode: "transaction", MaxPreparedStatements: 100, Processes: []string{"web"}},
			{Host: "pooler"},
		},
	}
	opts := cmpopts.IgnoreFields(Config{}, "File", "Spans")
	if diff := cmp.Diff(want, c, opts, cmpopts.IgnoreFields(rails.PgBouncerDecl{}, "Span")); diff != "" {
		t.Errorf("config differs (-want +got):\n%s", diff)
	}
	if s := c.PgBouncer[0].Span; s.File != FileName || s.Start.Line != 20 {
		t.Errorf("pgbouncer span = %v, want %s:20", s, FileName)
	}
	if s := c.Spans["formation.worker"]; s.Start.Line != 15 || s.Start.Col != 11 {
		t.Errorf("formation.worker span = %v, want line 15 col 11", s)
	}
}

func TestParsePlanAndEmpty(t *testing.T) {
	c, err := parse(t, "database:\n  plan: standard-0\n")
	if err != nil || c.Database.Plan != "standard-0" || c.Database.MaxConnections != 0 {
		t.Errorf("plan: got %+v, %v", c, err)
	}
	for _, src := range []string{"", "# nothing yet\n", "env:\nselect:\n"} {
		if _, err := parse(t, src); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // the lines of the error, without the path
	}{
		{"unknown key", "rails_env: production\nenv: {}\nselect: []\nselct: [puma-threads-exceed-pool]\n",
			[]string{`4: unknown key "selct" (did you mean "select"?)`}},
		{"unknown key without a guess", "colour: red\n",
			[]string{`1: unknown key "colour"; the keys are rails_env, env, select, ignore, severity, formation, database, pgbouncer, deployment`}},
		{"nested unknown key", "database:\n  max_conections: 10\n",
			[]string{`2: unknown key "max_conections" in database (did you mean "max_connections"?)`}},
		{"rails_env type", "\nrails_env: [production]\n",
			[]string{"2: rails_env must be a string, not a list"}},
		{"rails_env number", "rails_env: 12\n",
			[]string{"1: rails_env must be a string, not the number 12"}},
		{"unknown rule in select", "select:\n  - puma-threads-exceed-pool\n  - puma-threads-exceeds-pool\n",
			[]string{`3: unknown rule "puma-threads-exceeds-pool" in select (did you mean "puma-threads-exceed-pool"?)`}},
		{"unknown rule in ignore", "ignore: [no-such-rule]\n",
			[]string{`1: unknown rule "no-such-rule" in ignore; ` + "`poollint rules` lists them"}},
		{"select not a list", "select: puma-threads-exceed-pool\n",
			[]string{`1: select must be a list of rule IDs, like [puma-threads-exceed-pool], not "puma-threads-exceed-pool"`}},
		{"unknown rule in severity", "severity:\n  pool-not-tied: info\n",
			[]string{`2: unknown rule "pool-not-tied" in severity (did you mean "pool-not-tied-to-threads"?)`}},
		{"bad severity", "severity:\n  pool-not-tied-to-threads: fatal\n",
			[]string{`2: severity.pool-not-tied-to-threads must be error, warning or info, not "fatal"`}},
		{"env value type", "env:\n  X: [1]\n  Y:\n",
			[]string{"2: env.X must be a string or a number, not a list", `3: env.Y has no value; write Y: "" for an empty variable`}},
		{"env name", "env:\n  1X: a\n",
			[]string{`2: "1X" is not an environment variable name (letters, digits and _, not starting with a digit)`}},
		{"formation count", "formation:\n  web: two\n  worker: -1\n",
			[]string{`2: formation.web must be a whole number, not "two"`, "3: formation.worker must be at least 0, not -1"}},
		{"database both", "database:\n  max_connections: 20\n  plan: essential-0\n",
			[]string{"2: database takes max_connections or plan, not both"}},
		{"database limit", "database: {max_connections: 0}\n",
			[]string{"1: database.max_connections must be at least 1, not 0"}},
		{"database limit too large", "database: {max_connections: 99999999999}\n",
			[]string{"1: database.max_connections must be at most 2147483647, not 99999999999"}},
		{"pgbouncer shape", "pgbouncer:\n  host: x\n",
			[]string{"2: pgbouncer must be a list of PgBouncers, like [{host: pgbouncer.internal, port: 6432}], not a mapping"}},
		{"pgbouncer entry", "pgbouncer:\n  - port: 70000\n    mode: session-ish\n    processes: web\n",
			[]string{
				"2: pgbouncer entry 1 port must be a TCP port (1-65535), not 70000",
				`3: pgbouncer entry 1 mode must be transaction, session or statement, not "session-ish"`,
				`4: pgbouncer entry 1 processes must be a list of process types, like [web, worker], not "web"`,
				"2: pgbouncer entry 1 needs host: (the host the app connects to PgBouncer on)",
			}},
		{"pgbouncer key", "pgbouncer:\n  - host: x\n    pool_mode: transaction\n",
			[]string{`3: unknown key "pool_mode" in pgbouncer entry 1; the keys are host, port, mode, max_prepared_statements, processes`}},
		{"duplicate key", "select: []\nignore: []\nselect: []\n",
			[]string{`3: key "select" is given twice (first on line 1)`}},
		{"not a mapping", "- select\n",
			[]string{"1: the file must be a mapping of settings (rails_env, env, select, ignore, severity, formation, database, pgbouncer, deployment), not a list"}},
		{"YAML syntax", "select: [a\nignore: []\n",
			nil}, // the line comes from the YAML parser; checked below
		{"ERB", "env:\n  X: <%= 1 %>\n",
			[]string{"2: ERB (<% %>) is not evaluated in .poollint.yml; write plain values"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.src)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if tt.want == nil {
				if len(ce.Problems) != 1 || ce.Problems[0].Line == 0 || !strings.HasPrefix(ce.Problems[0].Msg, "not valid YAML: ") {
					t.Errorf("problems = %+v", ce.Problems)
				}
				return
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, "app/.poollint.yml:"+w)
			}
			if diff := cmp.Diff(strings.Join(want, "\n"), err.Error()); diff != "" {
				t.Errorf("error differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	c, path, err := Find(root)
	if c != nil || path != "" || err != nil {
		t.Fatalf("no file: got %v, %q, %v", c, path, err)
	}
	if err := os.WriteFile(filepath.Join(root, FileName), []byte("rails_env: staging\nselct: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, path, err = Find(root)
	want := filepath.Join(root, FileName) + `:2: unknown key "selct" (did you mean "select"?)`
	if path != filepath.Join(root, FileName) || err == nil || err.Error() != want {
		t.Fatalf("got %q, %v; want the error %q", path, err, want)
	}
	if _, err := Load(filepath.Join(root, "missing.yml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestApply(t *testing.T) {
	c, err := parse(t, "rails_env: staging\nenv: {A: file, B: file}\nselect: [puma-threads-exceed-pool]\n"+
		"ignore: [octopus-unmaintained]\nseverity: {puma-threads-exceed-pool: warning}\nformation: {web: 2}\n"+
		"database: {plan: standard-0}\npgbouncer: [{host: pooler}]\n")
	if err != nil {
		t.Fatal(err)
	}
	flags := Flags{Env: map[string]string{"B": "flag"}, Ignore: []string{"config-unreadable"}}
	o := c.LoadOptions(flags, "shown")
	if o.RailsEnv != "staging" || o.Display != "shown" || o.Env["A"] != "file" || o.Env["B"] != "flag" ||
		o.Formation["web"] != 2 || o.Database.Plan != "standard-0" || len(o.PgBouncer) != 1 {
		t.Errorf("LoadOptions = %+v", o)
	}
	if o := c.LoadOptions(Flags{RailsEnv: "production"}, ""); o.RailsEnv != "production" {
		t.Errorf("--rails-env must win, got %q", o.RailsEnv)
	}
	ro := c.RuleOptions(flags)
	if diff := cmp.Diff(rules.Options{Select: []string{"puma-threads-exceed-pool"}, Ignore: []string{"octopus-unmaintained", "config-unreadable"}}, ro); diff != "" {
		t.Errorf("RuleOptions differs (-want +got):\n%s", diff)
	}
	if ro := c.RuleOptions(Flags{Select: []string{"config-unreadable"}}); !cmp.Equal(ro.Select, []string{"config-unreadable"}) {
		t.Errorf("--select must replace select:, got %v", ro.Select)
	}
	ds := c.ApplySeverity([]rules.Diagnostic{{Rule: "puma-threads-exceed-pool", Severity: rules.Error}, {Rule: "config-unreadable", Severity: rules.Info}})
	if ds[0].Severity != rules.Warning || ds[1].Severity != rules.Info {
		t.Errorf("ApplySeverity = %v, %v", ds[0].Severity, ds[1].Severity)
	}

	var none *Config // no file
	if o := none.LoadOptions(Flags{Env: map[string]string{"A": "1"}}, "x"); o.Env["A"] != "1" || o.RailsEnv != "" {
		t.Errorf("nil LoadOptions = %+v", o)
	}
	if ro := none.RuleOptions(Flags{Ignore: []string{"config-unreadable"}}); len(ro.Ignore) != 1 {
		t.Errorf("nil RuleOptions = %+v", ro)
	}
	none.ApplySeverity(nil)
}

func TestDeploymentKeySelectsAndFlagWins(t *testing.T) {
	c, err := parseAt("app/.poollint.yml", ".poollint.yml", []byte("deployment: config/deploy.yml\n"))
	if err != nil {
		t.Fatal(err)
	}
	if o := c.LoadOptions(Flags{}, "app"); o.Deployment != "config/deploy.yml" {
		t.Errorf("deployment from the file: %q", o.Deployment)
	}
	if o := c.LoadOptions(Flags{Deployment: "Procfile"}, "app"); o.Deployment != "Procfile" {
		t.Errorf("--deployment wins over the file: %q", o.Deployment)
	}
}
