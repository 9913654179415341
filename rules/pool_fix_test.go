package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// That every fix of every rule lands, removes its finding and settles is
// checked over all of testdata/apps through --fix itself, in package main
// (cmd/poollint/fix_properties_test.go); the tests here pin what the pool
// fix chooses.

// poolFixLint lints the app at dir with every rule.
func poolFixLint(t *testing.T, dir string) []rules.Diagnostic {
	t.Helper()
	app, err := rails.Load(dir, rails.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rules.Run(app, rules.Options{})
}

// TestPoolFixSharedAnchor: a pool written in an anchor that several
// environments merge is raised for all of them, so tying it to the web's
// threads variable is refused when that would shrink another process's
// pool.
func TestPoolFixSharedAnchor(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Gemfile":      "source \"https://rubygems.org\"\n",
		"Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (6.1.7)\n    puma (5.6.9)\n    sidekiq (6.5.12)\n\nPLATFORMS\n  ruby\n",
		"Procfile": "web: bundle exec puma -C config/puma.rb\n" +
			"stage: RAILS_ENV=staging RAILS_MAX_THREADS=2 bundle exec sidekiq -c 8\n",
		"config/puma.rb":      "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 16 }\nthreads threads_count, threads_count\n",
		"config/database.yml": "default: &default\n  adapter: postgresql\n  pool: 10\n\nproduction:\n  <<: *default\n\nstaging:\n  <<: *default\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var fix *rules.Fix
	for _, d := range poolFixLint(t, dir) {
		if d.Rule == "puma-threads-exceed-pool" {
			fix = d.Fix
		}
	}
	if fix == nil {
		t.Fatal("no fix for puma-threads-exceed-pool")
	}
	if fix.Description != "raise the production pool to 16" {
		t.Errorf("fix %q: tying the shared anchor to RAILS_MAX_THREADS would give the staging worker 2 connections", fix.Description)
	}
}
