package rails

import (
	"strings"
	"testing"
)

// Solid Queue's processes in the budget, by supervisor mode (facts 6.1):
// fork mode counts the supervisor (2), each dispatcher (3, or 2 without
// concurrency maintenance) on Solid Queue's database only, and each
// worker process (threads + 2); async mode adds them all up in one
// process.

const sqTwoServersDB = `production:
  primary:
    adapter: postgresql
    pool: 10
    url: <%= ENV["DATABASE_URL"] %>
  queue:
    adapter: postgresql
    pool: 10
    url: <%= ENV["QUEUE_DATABASE_URL"] %>
`

const sqQueueYML = `production:
  dispatchers:
    - polling_interval: 1
    - polling_interval: 5
      concurrency_maintenance: false
  workers:
    - queues: "*"
      threads: 4
      processes: 2
`

func TestBudgetSolidQueueForkCountsSupervisorAndDispatchers(t *testing.T) {
	b := budgetApp(t, map[string]string{
		"Gemfile.lock":        lockfile("activerecord", "8.0.2", "rails", "8.0.2", "puma", "6.6.0", "solid_queue", "1.3.1"),
		"Procfile":            "jobs: bin/jobs\n",
		"config/queue.yml":    sqQueueYML,
		"config/database.yml": sqTwoServersDB,
	}, Options{Formation: map[string]int{"jobs": 1}}).Budget()
	queue := serverNamed(t, b, "QUEUE_DATABASE_URL")
	// supervisor 2 + dispatchers 3 + 2 + 2 worker processes × min(10, 4+2)
	if want := 2 + 3 + 2 + 2*min(10, 4+2); queue.Total != want {
		t.Errorf("queue total = %d, want %d", queue.Total, want)
	}
	// The supervisor and dispatchers run no job: nothing on the primary.
	if primary := serverNamed(t, b, "DATABASE_URL"); primary.Total != 2*min(10, 4+2) {
		t.Errorf("primary total = %d, want %d", primary.Total, 2*min(10, 4+2))
	}
	if r := rowNamed(t, b, "jobs dispatcher 2"); r.Need.N != 2 || !r.QueueOnly {
		t.Errorf("dispatcher 2 = %+v", r)
	}
}

func TestBudgetSolidQueueAsyncIsOneProcess(t *testing.T) {
	files := func(version string) map[string]string {
		return map[string]string{
			"Gemfile.lock":        lockfile("activerecord", "8.0.2", "rails", "8.0.2", "puma", "6.6.0", "solid_queue", version),
			"Procfile":            "jobs: SOLID_QUEUE_SUPERVISOR_MODE=async bin/jobs\n",
			"config/queue.yml":    sqQueueYML,
			"config/database.yml": strings.ReplaceAll(sqTwoServersDB, "pool: 10", "pool: 50"),
		}
	}
	b := budgetApp(t, files("1.3.0"), Options{Formation: map[string]int{"jobs": 1}}).Budget()
	// 4 job threads + 2 (the worker; `processes` is ignored) + 3 + 2
	// (dispatchers) + 2 (supervisor), all in one process.
	want := 4 + 2 + 3 + 2 + 2
	if s := serverNamed(t, b, "QUEUE_DATABASE_URL"); s.Total != want {
		t.Errorf("async queue total = %d, want %d", s.Total, want)
	}
	if r := rowNamed(t, b, "jobs"); r.PerDyno.N != 1 || r.Threads.N != 4 {
		t.Errorf("async row = %+v", r)
	}
	// Before 1.3.0 bin/jobs has no async mode: the variable changes nothing.
	b = budgetApp(t, files("1.2.4"), Options{Formation: map[string]int{"jobs": 1}}).Budget()
	if s := serverNamed(t, b, "QUEUE_DATABASE_URL"); s.Total != 2+3+2+2*(4+2) {
		t.Errorf("1.2.4 queue total = %d, want %d", s.Total, 2+3+2+2*(4+2))
	}
}

