package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

// unicornMaxUsefulPool is the pool Heroku advises for a single-threaded
// Unicorn worker: 1 or 2 (seed 003, "Bad connections").
const unicornMaxUsefulPool = 2

// unicornPoolOversized advises a smaller pool for Unicorn workers: each
// serves one request at a time and needs one connection; a bigger pool
// only lets leaked or hung connections pile up, up to pool x workers.
func unicornPoolOversized() *Rule {
	return &Rule{
		ID:       "unicorn-pool-oversized",
		Severity: Info,
		Summary:  "a single-threaded Unicorn worker has a pool above 2, where hung connections pile up",
		Check: func(app *rails.App) []Diagnostic {
			if app.Databases == nil {
				return nil
			}
			var out []dbDiagnostic
			for _, p := range app.ProcessesOf(rails.UnicornProcess) {
				if p.PgBouncer {
					// Behind the PgBouncer buildpack hung client connections
					// pile up in PgBouncer, not on the database (facts 8.4).
					continue
				}
				for _, db := range app.Databases.Configs(p.RailsEnv()) {
					if d, ok := unicornOversized(app, p, db); ok {
						out = append(out, dbDiagnostic{d, db})
					}
				}
			}
			return dedupe(mergeSharedPools(out))
		},
	}
}

func unicornOversized(app *rails.App, p *rails.Process, db *rails.DatabaseConfig) (Diagnostic, bool) {
	pool := app.PoolOf(db, p)
	if !pool.Known || pool.Unlimited || pool.Size <= unicornMaxUsefulPool {
		return Diagnostic{}, false
	}
	advice := "set it to 1 or 2"
	if pool.Setting != nil && pool.Override == nil {
		if first := pool.Setting.Value.FirstEnv(); first != nil {
			advice = fmt.Sprintf("set %s=2 for %s", first.Str, p.Describe())
		} else if sharedWithThreads(app, p, db) {
			// A literal pool that a threaded process of the same
			// environment also reads cannot be lowered for Unicorn alone.
			return Diagnostic{}, false
		}
	} else if pool.Default && sharedWithThreads(app, p, db) {
		return Diagnostic{}, false
	}
	return Diagnostic{
		Severity: Info,
		Span:     pool.Span,
		Message: fmt.Sprintf("Unicorn workers are single-threaded, so each needs 1 connection, but the %s in %s is %d (%s): a pool above 2 only lets leaked or hung connections pile up, up to %d per worker%s; %s%s",
			poolSlot, p.Describe(), pool.Size, pool.Source(), pool.Size, acrossWorkers(app, p, pool.Size), advice, assumptions(pool.Unset, p.Unset)),
	}, true
}

// sharedWithThreads reports whether a threaded process (Puma, Sidekiq, a
// job worker) of p's environment gets the same database config and may
// need more than 2 of its connections.
func sharedWithThreads(app *rails.App, p *rails.Process, db *rails.DatabaseConfig) bool {
	for _, q := range app.Processes {
		if q == p || q.RailsEnv() != p.RailsEnv() || q.Kind == rails.UnicornProcess {
			continue
		}
		n, ok := connectionsNeeded(app, q, db)
		if ok && n > unicornMaxUsefulPool {
			return true
		}
		if !ok && (q.Kind == rails.PumaProcess || q.Kind == rails.SidekiqProcess) {
			// A threaded server whose threads poollint cannot read (a
			// concurrency from app code) may need the whole pool.
			return true
		}
	}
	return false
}

// acrossWorkers says what the pile-up comes to over the worker_processes
// the Unicorn config sets, when they are known.
func acrossWorkers(app *rails.App, p *rails.Process, pool int) string {
	uc := app.UnicornConfigOf(p)
	if uc == nil {
		return ""
	}
	env := app.EnvOf(p)
	var last *rails.Guarded
	for _, g := range uc.WorkerProcesses {
		if g.Applies(env) {
			last = g
		}
	}
	if last == nil {
		return ""
	}
	if r := last.Value.Eval(env); r.Kind == rails.RInt && r.Int > 1 {
		return fmt.Sprintf(" (%d across its %d workers)", pool*r.Int, r.Int)
	}
	return ""
}
