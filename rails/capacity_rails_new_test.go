package rails

import (
	"path/filepath"
	"testing"
)

// The budget of the Kamal apps `rails new` makes (testdata/apps/rails8*_new_*):
// hosts × processes × min(pool, what one process can use), per role and per
// database of the Rails 8 template (primary, cache, queue, cable), the
// arithmetic written out by hand.

func railsNewBudget(t *testing.T, name string) Budget {
	t.Helper()
	app, err := Load(filepath.Join("..", "testdata", "apps", name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bs := app.Budgets()
	if len(bs) != 1 || bs[0].Deployment != "config/deploy.yml" || bs[0].Unit != "host" {
		t.Fatalf("budgets = %+v, want config/deploy.yml counted in hosts", bs)
	}
	return bs[0]
}

func wantTotals(t *testing.T, b Budget, want map[string]int) {
	t.Helper()
	for name, n := range want {
		s := serverNamed(t, b, name)
		if s.Total != n || !s.Complete {
			t.Errorf("%s: total %d (complete %v), want %d", name, s.Total, s.Complete, n)
		}
	}
}

func TestBudgetRailsNewSolidQueueForkOnTwoHosts(t *testing.T) {
	b := railsNewBudget(t, "rails81_new_sq_fork_two_hosts_ok")
	// web: 2 hosts × 1 Puma process × 3 threads; the plugin's supervisor
	// forks on each host: its worker 2 × 1 × min(5, 3 + 2); the supervisor
	// (2) and the dispatcher (3) use the queue database only.
	jobs := 2 * 1 * min(5, 3+2)
	wantTotals(t, b, map[string]int{
		"localhost/app_production":       2*1*3 + jobs,
		"localhost/app_production_cache": 2*1*3 + jobs,
		"localhost/app_production_cable": 2*1*3 + jobs,
		"localhost/app_production_queue": 2*1*3 + jobs + 2*1*2 + 2*1*3,
	})
	if r := rowNamed(t, b, "web (solid_queue plugin) supervisor"); r.Dynos.N != 2 || r.PerDyno.N != 1 {
		t.Errorf("supervisor row = %+v", r)
	}
}

func TestBudgetRailsNewSolidQueueAsyncOnTwoHosts(t *testing.T) {
	b := railsNewBudget(t, "rails81_new_sq_async_two_hosts")
	// One Puma process per host runs 3 request threads and Solid Queue's
	// threads (worker 3 + 2, dispatcher 3, supervisor 2 = 10): 13 it could
	// use, capped by the pool of 5 on every database.
	per := min(5, 3+(3+2)+3+2)
	for _, db := range []string{"", "_cache", "_queue", "_cable"} {
		wantTotals(t, b, map[string]int{"localhost/app_production" + db: 2 * 1 * per})
	}
	if len(b.Rows) != 1 {
		t.Errorf("rows = %d, want the web row alone", len(b.Rows))
	}
}

func TestBudgetRailsNewJobRole(t *testing.T) {
	b := railsNewBudget(t, "rails80_new_job_role_threads")
	// web: 1 × 1 × 3; job: 1 host × 3 worker processes (JOB_CONCURRENCY)
	// × min(5, 5 + 2), plus its supervisor (2) and dispatcher (3) on the
	// queue database.
	web, workers := 1*1*3, 1*3*min(5, 5+2)
	wantTotals(t, b, map[string]int{
		"localhost/app_production":       web + workers,
		"localhost/app_production_queue": web + workers + 2 + 3,
	})
	if r := rowNamed(t, b, "job"); r.PerDyno.N != 3 || r.Dynos.N != 1 {
		t.Errorf("job row = %+v", r)
	}
}
