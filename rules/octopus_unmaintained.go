package rules

import (
	"fmt"

	"github.com/poollint/poollint/rails"
)

// octopusUnmaintained advises leaving ar-octopus on Rails >= 6.0: its last
// release is 0.10.2 (2019), its CI covers Rails 4.2 to 5.2 and Rails 6
// support was never merged; Rails 6 has multiple databases built in
// (facts 7).
func octopusUnmaintained() *Rule {
	return &Rule{
		ID:       "octopus-unmaintained",
		Severity: Info,
		Summary:  "ar-octopus on Rails >= 6.0 is unmaintained; use Rails' multiple databases",
		Check: func(app *rails.App) []Diagnostic {
			o := app.Octopus
			if o == nil || !app.Versions.RailsAtLeast("6.0.0") {
				return nil
			}
			on := "the newest Rails (no version locked)"
			if v := app.Versions.Rails(); v != "" {
				on = "Rails " + v
			}
			return []Diagnostic{{
				Severity: Info,
				Span:     o.GemSpan,
				Message: fmt.Sprintf("ar-octopus %s runs on %s, which Octopus never supported: its last release is 0.10.2 (2019-03-10), its CI covers Rails 4.2 to 5.2 and Rails 6 support was never merged; its maintainer points to Rails' built-in multiple databases (connects_to, replicas, horizontal sharding)",
					o.Version, on),
			}}
		},
	}
}
