package rails

import (
	"strings"
	"testing"
)

// The expected totals below are written as the arithmetic a person would
// do by hand (seed 001's "contas de padeiro"): dynos × processes per dyno
// × connections per process, summed over the process types.

const (
	budgetPuma = `threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
threads threads_count, threads_count
workers ENV.fetch("WEB_CONCURRENCY") { 2 }
preload_app!
`
	budgetDB = `default: &default
  adapter: postgresql
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
production:
  <<: *default
  url: <%= ENV["DATABASE_URL"] %>
`
	budgetProcfile = "web: bundle exec puma -C config/puma.rb\nworker: RAILS_MAX_THREADS=10 bundle exec sidekiq\nrelease: bin/rails db:migrate\n"
)

func budgetLock(extra ...string) string {
	return lockfile(append([]string{"activerecord", "7.1.3", "puma", "6.4.2", "rails", "7.1.3", "sidekiq", "7.2.4"}, extra...)...)
}

// budgetApp writes an app (a Rails 7.1 / Puma 6 / Sidekiq 7 app unless
// files say otherwise) and loads it with the declared formation and limit.
func budgetApp(t *testing.T, files map[string]string, opts Options) *App {
	t.Helper()
	defaults := map[string]string{
		"Gemfile":             "gem 'rails'\n",
		"Gemfile.lock":        budgetLock(),
		"Procfile":            budgetProcfile,
		"config/puma.rb":      budgetPuma,
		"config/database.yml": budgetDB,
	}
	for k, v := range defaults {
		if _, ok := files[k]; !ok {
			files[k] = v
		}
	}
	for k, v := range files {
		if v == "" {
			delete(files, k)
		}
	}
	app, err := Load(writeTree(t, files), opts)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func appJSON(formation, addons string) string {
	return `{"name": "x", "formation": {` + formation + `}, "addons": [` + addons + `]}`
}

func serverNamed(t *testing.T, b Budget, name string) *DatabaseServer {
	t.Helper()
	for _, s := range b.Servers {
		if s.Name == name {
			return s
		}
	}
	var names []string
	for _, s := range b.Servers {
		names = append(names, s.Name)
	}
	t.Fatalf("no server %q among %v", name, names)
	return nil
}

func rowNamed(t *testing.T, b Budget, name string) *BudgetRow {
	t.Helper()
	for _, r := range b.Rows {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no row %q", name)
	return nil
}

func TestBudgetSeedArithmetic(t *testing.T) {
	app := budgetApp(t, map[string]string{
		"app.json": appJSON(`"web": {"quantity": 10}, "worker": {"quantity": 2}`, `"heroku-postgresql:standard-0"`),
	}, Options{})
	b := app.Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	want := 10*2*5 + 2*1*10 // = 120
	if s.Total != want || !s.Complete {
		t.Fatalf("total = %d (complete %v), want %d", s.Total, s.Complete, want)
	}
	if !s.Limit.Known || s.Limit.N != 120 || s.Limit.Plan != "standard-0" {
		t.Fatalf("limit = %+v, want standard-0's 120", s.Limit)
	}
	if s.Exceeds() || !s.Tight() {
		t.Errorf("exceeds %v, tight %v: 120 of 120 is tight, not over", s.Exceeds(), s.Tight())
	}
	if h, ok := s.Headroom(); !ok || h != 120-want {
		t.Errorf("headroom = %d, %v", h, ok)
	}
	if web := s.WebTotal(); web != 10*2*5 {
		t.Errorf("web total = %d", web)
	}
	if len(b.Excluded) != 1 || b.Excluded[0].Name != "release" {
		t.Errorf("excluded = %+v, want release", b.Excluded)
	}
	web := rowNamed(t, b, "web")
	if got := web.Uses[0].Formula(); got != "10 dynos × 2 processes × 5 = 100" {
		t.Errorf("formula = %q", got)
	}
}

func TestBudgetDynoSources(t *testing.T) {
	tests := []struct {
		name      string
		appJSON   string
		declared  map[string]int
		web, wrk  int
		webAssume bool
		total     int
	}{
		{name: "declared formation", declared: map[string]int{"web": 3, "worker": 4}, web: 3, wrk: 4,
			total: 3*2*5 + 4*1*10},
		{name: "app.json wins over declared", appJSON: appJSON(`"web": {"quantity": 6}`, ""), declared: map[string]int{"web": 3, "worker": 4},
			web: 6, wrk: 4, total: 6*2*5 + 4*1*10},
		{name: "nothing names them: 1 each, assumed", web: 1, wrk: 1, webAssume: true,
			total: 1*2*5 + 1*1*10},
		{name: "app.json without quantity", appJSON: appJSON(`"web": {"size": "standard-2x"}, "worker": {"quantity": 0}`, ""), web: 1, wrk: 0, webAssume: true,
			total: 1*2*5 + 0*1*10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			if tt.appJSON != "" {
				files["app.json"] = tt.appJSON
			}
			b := budgetApp(t, files, Options{Formation: tt.declared}).Budget()
			web, wrk := rowNamed(t, b, "web"), rowNamed(t, b, "worker")
			if web.Dynos.N != tt.web || wrk.Dynos.N != tt.wrk || web.Dynos.Assumed != tt.webAssume {
				t.Errorf("dynos web %+v, worker %+v", web.Dynos, wrk.Dynos)
			}
			if s := serverNamed(t, b, "DATABASE_URL"); s.Total != tt.total {
				t.Errorf("total = %d, want %d", s.Total, tt.total)
			}
			if tt.webAssume && !hasNote(b, "web", "dynos 1") {
				t.Errorf("no note on the assumed dynos: %+v", b.Notes)
			}
		})
	}
}

func hasNote(b Budget, subject, text string) bool {
	for _, n := range b.Notes {
		if n.Subject == subject && strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}

func TestBudgetReleaseCountsWhenAFormationNamesIt(t *testing.T) {
	b := budgetApp(t, map[string]string{}, Options{Formation: map[string]int{"release": 1}}).Budget()
	if len(b.Excluded) != 0 {
		t.Errorf("excluded = %+v", b.Excluded)
	}
}

func TestBudgetLimits(t *testing.T) {
	tests := []struct {
		name       string
		addons     string
		declared   DatabaseLimit
		limit      int
		known      bool
		unverified bool
		declaredOK bool
	}{
		{name: "addon plan", addons: `"heroku-postgresql:standard-2"`, limit: 400, known: true},
		{name: "addon object with as DATABASE", addons: `{"plan": "heroku-postgresql:premium-4", "as": "DATABASE"}`, limit: 500, known: true},
		{name: "declared max_connections wins", addons: `"heroku-postgresql:standard-0"`, declared: DatabaseLimit{MaxConnections: 300}, limit: 300, known: true, declaredOK: true},
		{name: "declared plan", declared: DatabaseLimit{Plan: "standard-0"}, limit: 120, known: true, declaredOK: true},
		{name: "essential-0 is unverified", addons: `"heroku-postgresql:essential-0"`, limit: 20, known: true, unverified: true},
		{name: "plan not in the table", addons: `"heroku-postgresql:standard-1"`},
		{name: "no plan", addons: `"heroku-postgresql"`},
		{name: "another attachment", addons: `{"plan": "heroku-postgresql:standard-0", "as": "ANALYTICS_DATABASE"}`},
		{name: "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"app.json": appJSON(`"web": {"quantity": 1}`, tt.addons)}
			b := budgetApp(t, files, Options{Database: tt.declared}).Budget()
			l := serverNamed(t, b, "DATABASE_URL").Limit
			if l.Known != tt.known || l.N != tt.limit || l.Unverified != tt.unverified || l.Declared != tt.declaredOK {
				t.Errorf("limit = %+v", l)
			}
			if tt.addons != "" && !tt.known && l.Note == "" && !strings.Contains(tt.addons, "ANALYTICS") {
				t.Errorf("an unknown plan needs a note: %+v", l)
			}
		})
	}
}

func TestPostgresLimitTable(t *testing.T) {
	tests := map[string]struct {
		n          int
		unverified bool
	}{
		"standard-0": {120, false}, "premium-0": {120, false}, "private-0": {120, false}, "shield-0": {120, false},
		"standard-2": {400, false}, "shield-2": {400, false},
		"standard-3": {500, false}, "standard-9": {500, false}, "premium-l-6": {500, false}, "premium-xl-9": {500, false},
		"standard-10": {500, true}, "premium-12": {500, true},
		"essential-0": {20, true}, "essential-1": {20, true}, "essential-2": {40, true},
		"mini": {20, true}, "basic": {20, true},
		"hobby-dev": {20, false}, "hobby-basic": {20, false},
		"standard-1": {0, false}, "enterprise-9": {0, false},
	}
	for plan, want := range tests {
		l := postgresPlanTable(plan)
		if l.N != want.n || l.Known != (want.n > 0) || l.Unverified != want.unverified {
			t.Errorf("%s: %+v, want %d (unverified %v)", plan, l, want.n, want.unverified)
		}
		if l.Unverified && !strings.Contains(l.Note, "unverified") {
			t.Errorf("%s: unverified without a note: %q", plan, l.Note)
		}
	}
}

func TestRedisLimitTable(t *testing.T) {
	for plan, n := range map[string]int{"mini": 20, "premium-0": 40, "premium-1": 80, "premium-2": 200, "premium-3": 400,
		"premium-4": 700, "premium-5": 1000, "premium-7": 10000, "private-7": 10000, "shield-9": 25000,
		"premium-10": 40000, "private-12": 65000, "shield-14": 65000, "private-0": 0, "hobby": 0} {
		if l := redisPlanTable(plan); l.N != n || l.Known != (n > 0) {
			t.Errorf("%s: %+v, want %d", plan, l, n)
		}
	}
}

func TestBudgetUnicorn(t *testing.T) {
	lock := lockfile("activerecord", "4.2.11", "rails", "4.2.11", "unicorn", "5.8.0")
	for _, tt := range []struct {
		name, config string
		total        int
		assumed      bool
	}{
		{"worker_processes 3", "worker_processes 3\n", 4 * 3 * 1, false},
		{"default 1", "timeout 30\n", 4 * 1 * 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := budgetApp(t, map[string]string{
				"Gemfile.lock": lock, "config/puma.rb": "", "config/unicorn.rb": tt.config,
				"Procfile": "web: bundle exec unicorn -c config/unicorn.rb\n",
			}, Options{Formation: map[string]int{"web": 4}}).Budget()
			s := serverNamed(t, b, "DATABASE_URL")
			if s.Total != tt.total {
				t.Errorf("total = %d, want %d", s.Total, tt.total)
			}
			if r := rowNamed(t, b, "web"); r.PerDyno.Assumed != tt.assumed || r.Threads.N != 1 {
				t.Errorf("row = %+v", r)
			}
		})
	}
}

