package rails

import (
	"strings"
	"testing"
)

// kamalApp is a Rails 8 app deployed with Kamal: the Dockerfile's CMD
// runs Puma, deploy.yml gives the roles.
func kamalApp(t *testing.T, deployYML string, opts Options, extra map[string]string) *App {
	t.Helper()
	files := map[string]string{
		"Procfile":          "",
		"Dockerfile":        "FROM ruby AS base\nENV RAILS_ENV=production RAILS_MAX_THREADS=2 WEB_CONCURRENCY=1\nFROM base\nENTRYPOINT [\"/rails/bin/docker-entrypoint\"]\nCMD [\"./bin/thrust\", \"./bin/rails\", \"server\"]\n",
		"config/deploy.yml": deployYML,
	}
	for k, v := range extra {
		files[k] = v
	}
	return budgetApp(t, files, opts)
}

func TestDeploymentEnvPrecedence(t *testing.T) {
	const yml = `servers:
  web:
    hosts: [a, b]
    env:
      clear:
        RAILS_MAX_THREADS: 7
  worker:
    hosts: [c]
    cmd: env WEB_CONCURRENCY=9 bundle exec sidekiq
env:
  clear:
    RAILS_MAX_THREADS: 4
    WEB_CONCURRENCY: 3
`
	a := kamalApp(t, yml, Options{}, nil)
	web := processNamed(t, a, "web")
	if web.Kind != PumaProcess {
		t.Fatalf("the image's CMD runs Puma; got %v", web.Kind)
	}
	get := func(p *Process, name string) string { v, _ := p.Env.Lookup(name); return v }
	if get(web, "RAILS_MAX_THREADS") != "7" {
		t.Errorf("role env over global env over Dockerfile ENV: RAILS_MAX_THREADS=%s, want 7", get(web, "RAILS_MAX_THREADS"))
	}
	if get(web, "WEB_CONCURRENCY") != "3" {
		t.Errorf("global env over Dockerfile ENV: WEB_CONCURRENCY=%s, want 3", get(web, "WEB_CONCURRENCY"))
	}
	if get(web, "RAILS_ENV") != "production" {
		t.Errorf("Dockerfile ENV: RAILS_ENV=%s", get(web, "RAILS_ENV"))
	}
	worker := processNamed(t, a, "worker")
	if worker.Kind != SidekiqProcess || get(worker, "WEB_CONCURRENCY") != "9" || get(worker, "RAILS_MAX_THREADS") != "4" {
		t.Errorf("worker %v: the command's own assignment wins, the global env applies: %v", worker.Kind, worker.Env.Vars)
	}

	withFlag := kamalApp(t, yml, Options{Env: map[string]string{"RAILS_MAX_THREADS": "12", "WEB_CONCURRENCY": "5"}}, nil)
	if got := get(processNamed(t, withFlag, "web"), "RAILS_MAX_THREADS"); got != "12" {
		t.Errorf("--env over the deployment: RAILS_MAX_THREADS=%s, want 12", got)
	}
	if got := get(processNamed(t, withFlag, "worker"), "WEB_CONCURRENCY"); got != "9" {
		t.Errorf("the command's assignment over --env: WEB_CONCURRENCY=%s, want 9", got)
	}
	if _, ok := processNamed(t, withFlag, "web").DeploymentVar("RAILS_MAX_THREADS"); ok {
		t.Errorf("a variable --env sets is not the deployment's to fix")
	}
}

func TestDeploymentRolesReplaceImpliedProcesses(t *testing.T) {
	a := kamalApp(t, "servers:\n  - a\n", Options{}, nil)
	if len(a.Processes) != 1 || a.Processes[0].Role == nil {
		t.Fatalf("want only the web role, got %d processes", len(a.Processes))
	}
	if got := a.Processes[0].Describe(); got != "the `web` role of config/deploy.yml, 1 host × 1 process" {
		t.Errorf("Describe() = %q", got)
	}
}

func TestDeploymentBudgetCountsHosts(t *testing.T) {
	a := kamalApp(t, "servers:\n  web: [a, b, c]\nenv:\n  clear:\n    WEB_CONCURRENCY: 2\n", Options{}, nil)
	bs := a.Budgets()
	if len(bs) != 1 || bs[0].Unit != "host" || bs[0].Deployment != "config/deploy.yml" {
		t.Fatalf("budgets %+v", bs)
	}
	u := bs[0].Servers[0].Uses[0]
	// 3 hosts × 2 Puma workers × min(2 threads, pool 2 from RAILS_MAX_THREADS).
	if u.Total.N != 12 || u.Formula() != "3 hosts × 2 processes × 2 = 12" {
		t.Errorf("total %d, formula %q", u.Total.N, u.Formula())
	}
}

func TestSelectDeployment(t *testing.T) {
	extra := map[string]string{"Procfile": "web: bundle exec puma -C config/puma.rb\n"}
	both := kamalApp(t, "servers: [a]\n", Options{}, extra)
	if len(both.Processes) != 2 || len(both.Budgets()) != 2 {
		t.Fatalf("a Procfile and a Kamal config are two deployments: %d processes, %d budgets", len(both.Processes), len(both.Budgets()))
	}
	one := kamalApp(t, "servers: [a]\n", Options{Deployment: "Procfile"}, extra)
	if len(one.Processes) != 1 || one.Processes[0].Role != nil {
		t.Errorf("--deployment Procfile keeps the Procfile's process only")
	}
}

// TestOtherEnvRoleSaidOncePerRole: the host-tag groups of one Kamal role
// that runs another RAILS_ENV are one info, not one per tag (basecamp/fizzy's
// staging destination, rw3_fizzy_kamal_tags).
func TestOtherEnvRoleSaidOncePerRole(t *testing.T) {
	app := loadTree(t, map[string]string{
		"Gemfile.lock":        lockfile("activerecord", "8.0.2", "puma", "6.6.0", "rails", "8.0.2"),
		"config/database.yml": "production:\n  adapter: postgresql\n",
		"config/deploy.yml": `service: app
servers:
  web:
    - a.example: chi
    - b.example: iad
    - c.example: ams
  jobs:
    hosts:
      - a.example: chi
    cmd: bin/jobs
env:
  clear:
    RAILS_ENV: staging
  tags:
    chi:
      ZONE: chi
    iad:
      ZONE: iad
    ams:
      ZONE: ams
`,
	})
	var said []string
	for _, p := range app.Problems {
		if strings.Contains(p.Message, "runs RAILS_ENV=staging") {
			said = append(said, p.Message)
		}
	}
	if len(said) != 2 || strings.Contains(strings.Join(said, "\n"), "tagged") {
		t.Errorf("want one info per role, without tags: %q", said)
	}
}
