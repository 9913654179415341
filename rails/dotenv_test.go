package rails

import (
	"strings"
	"testing"
)

// dotenvApp is a Procfile app whose Gemfile requires gemLine; files add
// or replace files.
func dotenvApp(t *testing.T, gemLine string, lock []string, files map[string]string, opts Options) *App {
	t.Helper()
	all := map[string]string{
		"Gemfile":      "gem 'rails'\ngem 'puma'\ngem 'sidekiq'\n" + gemLine + "\n",
		"Gemfile.lock": budgetLock(lock...),
		"Procfile":     "web: bin/rails server\npuma: bundle exec puma -C config/puma.rb\nworker: WEB_CONCURRENCY=7 bundle exec sidekiq\n",
	}
	for k, v := range files {
		all[k] = v
	}
	return budgetApp(t, all, opts)
}

func envOf(p *Process, name string) string { v, _ := p.Env.Lookup(name); return v }

func TestDotenvLoadOrderAndPrecedence(t *testing.T) {
	files := map[string]string{
		".env.production.local": "DOT_A=1\n",
		".env.local":            "DOT_A=2\nDOT_B=2\n",
		".env.production":       "DOT_A=3\nDOT_B=3\nDOT_C=3\nWEB_CONCURRENCY=3\n",
		".env":                  "DOT_A=4\nDOT_B=4\nDOT_C=4\nDOT_D=4\nRAILS_MAX_THREADS=8\n",
		".env.example":          "DOT_D=9\nDOT_E=9\nURL=postgres://localhost/dev\n",
	}
	a := dotenvApp(t, "gem 'dotenv-rails'", []string{"dotenv-rails", "3.1.8", "dotenv", "3.1.8"}, files, Options{Env: map[string]string{"DOT_B": "outer"}})
	web := processNamed(t, a, "web")
	for name, want := range map[string]string{
		"DOT_A": "1",     // .env.production.local first
		"DOT_B": "outer", // --env: dotenv never overwrites ENV
		"DOT_C": "3",     // .env.production before .env
		"DOT_D": "4",     // a loaded file before a documented value
		"DOT_E": "9",     // documented, nothing else sets it
	} {
		if got := envOf(web, name); got != want {
			t.Errorf("web %s=%q, want %q", name, got, want)
		}
	}
	if _, ok := web.Env.Lookup("URL"); ok {
		t.Errorf("a documented non-integer value is a placeholder, never used")
	}
	if dv, ok := web.DeploymentVar("DOT_A"); !ok || dv.Span.File != ".env.production.local" || dv.Fixable {
		t.Errorf("the value's file is named, never fixable: %+v %v", dv, ok)
	}

	// A Sidekiq process reads its settings before Rails boots: the inline
	// assignment wins, and dotenv's values reach only the Rails side.
	worker := processNamed(t, a, "worker")
	if envOf(worker, "WEB_CONCURRENCY") != "7" {
		t.Errorf("the command's own assignment wins over dotenv: %q", envOf(worker, "WEB_CONCURRENCY"))
	}
	if _, ok := worker.Env.Lookup("RAILS_MAX_THREADS"); ok {
		t.Errorf("sidekiq reads its config before dotenv loads: RAILS_MAX_THREADS must stay unset for it")
	}
	db := a.Databases.Configs("production")[0]
	if pool := a.PoolOf(db, worker); !pool.Known || pool.Size != 8 {
		t.Errorf("database.yml is read after boot: the worker's pool should read .env's 8, got %+v", pool)
	}
	puma := processNamed(t, a, "puma")
	if th := a.PumaThreads(puma); !th.Known || th.Max != 5 {
		t.Errorf("puma run directly reads puma.rb before dotenv: threads %+v, want the default 5", th)
	}
	if th := a.PumaThreads(web); !th.Known || th.Max != 8 {
		t.Errorf("rails server requires the app (and dotenv) before Puma reads puma.rb: threads %+v, want 8", th)
	}
	var infos []string
	for _, p := range a.Problems {
		infos = append(infos, p.Message)
	}
	if all := strings.Join(infos, "\n"); !strings.Contains(all, `the "puma" process reads its server settings before Rails boots and dotenv loads RAILS_MAX_THREADS, WEB_CONCURRENCY (from .env, .env.production)`) {
		t.Errorf("no info on the process that reads its settings before dotenv:\n%s", all)
	}
}

func TestDotenvLoadedOnlyWhenProductionRequiresIt(t *testing.T) {
	files := map[string]string{".env.production": "RAILS_MAX_THREADS=9\n"}
	cases := []struct {
		name, gem string
		lock      []string
		loaded    bool
	}{
		{"dotenv-rails in the default group", "gem 'dotenv-rails'", []string{"dotenv-rails", "2.8.1", "dotenv", "2.8.1"}, true},
		{"dotenv 3 alone has the Rails integration", "gem 'dotenv'", []string{"dotenv", "3.0.0"}, true},
		{"dotenv 2 alone does not", "gem 'dotenv'", []string{"dotenv", "2.8.1"}, false},
		{"development/test group", "group :development, :test do\n  gem 'dotenv-rails'\nend", []string{"dotenv-rails", "3.1.8", "dotenv", "3.1.8"}, false},
		{"require: false", "gem 'dotenv-rails', require: false", []string{"dotenv-rails", "3.1.8", "dotenv", "3.1.8"}, false},
		{"not in the Gemfile (a dependency)", "", []string{"dotenv", "3.1.8"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := dotenvApp(t, c.gem, c.lock, files, Options{})
			got := envOf(processNamed(t, a, "web"), "RAILS_MAX_THREADS")
			if (got == "9") != c.loaded {
				t.Errorf("RAILS_MAX_THREADS=%q, loaded should be %v", got, c.loaded)
			}
			noted := false
			for _, p := range a.Problems {
				noted = noted || strings.Contains(p.Message, ".env.production was not used")
			}
			if noted == c.loaded {
				t.Errorf("the info that .env.production is not used: %v, want %v", noted, !c.loaded)
			}
		})
	}
}

// A deployment role gets its environment from the deployment file: the
// dotenv files Rails would load are not in its image, and a documented
// value fills only what nothing sets.
func TestDotenvAndDeploymentRoles(t *testing.T) {
	const yml = "servers:\n  web:\n    hosts: [a]\n    env:\n      clear:\n        RAILS_MAX_THREADS: 4\n"
	a := kamalApp(t, yml, Options{}, map[string]string{
		"Gemfile":         "gem 'rails'\ngem 'puma'\ngem 'dotenv-rails'\n",
		"Gemfile.lock":    budgetLock("dotenv-rails", "3.1.8", "dotenv", "3.1.8"),
		".env.production": "RAILS_MAX_THREADS=12\nJOB_CONCURRENCY=6\n",
		".env.sample":     "RAILS_MAX_THREADS=20\nDB_POOL=15\n",
	})
	web := processNamed(t, a, "web")
	if envOf(web, "RAILS_MAX_THREADS") != "4" || envOf(web, "DB_POOL") != "15" {
		t.Errorf("the role's env wins, a documented value fills the rest: %v", web.Env.Vars)
	}
	if _, ok := web.Env.Lookup("JOB_CONCURRENCY"); ok {
		t.Errorf(".env.production is not a role's environment")
	}
}
