package rules

import (
	"fmt"
	"strconv"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// Solid Queue in async mode runs every worker as threads of the
// supervisor's process (facts 6.1), so their needs add up in that
// process's pools, and with the Puma plugin in single mode that process
// is the one serving requests: Puma's threads and the job threads share
// each pool. Every thread may hold a connection of each database it
// uses; the workers' polling thread and heartbeat (+ 2 each, Solid
// Queue's own estimate) use Solid Queue's database only. Dispatchers and
// the supervisor's timers are left out here: a finding must hold without
// them.

// sqAsyncNeed is what process p needs of db when its Solid Queue
// supervisor runs in async mode: ok is false when it does not.
type sqAsyncNeed struct {
	need     int
	puma     int  // the request threads counted in (single mode); 0 otherwise
	master   bool // the supervisor runs in Puma's master (cluster mode)
	jobs     rails.Threads
	workers  int
	onQueue  bool
	modeFrom string
	modeAt   parser.Span
}

func solidQueueAsyncNeed(app *rails.App, p *rails.Process, db *rails.DatabaseConfig) (sqAsyncNeed, bool) {
	load, mode, ok := app.SolidQueueAsync(p)
	if !ok {
		return sqAsyncNeed{}, false
	}
	n := sqAsyncNeed{jobs: load.JobThreads, workers: load.Workers, modeFrom: mode.Source, modeAt: mode.Span}
	q := app.SolidQueueDatabase(p.RailsEnv())
	n.onQueue = q != nil && q.Env == db.Env && q.Name == db.Name
	n.need = load.JobThreads.Max
	if n.onQueue {
		n.need, _ = rails.SatAdd(n.need, 2*load.Workers)
	}
	if p.Kind == rails.PumaProcess {
		clustered, known := app.PumaClustered(p)
		if !known {
			return sqAsyncNeed{}, false
		}
		n.master = clustered
		if !clustered {
			t := app.PumaThreads(p)
			if !t.Known {
				return sqAsyncNeed{}, false
			}
			n.puma = t.Max
			n.need, _ = rails.SatAdd(n.need, t.Max)
		}
	}
	return n, true
}

// solidQueueAsyncOverPool reports each pool of p's environment smaller
// than what the async supervisor's process needs of it; databases that
// read one written pool are one finding, at the largest need.
func solidQueueAsyncOverPool(app *rails.App, p *rails.Process) []Diagnostic {
	if app.Databases == nil {
		return nil
	}
	type over struct {
		o threadsOverPool
		n sqAsyncNeed
	}
	var found []over
	at := map[string]int{}
	for _, db := range app.Databases.Configs(p.RailsEnv()) {
		n, ok := solidQueueAsyncNeed(app, p, db)
		if !ok {
			return nil
		}
		pool := app.PoolOf(db, p)
		if !pool.Known || pool.Unlimited || pool.Size >= n.need || pool.Size < n.puma {
			// Below Puma's own threads puma-threads-exceed-pool speaks.
			continue
		}
		o := threadsOverPool{Process: p, DB: db, Threads: n.jobs, Pool: pool}
		key := ""
		if !pool.Span.IsZero() {
			key = fmt.Sprintf("%s|%d|%d", pool.Span.File, pool.Span.Start.Offset, pool.Size)
		}
		if i, seen := at[key]; seen && key != "" {
			found[i].o.Shared = append(found[i].o.Shared, db)
			if n.need > found[i].n.need {
				found[i].n = n
			}
			continue
		}
		at[key] = len(found)
		found = append(found, over{o, n})
	}
	var out []Diagnostic
	for _, f := range found {
		d := jobDiagnostic(app, f.o, f.n.need, sqAsyncMessage(app, f.o, f.n))
		if !f.n.modeAt.IsZero() {
			d.Related = relatedUnlessSame(d.Span, append(d.Related, Related{Span: f.n.modeAt, Message: "async mode is chosen here"}))
		}
		out = append(out, d)
	}
	return out
}

func sqAsyncMessage(app *rails.App, o threadsOverPool, n sqAsyncNeed) string {
	p := o.Process
	var where, whose string
	switch {
	case p.Kind != rails.PumaProcess:
		where = p.Describe()
		whose = fmt.Sprintf("%d job threads", n.jobs.Max)
	case n.master:
		where = "the master process of " + p.Describe() + " (Puma runs workers: the plugin's supervisor runs in the master)"
		whose = fmt.Sprintf("%d job threads", n.jobs.Max)
	default:
		where = p.Describe() + ", the same process that serves requests"
		whose = fmt.Sprintf("%d request threads and %d job threads", n.puma, n.jobs.Max)
	}
	extra := ""
	if n.onQueue && n.workers > 0 {
		extra = " + " + strconv.Itoa(2*n.workers) + " for the " + pluralWord(n.workers, "worker's", "workers'") + " polling thread and heartbeat on Solid Queue's database"
	}
	return fmt.Sprintf("Solid Queue runs in async mode (%s) in %s: %s (%s)%s share one pool and need %d connections, but the %s %d (%s): %s%s",
		n.modeFrom, where, whose, n.jobs.Source, extra, n.need, o.poolIs(), o.Pool.Size, o.Pool.Source(),
		"requests and jobs wait for a connection and raise ActiveRecord::ConnectionTimeoutError",
		assumptions(n.jobs.Unset, o.Pool.Unset, p.Unset))
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
