package rails

import (
	"strings"
	"testing"
)

// Only Heroku's Procfile release and Fly's release_command run once per
// deploy; a Kamal role that happens to be called release runs on its hosts
// like any other and is counted.
func TestBudgetReleaseIsLeftOutOnlyWhereThePlatformRunsItOnce(t *testing.T) {
	const yml = "servers:\n  web:\n    hosts: [a]\n  release:\n    hosts: [b]\n    cmd: bundle exec sidekiq\n"
	bs := kamalApp(t, yml, Options{}, nil).Budgets()
	if len(bs) != 1 || len(bs[0].Excluded) != 0 {
		t.Fatalf("budgets = %+v, want the Kamal release role counted", bs)
	}
	rowNamed(t, bs[0], "release")

	fly := budgetApp(t, map[string]string{
		"Procfile": "",
		"fly.toml": "[deploy]\n  release_command = \"bin/rails db:migrate\"\n[processes]\n  app = \"bin/rails server\"\n",
	}, Options{}).Budgets()
	if len(fly) != 1 || len(fly[0].Excluded) != 1 || fly[0].Excluded[0].Why != "runs once per deploy in a temporary Machine" {
		t.Fatalf("fly budgets = %+v, want release_command left out in Fly's words", fly)
	}

	heroku := budgetApp(t, map[string]string{}, Options{}).Budgets()
	if len(heroku) != 1 || len(heroku[0].Excluded) != 1 || heroku[0].Excluded[0].Why != "runs once per deploy in a one-off dyno" {
		t.Fatalf("heroku budgets = %+v", heroku)
	}
}

// The note on one-off commands speaks the deployment's platform; Heroku's
// words appear in no other platform's budget.
func TestBudgetPlatformNotes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"heroku", map[string]string{}, "one-off dynos (heroku run"},
		{"fly", map[string]string{"Procfile": "", "fly.toml": "[processes]\n  app = \"bin/rails server\"\n"}, "one-off Machines (fly console, fly machine run)"},
		{"render", map[string]string{"Procfile": "", "render.yaml": "services:\n  - type: web\n    name: web\n    runtime: ruby\n    startCommand: bundle exec puma -C config/puma.rb\n"}, "Render one-off jobs"},
		{"compose", map[string]string{"Procfile": "", "Dockerfile": "FROM ruby\nCMD [\"bin/rails\", \"server\"]\n", "docker-compose.yml": "services:\n  web:\n    build: .\n"}, "docker compose run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := budgetApp(t, tc.files, Options{}).Budgets()
			if len(bs) != 1 {
				t.Fatalf("budgets = %+v", bs)
			}
			found := false
			for _, n := range bs[0].Notes {
				if strings.Contains(n.Text, tc.want) {
					found = true
				}
				if tc.name != "heroku" && strings.Contains(n.Text, "dyno") {
					t.Errorf("note speaks Heroku: %q", n.Text)
				}
			}
			if !found {
				t.Errorf("no note with %q in %+v", tc.want, bs[0].Notes)
			}
		})
	}
}

// The Redis limit line says why the limit is unknown, and never blames
// app.json for what it does name or for a deployment that is not Heroku.
func TestRedisLimitUnknownSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no plan", map[string]string{}, "app.json names no heroku-redis or heroku-key-value-store plan"},
		{"unknown plan", map[string]string{"app.json": appJSON(`"web": {"quantity": 1}`, `"heroku-redis:premium-99"`)}, "see the notes"},
		{"several", map[string]string{"app.json": appJSON(`"web": {"quantity": 1}`, `"heroku-redis:mini", "heroku-key-value-store:mini"`)}, "see the notes"},
		{"not heroku", map[string]string{"Procfile": "", "fly.toml": "[processes]\n  worker = \"bundle exec sidekiq\"\n"}, "poollint reads a Redis limit only from a Heroku app's add-on plan in app.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := budgetApp(t, tc.files, Options{}).Budgets()
			if len(bs) != 1 || bs[0].Redis == nil || bs[0].Redis.LimitUnknown != tc.want {
				t.Fatalf("budgets = %+v", bs)
			}
		})
	}
}
