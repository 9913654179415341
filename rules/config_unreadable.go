package rules

import "github.com/poollint/poollint/rails"

func configUnreadable() *Rule {
	return &Rule{
		ID:       "config-unreadable",
		Severity: Warning,
		Summary:  "a config file cannot be read or statically understood, or a fact had to be assumed",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.Problems {
				sev := Warning
				if p.Assumed {
					sev = Info
				}
				out = append(out, Diagnostic{Severity: sev, Span: p.Span, Message: p.Message})
			}
			return out
		},
	}
}
