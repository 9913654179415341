package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

func forkWithoutDisconnect() *Rule {
	return &Rule{
		ID:       "fork-without-disconnect",
		Severity: Warning,
		Summary:  "app code forks with Active Record loaded and no disconnect before the fork (warning on Rails < 4.0, info on 4.0–5.1)",
		Check: func(app *rails.App) []Diagnostic {
			ff := forkBehaviour(app, app.RailsEnv)
			if ff.Mode == forkHandled {
				return nil
			}
			var out []Diagnostic
			for _, s := range app.ForkSites {
				if !s.ARLoaded || s.Disconnect != nil {
					continue
				}
				out = append(out, Diagnostic{
					Severity: ff.disconnectSeverity(Warning),
					Span:     s.Span,
					Message: fmt.Sprintf("forking with %s while Active Record is loaded and no ActiveRecord::Base.connection_pool.disconnect! before it: %s",
						s.What, ff.forkSiteConsequence()),
				})
			}
			return out
		},
	}
}
