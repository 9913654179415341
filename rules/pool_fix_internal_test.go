package rules

import (
	"sort"
	"testing"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// poolFixTarget parses database.yml text and returns the target of its
// production config.
func poolFixTarget(t *testing.T, yml string, rails81 bool) (poolTarget, *parser.File) {
	t.Helper()
	f := parser.NewFile("config/database.yml", "config/database.yml", []byte(yml))
	doc, err := parser.ParseYAML(f)
	if err != nil {
		t.Fatal(err)
	}
	db := (&rails.DatabaseFile{File: f, Doc: doc}).Configs("production")[0]
	lock := "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.3)\n"
	if rails81 {
		lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (8.1.3)\n"
	}
	lf, err := parser.ParseLockfile(parser.NewFile("Gemfile.lock", "", []byte(lock)))
	if err != nil {
		t.Fatal(err)
	}
	app := &rails.App{Versions: rails.Versions{Lock: lf}, Databases: &rails.DatabaseFile{File: f, Doc: doc}}
	return dbPoolTarget(app, db), f
}

func poolFixApplyText(src []byte, fix *Fix) string {
	es := append([]poolFixEdit(nil), poolFixEdits(fix)...)
	sort.Slice(es, func(i, j int) bool { return es[i].start > es[j].start })
	out := string(src)
	for _, e := range es {
		out = out[:e.start] + e.text + out[e.end:]
	}
	return out
}

type poolFixEdit struct {
	start, end int
	text       string
}

func poolFixEdits(fix *Fix) []poolFixEdit {
	var out []poolFixEdit
	for _, e := range fix.Edits {
		out = append(out, poolFixEdit{e.Start, e.End, e.NewText})
	}
	return out
}

func poolFixEnv(kv ...string) rails.Env {
	e := rails.Env{Vars: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Vars[kv[i]] = kv[i+1]
	}
	return e
}

func TestRaisePool(t *testing.T) {
	web := func(min int, e rails.Env) poolDemand { return poolDemand{Env: e, Min: min} }
	tests := []struct {
		name    string
		yml     string
		rails81 bool
		demands []poolDemand
		tie     *tieVar
		want    string // "" for no fix
		desc    string
	}{
		{name: "literal", yml: "production:\n  adapter: pg\n  pool: 5\n",
			demands: []poolDemand{web(16, poolFixEnv())},
			want:    "production:\n  adapter: pg\n  pool: 16\n", desc: "raise the production pool to 16"},
		{name: "fetch block default", yml: "production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n",
			demands: []poolDemand{web(16, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 16 } %>\n",
			desc:    "raise the written default of RAILS_MAX_THREADS in the production pool from 5 to 16"},
		{name: "or chain", yml: "production:\n  pool: <%= ENV[\"DB_POOL\"] || ENV['MAX_THREADS'] || 5 %>\n",
			demands: []poolDemand{web(21, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV[\"DB_POOL\"] || ENV['MAX_THREADS'] || 21 %>\n"},
		{name: "quoted default", yml: "production:\n  pool: <%= ENV.fetch('DB_POOL', '5') %>\n",
			demands: []poolDemand{web(8, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV.fetch('DB_POOL', '8') %>\n"},
		{name: "nested fetch", yml: "production:\n  pool: <%= ENV.fetch(\"DATABASE_POOL_SIZE\") { ENV.fetch(\"RAILS_MAX_THREADS\", 5).to_i } %>\n",
			demands: []poolDemand{web(10, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV.fetch(\"DATABASE_POOL_SIZE\") { ENV.fetch(\"RAILS_MAX_THREADS\", 10).to_i } %>\n"},
		{name: "bare variable", yml: "production:\n  pool: <%= ENV['DB_POOL_SIZE'] %>\n",
			demands: []poolDemand{web(12, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV['DB_POOL_SIZE'] || 12 %>\n", desc: "default DB_POOL_SIZE to 12 in the production pool"},
		{name: "variable set low: no fix", yml: "production:\n  pool: <%= ENV.fetch(\"DB_POOL\") { 5 } %>\n",
			demands: []poolDemand{web(16, poolFixEnv("DB_POOL", "5"))}},
		{name: "Sidekiq.server? ternary: the web branch", yml: "production:\n  pool: <%= Sidekiq.server? ? ENV.fetch('SC', 10) : ENV.fetch('RMT', 5) %>\n",
			demands: []poolDemand{web(8, poolFixEnv()), {Env: rails.Env{Vars: map[string]string{}, Sidekiq: true}, Min: 10, Old: 10, OldKnown: true}},
			want:    "production:\n  pool: <%= Sidekiq.server? ? ENV.fetch('SC', 10) : ENV.fetch('RMT', 8) %>\n"},
		{name: "a default that is one term of a sum", yml: "production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\", 5).to_i + 1 + 2 + ENV.fetch(\"GOOD_JOB_MAX_THREADS\", 5).to_i %>\n",
			demands: []poolDemand{web(15, poolFixEnv()), web(5, poolFixEnv())},
			want:    "production:\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\", 7).to_i + 1 + 2 + ENV.fetch(\"GOOD_JOB_MAX_THREADS\", 5).to_i %>\n",
			desc:    "raise the written default of RAILS_MAX_THREADS in the production pool from 5 to 7"},
		{name: "tie to the threads variable", yml: "production:\n  adapter: pg\n  pool: 5\n",
			demands: []poolDemand{web(16, poolFixEnv())}, tie: &tieVar{Name: "RAILS_MAX_THREADS", Default: 16},
			want: "production:\n  adapter: pg\n  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 16 } %>\n",
			desc: "make the production pool follow RAILS_MAX_THREADS (default 16)"},
		{name: "tie in single quotes", yml: "production:\n  host: <%= ENV['DB_HOST'] %>\n  pool: 5\n",
			demands: []poolDemand{web(16, poolFixEnv())}, tie: &tieVar{Name: "RAILS_MAX_THREADS", Default: 16},
			want: "production:\n  host: <%= ENV['DB_HOST'] %>\n  pool: <%= ENV.fetch('RAILS_MAX_THREADS') { 16 } %>\n"},
		{name: "tie would starve the worker: the number", yml: "production:\n  pool: 5\n",
			demands: []poolDemand{web(16, poolFixEnv()), web(25, poolFixEnv())}, tie: &tieVar{Name: "RAILS_MAX_THREADS", Default: 16},
			want: "production:\n  pool: 25\n"},
		{name: "never lower: the number covers the old pool", yml: "production:\n  pool: <%= Sidekiq.server? ? 30 : 5 %>\n",
			demands: []poolDemand{web(16, poolFixEnv()), {Env: rails.Env{Vars: map[string]string{}, Sidekiq: true}, Min: 25, Old: 30, OldKnown: true}},
			want:    "production:\n  pool: 30\n"},
		{name: "add a key", yml: "default: &default\n  adapter: pg\n\nproduction:\n    <<: *default\n    database: app # the app\n\ntest:\n  <<: *default\n",
			demands: []poolDemand{web(10, poolFixEnv())},
			want:    "default: &default\n  adapter: pg\n\nproduction:\n    <<: *default\n    database: app # the app\n    pool: 10\n\ntest:\n  <<: *default\n",
			desc:    "add `pool: 10` to the production config"},
		{name: "add max_connections on 8.1, CRLF, no final newline", yml: "production:\r\n  adapter: pg\r\n  database: app", rails81: true,
			demands: []poolDemand{web(6, poolFixEnv())},
			want:    "production:\r\n  adapter: pg\r\n  database: app\r\n  max_connections: 6"},
		{name: "inherited pool raised in the anchor", yml: "default: &default\n  pool: 5\nproduction:\n  <<: *default\n",
			demands: []poolDemand{web(7, poolFixEnv())},
			want:    "default: &default\n  pool: 7\nproduction:\n  <<: *default\n"},
		{name: "8.1 twin kept equal", yml: "production:\n  pool: 5\n  max_connections: 5\n", rails81: true,
			demands: []poolDemand{web(9, poolFixEnv())},
			want:    "production:\n  pool: 9\n  max_connections: 9\n"},
		{name: "8.1 twin differs: no fix", yml: "production:\n  pool: 4\n  max_connections: 5\n", rails81: true,
			demands: []poolDemand{web(9, poolFixEnv())}},
		{name: "flow mapping", yml: "production: {adapter: pg}\n",
			demands: []poolDemand{web(9, poolFixEnv())},
			want:    "production: {adapter: pg, pool: 9}\n"},
		{name: "empty pool", yml: "production:\n  pool:\n  adapter: pg\n",
			demands: []poolDemand{web(7, poolFixEnv())},
			want:    "production:\n  pool: 7\n  adapter: pg\n"},
		{name: "computed pool: no fix", yml: "production:\n  pool: <%= ENV['C'].to_i + 1 %>\n",
			demands: []poolDemand{web(9, poolFixEnv())}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, f := poolFixTarget(t, tt.yml, tt.rails81)
			fix := raisePool(target, tt.demands, tt.tie)
			if tt.want == "" {
				if fix != nil {
					t.Fatalf("want no fix, got %q: %q", fix.Description, poolFixApplyText(f.Src, fix))
				}
				return
			}
			if fix == nil {
				t.Fatal("no fix")
			}
			if !fix.Safe {
				t.Errorf("fix not safe")
			}
			if got := poolFixApplyText(f.Src, fix); got != tt.want {
				t.Errorf("fixed file:\n%q\nwant:\n%q", got, tt.want)
			}
			if tt.desc != "" && fix.Description != tt.desc {
				t.Errorf("description %q, want %q", fix.Description, tt.desc)
			}
			// The result must be YAML again.
			if _, err := parser.ParseYAML(parser.NewFile(f.Path, f.Path, []byte(poolFixApplyText(f.Src, fix)))); err != nil {
				t.Errorf("fixed file does not parse: %v", err)
			}
		})
	}
}
