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
					span := locate(o, false)
					out = append(out, Diagnostic{
						Severity: Error,
						Span:     span,
						Message: fmt.Sprintf("Puma runs up to %d threads (%s) in %s but the %s %d (%s): requests will wait and raise ActiveRecord::ConnectionTimeoutError%s",
							o.Threads.Max, o.Threads.Source, p.Describe(), o.poolIs(), o.Pool.Size, o.Pool.Source(), assumptions(o.Threads.Unset, o.Pool.Unset, p.Unset)),
						Related: poolRelated(o, span),
						Fix:     pumaPoolFix(app, o),
					})
				}
			}
			return dedupe(out)
		},
	}
}

// pumaPoolFix raises the pool in database.yml, else lowers the threads
// where the deployment sets them.
func pumaPoolFix(app *rails.App, o threadsOverPool) *Fix {
	if fix := poolFix(app, o, o.Threads.Max, true); fix != nil {
		return fix
	}
	return lowerThreadsFix(app, o, app.PumaThreads)
}