func TestBudgetPgBouncer(t *testing.T) {
	tests := []struct {
		name, web string
		env       map[string]string
		webTotal  int
	}{
		{"defaults 1 + 1", "web: bin/start-pgbouncer bundle exec puma -C config/puma.rb", nil, 10 * min(2*5, 1+1)},
		{"stunnel wrapper", "web: bin/start-pgbouncer-stunnel bundle exec puma -C config/puma.rb", nil, 10 * min(2*5, 1+1)},
		{"bigger default pool", "web: PGBOUNCER_DEFAULT_POOL_SIZE=3 bin/start-pgbouncer bundle exec puma -C config/puma.rb", nil, 10 * min(2*5, 3+1)},
		{"from the environment", "web: bin/start-pgbouncer bundle exec puma -C config/puma.rb",
			map[string]string{"PGBOUNCER_DEFAULT_POOL_SIZE": "20", "PGBOUNCER_RESERVE_POOL_SIZE": "5"}, 10 * min(2*5, 20+5)},
		{"demand under the cap", "web: WEB_CONCURRENCY=1 RAILS_MAX_THREADS=1 bin/start-pgbouncer bundle exec puma -C config/puma.rb", nil, 10 * min(1*1, 1+1)},
		{"disabled", "web: PGBOUNCER_ENABLED=0 bin/start-pgbouncer bundle exec puma -C config/puma.rb", nil, 10 * 2 * 5},
		{"other URLs", "web: PGBOUNCER_URLS=REPORTS_URL bin/start-pgbouncer bundle exec puma -C config/puma.rb", nil, 10 * 2 * 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := budgetApp(t, map[string]string{
				"Procfile": tt.web + "\nworker: RAILS_MAX_THREADS=10 bundle exec sidekiq\n",
				"app.json": appJSON(`"web": {"quantity": 10}, "worker": {"quantity": 3}`, `"heroku-postgresql:standard-0"`),
			}, Options{Env: tt.env}).Budget()
			s := serverNamed(t, b, "DATABASE_URL")
			if want := tt.webTotal + 3*1*10; s.Total != want {
				t.Errorf("total = %d, want %d", s.Total, want)
			}
		})
	}
}

