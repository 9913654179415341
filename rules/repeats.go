package rules

import (
	"reflect"

	"github.com/poollint/poollint/parser"
)

// dropRepeats keeps one of each finding that says the same thing at the
// same place: one rule, severity, span and message, with the same related
// places and fix. Deployments that share a file — the Kamal destinations
// merged over one config/deploy.yml, all running the same Dockerfile —
// each reach its spans, and a rule that checks deployment by deployment
// would otherwise print the identical finding once per deployment.
// Findings that differ in anything the reader sees are all kept.
func dropRepeats(ds []Diagnostic) []Diagnostic {
	type place struct {
		rule, message string
		severity      Severity
		span          parser.Span
	}
	seen := make(map[place][]int, len(ds))
	out := ds[:0]
	for _, d := range ds {
		k := place{d.Rule, d.Message, d.Severity, d.Span}
		repeat := false
		for _, i := range seen[k] {
			if reflect.DeepEqual(out[i].Related, d.Related) && reflect.DeepEqual(out[i].Fix, d.Fix) {
				repeat = true
				break
			}
		}
		if repeat {
			continue
		}
		seen[k] = append(seen[k], len(out))
		out = append(out, d)
	}
	return out
}
