package rules

import "github.com/poollint/poollint/rails"

// configNotModeled reports what poollint could not model in a valid file
// (an ERB construct or Ruby it does not run) and every fact it had to
// assume. It is poollint's limit, not the app's bug: always info, so it
// never fails a default run (DESIGN.md "Unreadable versus not modelled").
func configNotModeled() *Rule {
	return &Rule{
		ID:       "config-not-modeled",
		Severity: Info,
		Summary:  "part of a valid config could not be modelled, or a fact had to be assumed",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.Problems {
				if p.Assumed || p.NotModeled {
					out = append(out, Diagnostic{Severity: Info, Span: p.Span, Message: p.Message})
				}
			}
			return append(out, undisclosedEnv(app)...)
		},
	}
}