func TestBudgetPgBouncerUnknownSwitch(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Procfile": "web: PGBOUNCER_ENABLED=$MAYBE bin/start-pgbouncer bundle exec puma -C config/puma.rb\n",
	}, Options{Formation: map[string]int{"web": 10}}).Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	if s.Complete || s.Total != 0 {
		t.Errorf("total = %d complete %v: an unreadable PGBOUNCER_ENABLED leaves the row uncounted", s.Total, s.Complete)
	}
}

func TestBudgetMultiDatabase(t *testing.T) {
	db := `default: &default
  adapter: postgresql
  pool: 5
production:
  primary:
    <<: *default
    url: <%= ENV["DATABASE_URL"] %>
  cache:
    <<: *default
    url: <%= ENV["DATABASE_URL"] %>
  queue:
    <<: *default
    url: <%= ENV["QUEUE_DATABASE_URL"] %>
  primary_replica:
    <<: *default
    url: <%= ENV["HEROKU_POSTGRESQL_PINK_URL"] %>
    replica: true
  same_replica:
    <<: *default
    url: <%= ENV["DATABASE_URL"] %>
    replica: true
  analytics:
    <<: *default
    host: analytics.internal
    database: analytics
`
	b := budgetApp(t, map[string]string{
		"config/database.yml": db,
		"Procfile":            "web: WEB_CONCURRENCY=0 bundle exec puma -C config/puma.rb\n",
		"app.json": appJSON(`"web": {"quantity": 10}`,
			`"heroku-postgresql:standard-0", {"plan": "heroku-postgresql:standard-2", "as": "QUEUE_DATABASE"}`),
	}, Options{}).Budget()
	// primary, cache and a replica config reading the same URL share a database.
	primary := serverNamed(t, b, "DATABASE_URL")
	if want := 10 * 1 * (5 + 5 + 5); primary.Total != want || len(primary.Configs) != 3 || primary.Replica {
		t.Errorf("primary + cache + same_replica = %d on %v, want %d", primary.Total, primary.Configs, want)
	}
	if primary.Limit.N != 120 {
		t.Errorf("primary limit = %+v", primary.Limit)
	}
	queue := serverNamed(t, b, "QUEUE_DATABASE_URL")
	if queue.Total != 10*1*5 || queue.Limit.N != 400 {
		t.Errorf("queue = %d of %+v", queue.Total, queue.Limit)
	}
	replica := serverNamed(t, b, "HEROKU_POSTGRESQL_PINK_URL")
	if replica.Total != 10*1*5 || replica.Limit.Known || !replica.Replica {
		t.Errorf("replica = %d of %+v: counted on its own, limit unknown", replica.Total, replica.Limit)
	}
	analytics := serverNamed(t, b, "analytics.internal/analytics")
	if analytics.Total != 10*1*5 || analytics.Limit.Known {
		t.Errorf("analytics = %d of %+v", analytics.Total, analytics.Limit)
	}
	if b.Servers[0] != primary {
		t.Errorf("the primary's server comes first: %s", b.Servers[0].Name)
	}
}

