package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

func pumaThreadsExceedPool() *Rule {
	return &Rule{
		ID:       "puma-threads-exceed-pool",
		Severity: Error,
		Fixable:  "safe",
		Summary:  "a Puma process runs more threads than its Active Record pool holds",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.ProcessesOf(rails.PumaProcess) {
				for _, o := range overPool(app, p, app.PumaThreads(p)) {
					out = append(out, Diagnostic{
						Severity: Error,
						Span:     locate(o, false),
						Message: fmt.Sprintf("Puma runs up to %d threads (%s) in %s but the %s pool is %d (%s): requests will wait and raise ActiveRecord::ConnectionTimeoutError%s",
							o.Threads.Max, o.Threads.Source, p.Describe(), o.DB.Describe(), o.Pool.Size, o.Pool.Source(), assumptions(o.Threads.Unset, o.Pool.Unset, p.Unset)),
						Related: append([]Related{{Span: o.Pool.Span, Message: poolNote(o)}}, deploymentRelated(p, o.Threads.Value, poolValue(o.Pool))...),
						Fix:     poolFix(app, o, o.Threads.Max, true),
					})
				}
			}
			return dedupe(out)
		},
	}
}
