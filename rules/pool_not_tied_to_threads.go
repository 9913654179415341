package rules

import (
	"fmt"
	"strconv"

	"github.com/poollint/poollint/rails"
)

// sharedThreadVars are the variables apps use for "threads per process"
// everywhere at once. A pool that does not follow them breaks the day an
// operator raises one. A per-process variable (SIDEKIQ_CONCURRENCY) is set
// for that process on purpose, as seed 003 recommends, and is not flagged.
var sharedThreadVars = map[string]bool{"RAILS_MAX_THREADS": true, "MAX_THREADS": true, "PUMA_MAX_THREADS": true}

func poolNotTiedToThreads() *Rule {
	return &Rule{
		ID:       "pool-not-tied-to-threads",
		Severity: Warning,
		Fixable:  "unsafe",
		Summary:  "threads and pool come from different settings, so raising the threads variable breaks the pool",
		Check: func(app *rails.App) []Diagnostic {
			if app.Databases == nil {
				return nil
			}
			var out []dbDiagnostic
			for _, p := range app.Processes {
				threads := threadsFunc(app, p.Kind)
				if threads == nil {
					continue
				}
				t := threads(p)
				if !t.Known || t.Value == nil {
					continue
				}
				for _, db := range app.Databases.Configs(p.RailsEnv()) {
					if d, ok := untied(app, p, db, t, threads); ok {
						out = append(out, dbDiagnostic{d, db})
					}
				}
			}
			return dedupe(mergeSharedPools(out))
		},
	}
}

// threadsFunc returns how T is found for a kind of process, or nil.
func threadsFunc(app *rails.App, kind rails.ProcessKind) func(*rails.Process) rails.Threads {
	switch kind {
	case rails.PumaProcess:
		return app.PumaThreads
	case rails.SidekiqProcess:
		return app.SidekiqConcurrency
	}
	return nil
}

// untied checks one process and config: today the pool covers the
// threads, but some single variable raises the threads past the pool.
func untied(app *rails.App, p *rails.Process, db *rails.DatabaseConfig, t rails.Threads, threads func(*rails.Process) rails.Threads) (Diagnostic, bool) {
	pool := app.PoolOf(db, p)
	if !pool.Known || pool.Unlimited || pool.Size < t.Max {
		return Diagnostic{}, false // another rule speaks (or nothing can be said)
	}
	// Doubling the threads is the change an operator plausibly makes.
	probe := 2 * t.Max
	for _, name := range p.VarsAffecting(t.Value.Vars()...) {
		if !sharedThreadVars[name] {
			continue
		}
		q := app.ProcessWith(p, name, strconv.Itoa(probe))
		t2 := threads(q)
		p2 := app.PoolOf(db, q)
		if !t2.Known || t2.Max == t.Max || !p2.Known || p2.Unlimited || p2.Size >= t2.Max {
			continue
		}
		return Diagnostic{
			Severity: Warning,
			Span:     pool.Span,
			Message: fmt.Sprintf("the %s (%d, %s) does not follow %s, which sets the threads of %s (%s): setting %s=%d would run %d threads over a pool of %d and raise ActiveRecord::ConnectionTimeoutError%s",
				poolSlot, pool.Size, pool.Source(), name, p.Describe(), t.Source, name, probe, t2.Max, p2.Size, assumptions(without(pool.Unset, name), without(p.Unset, name))),
			Related: []Related{{Span: t.Span, Message: "threads read " + name + " here"}},
			Fix:     tieFix(app, db, p, pool, name, t),
		}, true
	}
	return Diagnostic{}, false
}

// without returns names less name: the variable the message already sets
// is not also "unset".
func without(names []string, name string) []string {
	var out []string
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}

// tieFix rewrites a pool written as a number (or left to the default) to
// read the variable the threads read, with today's pool as its written
// default, so nothing changes while the variable is unset. A pool that
// already reads its own variable gets no fix: rewriting it would drop that
// variable. It is unsafe: where the variable is set (to a smaller
// number, in some process) the pool changes with it.
func tieFix(app *rails.App, db *rails.DatabaseConfig, p *rails.Process, pool rails.Pool, name string, t rails.Threads) *Fix {
	if app.Databases == nil || app.Databases.Doc == nil || app.Databases.Sample || pool.Override != nil || (pool.Setting == nil && !pool.Default) || (pool.Setting != nil && !pool.Setting.Value.IsLiteral()) {
		return nil
	}
	def := pool.Size
	if tv := tieOf(t, app.EnvOf(p)); tv != nil && tv.Name == name && tv.Default > def {
		def = tv.Default
	}
	text := fmt.Sprintf(`<%%= ENV.fetch("%s") { %d } %%>`, name, def)
	fix := writeValue(dbPoolTarget(app, db), text, fmt.Sprintf("make the %s follow %s: %s", poolSlot, name, text))
	if fix == nil {
		return nil
	}
	fix.Safe = false
	return fix
}
