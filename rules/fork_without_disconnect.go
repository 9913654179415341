package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

func forkWithoutDisconnect() *Rule {
	return &Rule{
		ID:       "fork-without-disconnect",
		Severity: Warning,
		Summary:  "app code forks with Active Record loaded and no disconnect before the fork (Rails < 5.2)",
		Check: func(app *rails.App) []Diagnostic {
			ver, unsafe := forkUnsafeRails(app)
			if !unsafe {
				return nil
			}
			var out []Diagnostic
			for _, s := range app.ForkSites {
				if !s.ARLoaded || s.Disconnect != nil {
					continue
				}
				out = append(out, Diagnostic{
					Severity: Warning,
					Span:     s.Span,
					Message: fmt.Sprintf("forking with %s while Active Record is loaded and no ActiveRecord::Base.connection_pool.disconnect! before it: on Rails %s the child inherits the parent's database connection and both use one socket; disconnect in the parent before forking and call ActiveRecord::Base.establish_connection in the child",
						s.What, ver),
				})
			}
			return out
		},
	}
}
