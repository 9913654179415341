package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// threadsOverPool is one process whose threads exceed one database
// config's pool: the shared shape of the pool-sizing rules.
type threadsOverPool struct {
	Process *rails.Process
	DB      *rails.DatabaseConfig
	Threads rails.Threads
	Pool    rails.Pool
	// Shared are the other databases of the process that read the same
	// written pool (Rails 6+ multi-db: primary, cache, queue and cable all
	// `<<: *default`): one cause, reported once.
	Shared []*rails.DatabaseConfig
}

// overPool returns, for each database config of p's environment whose
// known pool is smaller than the known threads t, the comparison; the
// databases that read one written pool come back as one comparison.
func overPool(app *rails.App, p *rails.Process, t rails.Threads) []threadsOverPool {
	if !t.Known || app.Databases == nil {
		return nil
	}
	var out []threadsOverPool
	for _, db := range app.Databases.Configs(p.RailsEnv()) {
		pool := app.PoolOf(db, p)
		if !pool.Known || pool.Unlimited || pool.Size >= t.Max {
			continue
		}
		out = append(out, threadsOverPool{Process: p, DB: db, Threads: t, Pool: pool})
	}
	return groupSharedPools(out)
}

// groupSharedPools folds the comparisons whose pools are one written
// value (same place, same size) into the first of them.
func groupSharedPools(os []threadsOverPool) []threadsOverPool {
	var out []threadsOverPool
	at := map[string]int{}
	for _, o := range os {
		if o.Pool.Span.IsZero() {
			out = append(out, o)
			continue
		}
		key := fmt.Sprintf("%s|%d|%d", o.Pool.Span.File, o.Pool.Span.Start.Offset, o.Pool.Size)
		if i, ok := at[key]; ok {
			out[i].Shared = append(out[i].Shared, o.DB)
			continue
		}
		at[key] = len(out)
		out = append(out, o)
	}
	return out
}

// poolIs renders "production.primary pool is" or, for a shared pool,
// "pool shared by production primary, cache, queue and cable is".
func (o threadsOverPool) poolIs() string {
	return poolName(append([]*rails.DatabaseConfig{o.DB}, o.Shared...)) + " is"
}

// poolName names the pool of one database ("production.primary pool"),
// or the one pool several databases of an environment read ("pool shared
// by production primary, cache and queue").
func poolName(dbs []*rails.DatabaseConfig) string {
	if len(dbs) == 1 {
		return dbs[0].Describe() + " pool"
	}
	names := make([]string, len(dbs))
	for i, db := range dbs {
		names[i] = db.Name
	}
	list := strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	return "pool shared by " + dbs[0].Env + " " + list
}

// poolSlot stands for poolName in the message of a dbDiagnostic.
const poolSlot = "\x00pool\x00"

// dbDiagnostic is a finding about the pool of one database whose message
// names that pool as poolSlot, so that the databases that read one written
// pool can be reported as one finding.
type dbDiagnostic struct {
	Diagnostic
	DB *rails.DatabaseConfig
}

// mergeSharedPools reports findings identical but for the database, at
// the same pool, once, naming every database; the first one's fix stands
// for all (it edits the one written pool).
func mergeSharedPools(ds []dbDiagnostic) []Diagnostic {
	var groups [][]dbDiagnostic
	at := map[string]int{}
	for _, d := range ds {
		key := fmt.Sprintf("%s|%d|%s", d.Span.File, d.Span.Start.Offset, d.Message)
		if i, ok := at[key]; ok && !d.Span.IsZero() {
			groups[i] = append(groups[i], d)
			continue
		}
		at[key] = len(groups)
		groups = append(groups, []dbDiagnostic{d})
	}
	out := make([]Diagnostic, 0, len(groups))
	for _, g := range groups {
		dbs := make([]*rails.DatabaseConfig, len(g))
		for i, d := range g {
			dbs[i] = d.DB
		}
		d := g[0].Diagnostic
		d.Message = strings.ReplaceAll(d.Message, poolSlot, poolName(dbs))
		if d.Fix != nil {
			fix := *d.Fix
			fix.Description = strings.ReplaceAll(fix.Description, poolSlot, poolName(dbs))
			d.Fix = &fix
		}
		out = append(out, d)
	}
	return out
}

// poolNote is what the related location says about the pool.
func poolNote(o threadsOverPool) string {
	if o.Pool.Default {
		return fmt.Sprintf("%s has no pool key: Active Record's default %d applies", o.DB.Describe(), o.Pool.Size)
	}
	return fmt.Sprintf("the %s %d here", o.poolIs(), o.Pool.Size)
}

// poolRelated are the related locations of a sizing diagnostic at span:
// the pool (unless that is where it points), else, for a shared pool
// reported at the pool, where the threads are set; then the deployment's.
func poolRelated(o threadsOverPool, span parser.Span) []Related {
	rel := []Related{{Span: o.Pool.Span, Message: poolNote(o)}}
	if len(o.Shared) > 0 && !o.Threads.Span.IsZero() {
		rel = append(rel, Related{Span: o.Threads.Span, Message: "the threads are set here"})
	}
	return append(relatedUnlessSame(span, rel), deploymentRelated(o.Process, o.Threads.Value, poolValue(o.Pool))...)
}

// assumptions renders "with X unset" for the variables whose written
// defaults decided the numbers.
func assumptions(lists ...[]string) string {
	seen := map[string]bool{}
	var names []string
	for _, l := range lists {
		for _, n := range l {
			if !seen[n] && !strings.HasPrefix(n, "\x00") {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	verb := "unset"
	return " (with " + strings.Join(names, ", ") + " " + verb + ")"
}

// locate picks where a sizing diagnostic points: where the threads are
// written; else, when orLine, the Procfile line; else the pool.
func locate(o threadsOverPool, orLine bool) parser.Span {
	switch {
	case len(o.Shared) > 0:
		return o.Pool.Span // one cause: the pool every database reads
	case !o.Threads.Span.IsZero():
		return o.Threads.Span
	case orLine && !o.Process.Span.IsZero():
		return o.Process.Span
	}
	return o.Pool.Span
}

// dedupe drops diagnostics identical in place and message (processes that
// share one config produce the same finding).
func dedupe(ds []Diagnostic) []Diagnostic {
	seen := map[string]bool{}
	var out []Diagnostic
	for _, d := range ds {
		key := fmt.Sprintf("%s|%d|%s", d.Span.File, d.Span.Start.Offset, d.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

// relatedUnlessSame drops a related location that repeats the main one.
func relatedUnlessSame(main parser.Span, rel []Related) []Related {
	var out []Related
	for _, r := range rel {
		if r.Span.File == main.File && r.Span.Start.Offset == main.Start.Offset {
			continue
		}
		out = append(out, r)
	}
	return out
}