func TestBudgetRails8DatabaseKeys(t *testing.T) {
	// The Rails 8 template names one database per config; with the
	// platform setting DATABASE_URL, the primary is that URL and the
	// others are their own databases.
	db := `default: &default
  adapter: postgresql
  pool: 5
production:
  primary: &primary_production
    <<: *default
    database: app_production
  cache:
    <<: *primary_production
    database: app_production_cache
`
	b := budgetApp(t, map[string]string{
		"config/database.yml": db,
		"Procfile":            "web: WEB_CONCURRENCY=0 bundle exec puma -C config/puma.rb\n",
		"app.json":            appJSON(`"web": {"quantity": 2}`, `"heroku-postgresql:essential-0"`),
	}, Options{}).Budget()
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 2*1*5 {
		t.Errorf("primary = %d", s.Total)
	}
	if s := serverNamed(t, b, "localhost/app_production_cache"); s.Total != 2*1*5 {
		t.Errorf("cache = %d", s.Total)
	}
}

func TestBudgetNoDatabase(t *testing.T) {
	b := budgetApp(t, map[string]string{"config/database.yml": ""}, Options{}).Budget()
	if len(b.Servers) != 0 {
		t.Errorf("servers = %d, want none", len(b.Servers))
	}
	b = budgetApp(t, map[string]string{"config/database.yml": "",
		"app.json": appJSON(`"web": {"quantity": 2}`, `"heroku-postgresql:standard-0"`)}, Options{}).Budget()
	// Rails builds the config from DATABASE_URL: the default pool 5.
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 2*2*5+1*1*5 {
		t.Errorf("total = %d", s.Total)
	}
}

