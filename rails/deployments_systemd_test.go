package rails

import (
	"strings"
	"testing"
)

// systemdApp is an app whose dist/ ships systemd units and no Procfile.
func systemdApp(t *testing.T, units map[string]string, opts Options) *App {
	t.Helper()
	files := map[string]string{"Procfile": ""}
	for k, v := range units {
		files[k] = v
	}
	return budgetApp(t, files, opts)
}

const systemdWeb = `[Service]
WorkingDirectory=/srv/app
Environment=RAILS_MAX_THREADS=4 WEB_CONCURRENCY=2 RAILS_ENV=production
EnvironmentFile=/srv/app/.env.production
ExecStart=/usr/bin/env WEB_CONCURRENCY=3 /usr/local/bin/bundle exec puma -C config/puma.rb
`

// Environment= < EnvironmentFile= (systemd.exec(5)) < --env < the
// command's own assignments.
func TestSystemdEnvPrecedence(t *testing.T) {
	files := map[string]string{
		"dist/app-web.service": systemdWeb,
		".env.production":      "RAILS_MAX_THREADS=6\n",
	}
	a := systemdApp(t, files, Options{})
	web := processNamed(t, a, "app-web.service")
	get := func(p *Process, name string) string { v, _ := p.Env.Lookup(name); return v }
	if web.Kind != PumaProcess || get(web, "RAILS_MAX_THREADS") != "6" || get(web, "WEB_CONCURRENCY") != "3" {
		t.Errorf("%v: RAILS_MAX_THREADS=%s (want 6, the env file over Environment=), WEB_CONCURRENCY=%s (want 3, the command's)",
			web.Kind, get(web, "RAILS_MAX_THREADS"), get(web, "WEB_CONCURRENCY"))
	}
	if dv, ok := web.DeploymentVar("RAILS_MAX_THREADS"); !ok || dv.Span.File != ".env.production" || dv.Own {
		t.Errorf("RAILS_MAX_THREADS decided by %+v", dv)
	}
	if got := web.Describe(); got != "the `app-web.service` unit (dist/app-web.service:5), 1 unit × 3 processes" {
		t.Errorf("Describe() = %q", got)
	}
	withFlag := systemdApp(t, files, Options{Env: map[string]string{"RAILS_MAX_THREADS": "8", "WEB_CONCURRENCY": "5"}})
	web = processNamed(t, withFlag, "app-web.service")
	if get(web, "RAILS_MAX_THREADS") != "8" || get(web, "WEB_CONCURRENCY") != "3" {
		t.Errorf("--env over the unit, the command over --env: %v", web.Env.Vars)
	}
	bs := a.Budgets()
	if len(bs) != 1 || bs[0].Unit != "unit" || bs[0].Deployment != "dist/*.service" {
		t.Fatalf("budgets %+v", bs)
	}
	// 1 unit × 3 Puma workers × min(6 threads, pool 6).
	if u := bs[0].Servers[0].Uses[0]; u.Total.N != 18 || u.Formula() != "1 unit × 3 processes × 6 = 18" {
		t.Errorf("total %d, formula %q", u.Total.N, u.Formula())
	}
}

// A unit started with another environment's -e flag is not linted.
func TestSystemdOtherEnvironmentFlagSkipped(t *testing.T) {
	a := systemdApp(t, map[string]string{
		"config/systemd/sidekiq-staging.service":    "[Service]\nExecStart=/usr/bin/bundle exec sidekiq -e staging -c 50\n",
		"config/systemd/sidekiq-production.service": "[Service]\nExecStart=/usr/bin/bundle exec sidekiq -e production -c 5\n",
	}, Options{})
	if len(a.Processes) != 1 || a.Processes[0].Name != "sidekiq-production.service" {
		var names []string
		for _, p := range a.Processes {
			names = append(names, p.Name)
		}
		t.Fatalf("processes %v", names)
	}
	staging := systemdApp(t, map[string]string{
		"config/systemd/sidekiq-staging.service": "[Service]\nExecStart=/usr/bin/bundle exec sidekiq -e staging -c 50\n",
	}, Options{RailsEnv: "staging"})
	if len(staging.Processes) != 1 {
		t.Errorf("--rails-env staging lints the staging unit: %d processes", len(staging.Processes))
	}
}

// A unit runs the app's checkout, so dotenv-rails loads .env.production
// there as for a Procfile line, under what the unit sets; a file a unit
// reads as EnvironmentFile= is not reported as unused.
func TestSystemdUnitsAndDotenv(t *testing.T) {
	unit := "[Service]\nEnvironment=WEB_CONCURRENCY=2\nExecStart=/usr/bin/bundle exec rails server\n"
	a := dotenvApp(t, "gem 'dotenv-rails'", []string{"dotenv-rails", "3.1.8", "dotenv", "3.1.8"}, map[string]string{
		"Procfile":         "",
		"dist/web.service": unit,
		".env.production":  "RAILS_MAX_THREADS=7\nWEB_CONCURRENCY=9\n",
	}, Options{})
	web := processNamed(t, a, "web.service")
	if envOf(web, "RAILS_MAX_THREADS") != "7" || envOf(web, "WEB_CONCURRENCY") != "2" {
		t.Errorf("dotenv fills what the unit leaves unset: %v", web.Env.Vars)
	}

	withoutGem := systemdApp(t, map[string]string{
		"dist/web.service": "[Service]\nWorkingDirectory=/srv/app\nEnvironmentFile=/srv/app/.env.production\nExecStart=/usr/bin/bundle exec rails server\n",
		".env.production":  "RAILS_MAX_THREADS=7\n",
	}, Options{})
	for _, p := range withoutGem.Problems {
		if strings.Contains(p.Message, "was not used") {
			t.Errorf("the unit reads .env.production: %s", p.Message)
		}
	}
	if envOf(processNamed(t, withoutGem, "web.service"), "RAILS_MAX_THREADS") != "7" {
		t.Error("EnvironmentFile= value")
	}
}
