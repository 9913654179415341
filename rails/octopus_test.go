package rails

import (
	"os"
	"strings"
	"testing"
)

const staticShards = `defaults: &defaults
  adapter: postgresql
  pool: 7

octopus:
  replicated: true
  environments:
    - staging
    - production
  production:
    slave1:
      <<: *defaults
      host: a
    slave2:
      adapter: postgresql
      pool: <%= ENV.fetch("SHARD_POOL") { 12 } %>
    slave3: postgres://u:p@h/db?pool=30
    slave4: postgres://u:p@h/db
    empty: <%= ENV["NOPE_URL"] %>
    history:
      canada:
        adapter: mysql2
      brazil:
        adapter: mysql2
        pool: 20
    sharded:
      adapter: mysql2
      replicas:
        r1:
          adapter: mysql2
          database: r1
          pool: 3
  staging:
    slave1:
      adapter: postgresql
`

func TestOctopusStaticShards(t *testing.T) {
	a := sqLoadApp(t, map[string]string{
		"Gemfile.lock":      sqLockfile("rails", "5.2.8", "ar-octopus", "0.10.2"),
		"Gemfile":           "source \"https://rubygems.org\"\ngem 'rails'\ngem 'ar-octopus', require: 'octopus'\n",
		"config/shards.yml": staticShards,
	})
	o := a.Octopus
	if o == nil || o.Doc == nil || o.Generated || o.Root == nil {
		t.Fatalf("octopus config not read: %+v", o)
	}
	if o.Version != "0.10.2" || o.GemSpan.File != "Gemfile" || o.GemSpan.Start.Line != 3 {
		t.Errorf("version %q gem span %v", o.Version, o.GemSpan)
	}
	if o.RootKey.Start.Line != 5 {
		t.Errorf("octopus key at %v", o.RootKey)
	}
	for env, want := range map[string]bool{"production": true, "staging": true, "development": false} {
		if got, known := o.ActiveIn(env); got != want || !known {
			t.Errorf("ActiveIn(%s) = %v, %v", env, got, known)
		}
	}
	env := Env{Vars: map[string]string{}}
	want := map[string]int{"slave1": 7, "slave2": 12, "slave3": 30, "slave4": 5, "canada": 5, "brazil": 20, "sharded": 5, "r1": 3}
	got := map[string]int{}
	for _, s := range o.Shards("production") {
		p := s.PoolIn(env)
		if s.Name == "empty" {
			// renders nil with NOPE_URL unset: not a shard Octopus builds
			if p.Known {
				t.Errorf("empty: pool %d, want unknown", p.Size)
			}
			continue
		}
		if !p.Known {
			t.Errorf("%s: pool unknown: %s", s.Describe(), p.Reason)
			continue
		}
		got[s.Name] = p.Size
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("shard %s pool = %d, want %d (all: %v)", name, got[name], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("shards %v, want %v", got, want)
	}
	for _, s := range o.Shards("production") {
		switch s.Name {
		case "slave1":
			if s.Pool == nil || !s.Pool.Inherited || s.Pool.KeySpan.Start.Line != 3 {
				t.Errorf("slave1's pool should come from the anchor: %+v", s.Pool)
			}
		case "canada":
			if s.Group != "history" || s.Describe() != `shard "canada" (group "history")` {
				t.Errorf("canada: group %q, %s", s.Group, s.Describe())
			}
		case "r1":
			if s.Group != "sharded/replicas" {
				t.Errorf("r1 group %q", s.Group)
			}
		}
	}
	if got := len(o.Shards("staging")); got != 1 {
		t.Errorf("staging shards = %d", got)
	}
	if n := o.Shards("production")[1].PoolIn(Env{Vars: map[string]string{"SHARD_POOL": "40"}}); n.Size != 40 {
		t.Errorf("slave2 with SHARD_POOL=40: %d", n.Size)
	}
}

func TestOctopusEnvironments(t *testing.T) {
	tests := []struct {
		yml    string
		env    string
		active bool
		known  bool
	}{
		{"octopus:\n  production:\n    s: {adapter: x}\n", "production", true, true},
		{"octopus:\n  production:\n    s: {adapter: x}\n", "staging", false, true},
		{"octopus:\n  environments: [staging]\n", "production", false, true},
		{"octopus:\n  environments: staging production\n", "production", true, true}, // String#include?
		{"octopus:\n  environments:\n  - <%= ENV['X'] %>\n", "production", false, false},
		{"other: 1\n", "production", true, true}, // no octopus key: Octopus.config is {}
	}
	for _, tt := range tests {
		a := sqLoadApp(t, map[string]string{
			"Gemfile.lock":      sqLockfile("rails", "4.2.11", "ar-octopus", "0.9.0"),
			"config/shards.yml": tt.yml,
		})
		active, known := a.Octopus.ActiveIn(tt.env)
		if active != tt.active || known != tt.known {
			t.Errorf("%q in %s: active %v known %v, want %v %v", tt.yml, tt.env, active, known, tt.active, tt.known)
		}
	}
}

func TestOctopusNeedsTheGem(t *testing.T) {
	a := sqLoadApp(t, map[string]string{
		"Gemfile.lock":      sqLockfile("rails", "6.1.7"),
		"config/shards.yml": staticShards,
	})
	if a.Octopus != nil {
		t.Errorf("a shards.yml without ar-octopus locked is dead config, got %+v", a.Octopus)
	}
	a = sqLoadApp(t, map[string]string{"Gemfile.lock": sqLockfile("rails", "5.0.7", "ar-octopus", "0.9.0")})
	if a.Octopus == nil || a.Octopus.File != nil {
		t.Fatalf("ar-octopus without shards.yml: %+v", a.Octopus)
	}
	if a.Octopus.GemSpan.File != "Gemfile.lock" || a.Octopus.GemSpan.Start.Line != 4 {
		t.Errorf("gem span falls back to the sqLockfile spec: %v", a.Octopus.GemSpan)
	}
}

func TestOctopusSeed001Generated(t *testing.T) {
	shards, err := os.ReadFile("../testdata/apps/octo_seed001_generated/config/shards.yml")
	if err != nil {
		t.Fatal(err)
	}
	patch, err := os.ReadFile("../testdata/apps/octo_seed001_patched/config/initializers/sidekiq.rb")
	if err != nil {
		t.Fatal(err)
	}
	a := sqLoadApp(t, map[string]string{
		"Gemfile.lock":                   sqLockfile("rails", "4.2.11", "ar-octopus", "0.8.6", "sidekiq", "3.5.4"),
		"config/shards.yml":              string(shards),
		"config/initializers/sidekiq.rb": string(patch),
	})
	o := a.Octopus
	if o == nil || !o.Generated {
		t.Fatalf("seed 001's shards.yml should be generated: its shard entries come from a loop over Ruby data: %+v", o)
	}
	if !strings.Contains(o.GeneratedReason, "ERB code") {
		t.Errorf("reason %q", o.GeneratedReason)
	}
	if o.RootKey.Start.Line != 62 || o.RootKey.Start.Col != 1 {
		t.Errorf("octopus key at %v", o.RootKey)
	}
	if _, known := o.ActiveIn("production"); known {
		t.Errorf("ERB writes environments: it cannot be known")
	}
	if !o.TemplateListsEnv("production") || o.TemplateMentionsPool() {
		t.Errorf("lists env %v, mentions pool %v", o.TemplateListsEnv("production"), o.TemplateMentionsPool())
	}
	if !o.Patched {
		t.Errorf("seed 001's Sidekiq.configure_server patch not seen")
	}
	if len(o.Shards("production")) != 0 {
		t.Errorf("no static shards in a generated file")
	}
}
