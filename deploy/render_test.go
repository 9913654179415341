package deploy

import (
	"strings"
	"testing"
)

func TestRenderServices(t *testing.T) {
	files := map[string]string{
		"Dockerfile": "FROM ruby\nENV RAILS_ENV=production\nCMD [\"./bin/rails\", \"server\"]\n",
		"render.yaml": `databases:
  - name: app_db
    plan: basic-256mb
envVarGroups:
  - name: shared
    envVars:
      - key: RAILS_MAX_THREADS
        value: 4
services:
  - type: web
    name: web
    runtime: ruby
    startCommand: bundle exec puma -C config/puma.rb
    numInstances: 3
    envVars:
      - key: DATABASE_URL
        fromDatabase:
          name: app_db
          property: connectionString
      - key: RAILS_MASTER_KEY
        sync: false
      - key: WEB_CONCURRENCY
        value: 2
  - type: worker
    name: jobs
    runtime: docker
    dockerCommand: bundle exec sidekiq -c 12
    scaling:
      minInstances: 1
      maxInstances: 4
    envVars:
      - fromGroup: shared
  - type: pserv
    name: api
    env: docker
  - type: redis
    name: cache
  - type: web
    name: site
    runtime: static
  - type: web
    name: frontend
    runtime: node
    rootDir: frontend
    startCommand: npm start
`,
	}
	ds, problems := find(t, files, false)
	if len(ds) != 1 || ds[0].Platform != Render || ds[0].Name != "render.yaml" {
		t.Fatalf("want render.yaml only, got %d: %v", len(ds), problems)
	}
	roles := ds[0].Roles
	if len(roles) != 3 {
		t.Fatalf("web, jobs and api are the app (not redis, a static site or another rootDir): %d roles", len(roles))
	}
	tests := []struct {
		role, program string
		copies        int
		assumed       bool
		env           map[string]string
	}{
		{"web", "puma", 3, false, map[string]string{"WEB_CONCURRENCY": "2", "DATABASE_URL": "(secret)", "RAILS_MASTER_KEY": "(secret)"}},
		{"jobs", "sidekiq", 4, false, map[string]string{"RAILS_MAX_THREADS": "4", "RAILS_ENV": "production"}},
		{"api", "rails", 1, true, map[string]string{"RAILS_ENV": "production"}},
	}
	for i, tt := range tests {
		r := roles[i]
		if r.Name != tt.role || r.Command == nil || r.Command.Program != tt.program {
			t.Errorf("role %d: %q runs %v, want %q running %s", i, r.Name, r.Command, tt.role, tt.program)
			continue
		}
		if r.Copies.N != tt.copies || r.Copies.Assumed != tt.assumed || r.Copies.Unit != "instance" {
			t.Errorf("%s copies %+v", r.Name, r.Copies)
		}
		env := envOf(r)
		for k, v := range tt.env {
			if env[k] != v {
				t.Errorf("%s: %s=%q, want %q (%v)", r.Name, k, env[k], v, env)
			}
		}
	}
	if !strings.Contains(roles[1].Copies.Source, "maxInstances") {
		t.Errorf("autoscaling says it counts the maximum: %q", roles[1].Copies.Source)
	}
	if v := roles[0].EnvMap()["WEB_CONCURRENCY"]; v.Span.Start.Line != 23 || !v.Fixable {
		t.Errorf("WEB_CONCURRENCY value at %v fixable=%v", v.Span, v.Fixable)
	}
	if got := roles[0].Describe(); got != "the `web` service of render.yaml" {
		t.Errorf("Describe() = %q", got)
	}
	joined := strings.Join(problems, "\n")
	if !strings.Contains(joined, "`app_db` database of render.yaml (plan basic-256mb): poollint does not know its connection limit") {
		t.Errorf("the database's limit is left unknown and said so: %v", problems)
	}
}