func TestBudgetSidekiqSwarm(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Procfile": "worker: SIDEKIQ_COUNT=3 RAILS_MAX_THREADS=10 bundle exec sidekiqswarm\n",
	}, Options{Formation: map[string]int{"worker": 2}}).Budget()
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 2*3*10 {
		t.Errorf("total = %d, want %d", s.Total, 2*3*10)
	}
	b = budgetApp(t, map[string]string{
		"Procfile": "web: bundle exec puma -C config/puma.rb\nworker: RAILS_MAX_THREADS=10 bundle exec sidekiqswarm\n",
	}, Options{Formation: map[string]int{"worker": 2, "web": 1}}).Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	if s.Complete || s.Total != 1*2*5 {
		t.Errorf("total = %d complete %v: SIDEKIQ_COUNT unset is one process per core, not counted", s.Total, s.Complete)
	}
	if !hasNote(b, "worker", "SIDEKIQ_COUNT") {
		t.Errorf("notes = %+v", b.Notes)
	}
}

func TestBudgetSolidQueue(t *testing.T) {
	queue := `production:
  dispatchers:
    - polling_interval: 1
  workers:
    - queues: "*"
      threads: 3
      processes: 2
    - queues: [mailers]
      threads: 5
`
	b := budgetApp(t, map[string]string{
		"Gemfile.lock":        lockfile("activerecord", "8.0.2", "rails", "8.0.2", "puma", "6.6.0", "solid_queue", "1.1.2"),
		"Procfile":            "jobs: bin/jobs\n",
		"config/queue.yml":    queue,
		"config/database.yml": strings.Replace(budgetDB, `ENV.fetch("RAILS_MAX_THREADS") { 5 }`, "10", 1),
	}, Options{Formation: map[string]int{"jobs": 2}}).Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	// Workers 2×2×min(10, 3+2) + 2×1×min(10, 5+2) = 34, and on each dyno
	// the supervisor (2) and the dispatcher (3): 2×5 = 10.
	want := 2*2*min(10, 3+2) + 2*1*min(10, 5+2) + 2*(2+3)
	if s.Total != want {
		t.Errorf("total = %d, want %d", s.Total, want)
	}
	if r := rowNamed(t, b, "jobs worker 2"); r.Need.N != 5+2 || r.PerDyno.N != 1 || !r.PerDyno.Assumed {
		t.Errorf("worker 2 = %+v", r)
	}
}

