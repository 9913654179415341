package rules

import "github.com/poollint/poollint/rails"

// configUnreadable reports a file the app loads that its own loader would
// refuse too (invalid YAML, a Ruby syntax error, an unterminated ERB tag,
// a binary or unreadable file): the app breaks, so a warning that fails a
// default run. What poollint merely cannot model is config-not-modeled.
func configUnreadable() *Rule {
	return &Rule{
		ID:       "config-unreadable",
		Severity: Warning,
		Summary:  "a config file the app loads is broken: invalid YAML or Ruby, or not readable",
		Check: func(app *rails.App) []Diagnostic {
			var out []Diagnostic
			for _, p := range app.Problems {
				if !p.Assumed && !p.NotModeled {
					out = append(out, Diagnostic{Severity: Warning, Span: p.Span, Message: p.Message})
				}
			}
			return out
		},
	}
}