const sqPumaAsync = `threads 3, 3
plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]
solid_queue_mode :async
`

func sqPumaApp(t *testing.T, puma, version, procfile string) Budget {
	return budgetApp(t, map[string]string{
		"Gemfile.lock":        lockfile("activerecord", "8.0.2", "rails", "8.0.2", "puma", "6.6.0", "solid_queue", version),
		"Procfile":            procfile,
		"config/puma.rb":      puma,
		"config/database.yml": strings.Replace(budgetDB, `ENV.fetch("RAILS_MAX_THREADS") { 5 }`, "20", 1),
	}, Options{Formation: map[string]int{"web": 1}}).Budget()
}

func TestBudgetSolidQueueInPumaAsync(t *testing.T) {
	web := "web: SOLID_QUEUE_IN_PUMA=1 bundle exec puma -C config/puma.rb\n"
	// Single mode: the one Puma process serves 3 request threads and runs
	// Solid Queue's default worker (3 + 2), dispatcher (3) and supervisor (2).
	b := sqPumaApp(t, sqPumaAsync, "1.3.1", web)
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 3+3+2+3+2 {
		t.Errorf("single mode total = %d, want %d", s.Total, 3+3+2+3+2)
	}
	if len(b.Rows) != 1 {
		t.Errorf("single mode rows = %d, want the Puma row alone", len(b.Rows))
	}
	// Cluster mode: Puma's master runs the supervisor's threads.
	b = sqPumaApp(t, sqPumaAsync+"workers 2\npreload_app!\n", "1.3.1", web)
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 2*3+(3+2+3+2) {
		t.Errorf("cluster mode total = %d, want %d", s.Total, 2*3+(3+2+3+2))
	}
	rowNamed(t, b, "web (solid_queue plugin, async in Puma's master)")
}

func TestBudgetSolidQueueInPumaForkIgnoresSupervisorModeVariable(t *testing.T) {
	// The plugin passes mode: :fork itself: SOLID_QUEUE_SUPERVISOR_MODE
	// is for bin/jobs.
	puma := "threads 3, 3\nplugin :solid_queue if ENV[\"SOLID_QUEUE_IN_PUMA\"]\n"
	b := sqPumaApp(t, puma, "1.3.1", "web: SOLID_QUEUE_IN_PUMA=1 SOLID_QUEUE_SUPERVISOR_MODE=async bundle exec puma -C config/puma.rb\n")
	// Puma 3 + supervisor 2 + dispatcher 3 + worker 3 + 2.
	if s := serverNamed(t, b, "DATABASE_URL"); s.Total != 3+2+3+5 {
		t.Errorf("fork total = %d, want %d", s.Total, 3+2+3+5)
	}
	rowNamed(t, b, "web (solid_queue plugin) supervisor")
}

func TestBudgetSolidQueueModeMissingFromVersion(t *testing.T) {
	// 0.7.0 to 1.2.x have no solid_queue_mode: poollint cannot say what
	// runs, and the total is a lower bound.
	b := sqPumaApp(t, sqPumaAsync, "1.2.4", "web: SOLID_QUEUE_IN_PUMA=1 bundle exec puma -C config/puma.rb\n")
	s := serverNamed(t, b, "DATABASE_URL")
	if s.Complete {
		t.Errorf("total %d is complete; want a lower bound", s.Total)
	}
	if r := rowNamed(t, b, "web (solid_queue plugin)"); r.Need.Known || !strings.Contains(r.Need.Reason, "no async mode") {
		t.Errorf("row = %+v", r)
	}
	// 0.4 to 0.6 had it.
	if b := sqPumaApp(t, sqPumaAsync, "0.5.0", "web: SOLID_QUEUE_IN_PUMA=1 bundle exec puma -C config/puma.rb\n"); len(b.Rows) != 1 {
		t.Errorf("0.5.0 rows = %d, want the Puma row alone (async in the Puma process)", len(b.Rows))
	}
}