func TestBudgetGoodJob(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Gemfile.lock":        lockfile("activerecord", "7.1.3", "rails", "7.1.3", "good_job", "4.1.0"),
		"Procfile":            "worker: GOOD_JOB_MAX_THREADS=5 bundle exec good_job start\n",
		"config/database.yml": strings.Replace(budgetDB, `ENV.fetch("RAILS_MAX_THREADS") { 5 }`, "10", 1),
	}, Options{Formation: map[string]int{"worker": 2}}).Budget()
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 2*1*min(10, 5+3) {
		t.Errorf("total = %d, want %d", s.Total, 2*1*min(10, 5+3))
	}
}

func TestBudgetUncountedRowKeepsALowerBound(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Procfile": budgetProcfile + "clock: bundle exec clockwork config/clock.rb\n",
	}, Options{Formation: map[string]int{"web": 10, "worker": 5, "clock": 1}, Database: DatabaseLimit{MaxConnections: 120}}).Budget()
	s := serverNamed(t, b, "DATABASE_URL")
	if s.Complete || s.Total != 10*2*5+5*1*10 {
		t.Fatalf("total = %d complete %v", s.Total, s.Complete)
	}
	if !s.Exceeds() {
		t.Errorf("a lower bound of 150 over 120 must exceed")
	}
	if _, ok := s.Headroom(); ok {
		t.Errorf("no headroom from a lower bound")
	}
	// Zero dynos of an unknown process count as zero.
	b = budgetApp(t, map[string]string{
		"Procfile": budgetProcfile + "clock: bundle exec clockwork config/clock.rb\n",
	}, Options{Formation: map[string]int{"web": 1, "worker": 1, "clock": 0}}).Budget()
	if s := serverNamed(t, b, "DATABASE_URL"); !s.Complete {
		t.Errorf("0 clock dynos make the total complete")
	}
}

func TestBudgetRedis(t *testing.T) {
	tests := []struct {
		sidekiq string
		total   int
	}{
		// worker dynos × processes × server pools + web dynos × workers × client connections
		{"7.2.4", 2*1*(10+10) + 10*2*min(10, 5)},
		{"7.1.0", 2*1*(10+5) + 10*2*min(5, 5)},
		{"6.5.12", 2*1*(10+5) + 10*2*min(5, 5)},
		// Sidekiq 3.x ignores RAILS_MAX_THREADS=10: its default concurrency 25.
		{"3.5.4", 2*1*(25+2) + 10*2*min(5, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.sidekiq, func(t *testing.T) {
			b := budgetApp(t, map[string]string{
				"Gemfile.lock": lockfile("activerecord", "7.1.3", "puma", "6.4.2", "rails", "7.1.3", "sidekiq", tt.sidekiq),
				"app.json":     appJSON(`"web": {"quantity": 10}, "worker": {"quantity": 2}`, `"heroku-redis:mini"`),
			}, Options{}).Budget()
			if b.Redis == nil {
				t.Fatal("no Redis budget")
			}
			if b.Redis.Total != tt.total || !b.Redis.Complete {
				t.Errorf("redis = %d (complete %v), want %d", b.Redis.Total, b.Redis.Complete, tt.total)
			}
			if b.Redis.Limit.N != 20 {
				t.Errorf("limit = %+v", b.Redis.Limit)
			}
		})
	}
	b := budgetApp(t, map[string]string{"Procfile": "web: bundle exec puma -C config/puma.rb\n"}, Options{}).Budget()
	if b.Redis != nil {
		t.Errorf("no Sidekiq process: no Redis budget")
	}
}

func TestBudgetSidekiq6ClientPoolReadsRailsMaxThreads(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Gemfile.lock": lockfile("activerecord", "6.1.7", "puma", "5.6.9", "rails", "6.1.7", "sidekiq", "6.5.12"),
		"Procfile":     "web: RAILS_MAX_THREADS=3 bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\n",
	}, Options{Formation: map[string]int{"web": 1, "worker": 1}}).Budget()
	for _, r := range b.Redis.Rows {
		if r.Role == "client" && r.PerProcess.N != min(3, 3) {
			t.Errorf("client = %+v", r.PerProcess)
		}
		if r.Role == "server" && r.PerProcess.N != 10+5 { // Sidekiq 6.5's default concurrency 10
			t.Errorf("server = %+v", r.PerProcess)
		}
	}
}
