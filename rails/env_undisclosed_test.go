package rails

import (
	"testing"

	"github.com/poollint/poollint/parser"
)

// A variable the deployment declares without its value (Kamal
// `env: secret:`) is set to an unknown value: the written default must
// not apply, so the pool is unknown rather than the default's 5.
func TestUndisclosedDeploymentVarIsSetAndUnknown(t *testing.T) {
	const yml = `servers:
  web:
    hosts: [a]
env:
  secret:
    - DB_POOL
`
	dbYML := map[string]string{"config/database.yml": "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch(\"DB_POOL\", 5) %>\n"}
	a := kamalApp(t, yml, Options{}, dbYML)
	web := processNamed(t, a, "web")
	if !web.Env.Has("DB_POOL") || !web.Env.Undisclosed("DB_POOL") {
		t.Fatalf("DB_POOL is declared secret: want set and undisclosed, env %q", web.Env.Vars)
	}
	if _, ok := web.Env.Lookup("DB_POOL"); ok {
		t.Errorf("Lookup must not hand out the marker as a value")
	}
	db := a.Databases.Configs("production")[0]
	if pool := a.PoolOf(db, web); pool.Known || len(pool.Unset) > 0 {
		t.Errorf("pool with DB_POOL a secret: want unknown, got %+v", pool)
	}

	given := kamalApp(t, yml, Options{Env: map[string]string{"DB_POOL": "3"}}, dbYML)
	if pool := given.PoolOf(given.Databases.Configs("production")[0], processNamed(t, given, "web")); !pool.Known || pool.Size != 3 {
		t.Errorf("--env DB_POOL=3 over the secret: want pool 3, got %+v", pool)
	}
}

// Conditions on such a variable see it set (a string: truthy, present,
// not nil) while its value stays unknown.
func TestUndisclosedVarInConditions(t *testing.T) {
	env := Env{Vars: map[string]string{"X": undisclosedValue}}
	truthy := map[string]bool{
		`ENV["X"]`:          true,
		`ENV["X"].present?`: true,
		`ENV["X"].nil?`:     false,
		`ENV["X"].blank?`:   false,
		`ENV.key?("X")`:     true,
	}
	for src, want := range truthy {
		v := erbValue(t, src)
		got, ok := Truthy(v, env)
		if !ok || got != want {
			t.Errorf("%s: got %v (known %v), want %v", src, got, ok, want)
		}
	}
	for _, src := range []string{`ENV["X"] == "mysql"`, `ENV.fetch("X", 5).to_i`, `ENV["X"] || 5`} {
		v := erbValue(t, src)
		if _, ok := Truthy(v, env); src == `ENV["X"] == "mysql"` && ok {
			t.Errorf("%s: a comparison with an unknown value must be unknown", src)
		}
		if r := v.Eval(env); r.Kind != RUnknown || len(r.Unset) > 0 {
			t.Errorf("%s: want unknown and no default applied, got %+v", src, r)
		}
	}
}

// erbValue builds the Value of a Ruby snippet as an ERB tag reads it.
func erbValue(t *testing.T, src string) *Value {
	t.Helper()
	v, ok := newERBScope("production").snippetValue(parser.NewFile("x.yml.erb", "x.yml.erb", []byte(src)), src, 0)
	if !ok {
		t.Fatalf("parse %q", src)
	}
	return v
}

// A script's branch on a variable the deployment keeps secret is not
// decided: its value is unknown, not the marker's text (which would make
// `[ "$SIZE" = big ]` false and pick the small worker).
func TestUndisclosedVarLeavesScriptBranchUndecided(t *testing.T) {
	const yml = `servers:
  worker:
    hosts: [a]
    cmd: bin/start-worker
env:
  secret:
    - WORKER_SIZE
`
	script := map[string]string{
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: 5\n",
		"bin/start-worker":    "#!/bin/sh\nif [ \"$WORKER_SIZE\" = big ]; then\n  exec bundle exec sidekiq -c 50\nelse\n  exec bundle exec sidekiq -c 5\nfi\n",
		"Gemfile.lock":        "GEM\n  specs:\n    sidekiq (7.2.0)\n    activerecord (7.1.0)\n\nDEPENDENCIES\n  sidekiq\n",
	}
	a := kamalApp(t, yml, Options{}, script)
	w := processNamed(t, a, "worker")
	if w.ConcurrencyFlag != nil {
		t.Errorf("the secret WORKER_SIZE decided the script's branch: -c %s", w.ConcurrencyFlag.Text)
	}
	given := kamalApp(t, yml, Options{Env: map[string]string{"WORKER_SIZE": "big"}}, script)
	if g := processNamed(t, given, "worker"); g.ConcurrencyFlag == nil || g.ConcurrencyFlag.Text != "50" {
		t.Errorf("--env WORKER_SIZE=big: want -c 50, got %+v", g.ConcurrencyFlag)
	}
}
