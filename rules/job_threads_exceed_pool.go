package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

// jobThreadsExceedPool checks the job runners that size their own need:
// a Solid Queue worker needs its largest `threads` + 2 connections of the
// queue database (facts 6.1), an external GoodJob worker its max threads
// + 3 of the primary (facts 6.2).
func jobThreadsExceedPool() *Rule {
	return &Rule{
		ID:       "job-threads-exceed-pool",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "a Solid Queue or GoodJob worker runs more threads than its Active Record pool holds",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.Processes {
				out = append(out, solidQueueAsyncOverPool(app, p)...)
				if d, ok := solidQueueOverPool(app, p); ok {
					out = append(out, d)
				}
				if d, ok := goodJobOverPool(app, p); ok {
					out = append(out, d)
				}
			}
			return dedupe(out)
		},
	}
}

func solidQueueOverPool(app *rails.App, p *rails.Process) (Diagnostic, bool) {
	if app.SolidQueue == nil || !(p.Kind == rails.SolidQueueProcess || app.SolidQueueInPuma(p)) {
		return Diagnostic{}, false
	}
	if mode := app.SolidQueueModeOf(p); !mode.Known || mode.Async {
		return Diagnostic{}, false // async mode: solidQueueAsyncOverPool
	}
	t := app.SolidQueueThreads(p)
	db := app.SolidQueueDatabase(p.RailsEnv())
	if !t.Known || db == nil {
		return Diagnostic{}, false
	}
	need, _ := rails.SatAdd(t.Max, 2)
	o, ok := jobOverPool(app, p, db, t, need)
	if !ok {
		return Diagnostic{}, false
	}
	where := p.Describe()
	if p.Kind == rails.PumaProcess {
		where = "the Solid Queue supervisor that `plugin :solid_queue` forks from " + p.Describe()
	}
	msg := fmt.Sprintf("Solid Queue needs %d connections in %s (its largest worker runs %d threads, %s, + 2 for the worker's own thread and its heartbeat) but the %s pool is %d (%s): %s%s",
		need, where, t.Max, t.Source, db.Describe(), o.Pool.Size, o.Pool.Source(), solidQueueConsequence(app, need, o.Pool.Size),
		assumptions(t.Unset, o.Pool.Unset, p.Unset))
	return jobDiagnostic(app, o, need, msg), true
}

// solidQueueConsequence is what the locked Solid Queue does about it
// (facts 6.1): 1.1.1 to 1.4 refuse to start, 1.5 warns, older ones only
// time out.
func solidQueueConsequence(app *rails.App, need, pool int) string {
	switch {
	case app.Versions.AtLeast("solid_queue", "1.5.0"):
		return "Solid Queue only logs a warning at boot, and jobs will raise ActiveRecord::ConnectionTimeoutError"
	case app.Versions.AtLeast("solid_queue", "1.1.1"):
		return fmt.Sprintf("the supervisor refuses to start (\"Solid Queue is configured to use %d threads but the database connection pool is %d\")", need, pool)
	}
	return "jobs will raise ActiveRecord::ConnectionTimeoutError"
}

func goodJobOverPool(app *rails.App, p *rails.Process) (Diagnostic, bool) {
	if app.GoodJob == nil || p.Kind != rails.GoodJobProcess {
		return Diagnostic{}, false
	}
	if ext, known := app.GoodJobExternal(p); !ext || !known {
		return Diagnostic{}, false
	}
	t := app.GoodJobThreads(p)
	db := primaryOf(app, p.RailsEnv())
	if !t.Known || db == nil {
		return Diagnostic{}, false
	}
	need, _ := rails.SatAdd(t.Max, 3)
	o, ok := jobOverPool(app, p, db, t, need)
	if !ok {
		return Diagnostic{}, false
	}
	msg := fmt.Sprintf("GoodJob runs up to %d job threads (%s) in %s, an external worker that needs %d connections (+ 3 for its LISTEN/NOTIFY listener, cron scheduler and executor) but the %s pool is %d (%s): jobs will raise ActiveRecord::ConnectionTimeoutError%s",
		t.Max, t.Source, p.Describe(), need, db.Describe(), o.Pool.Size, o.Pool.Source(), assumptions(t.Unset, o.Pool.Unset, p.Unset))
	return jobDiagnostic(app, o, need, msg), true
}

// jobOverPool compares what a job process needs with its pool of db.
func jobOverPool(app *rails.App, p *rails.Process, db *rails.DatabaseConfig, t rails.Threads, need int) (threadsOverPool, bool) {
	pool := app.PoolOf(db, p)
	if !pool.Known || pool.Unlimited || pool.Size >= need {
		return threadsOverPool{}, false
	}
	return threadsOverPool{Process: p, DB: db, Threads: t, Pool: pool}, true
}

func jobDiagnostic(app *rails.App, o threadsOverPool, need int, msg string) Diagnostic {
	span := locate(o, true)
	return Diagnostic{
		Severity: Error,
		Span:     span,
		Message:  msg,
		Related:  poolRelated(o, span),
		Fix:      poolFix(app, o, need, false),
	}
}

// primaryOf is the primary database config of env, or nil.
func primaryOf(app *rails.App, env string) *rails.DatabaseConfig {
	if app.Databases == nil {
		return nil
	}
	for _, c := range app.Databases.Configs(env) {
		if c.Primary {
			return c
		}
	}
	return nil
}
