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
}

// overPool returns, for each database config of p's environment whose
// known pool is smaller than the known threads t, the comparison.
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
	return out
}

// poolNote is what the related location says about the pool.
func poolNote(o threadsOverPool) string {
	if o.Pool.Default {
		return fmt.Sprintf("%s has no pool key: Active Record's default %d applies", o.DB.Describe(), o.Pool.Size)
	}
	return fmt.Sprintf("the %s pool is %d here", o.DB.Describe(), o.Pool.Size)
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
