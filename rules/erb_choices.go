package rules

import (
	"strings"

	"github.com/poollint/poollint/rails"
)

// withERBChoices names, in each finding about a YAML template whose ERB
// conditions could not be decided, the branch the model read: the worst
// case, which holds only under that condition.
func withERBChoices(app *rails.App, d Diagnostic) Diagnostic {
	if len(app.ERBChoices) == 0 || d.Rule == "config-not-modeled" || d.Rule == "config-unreadable" {
		return d
	}
	files := map[string]bool{d.Span.File: true}
	for _, r := range d.Related {
		files[r.Span.File] = true
	}
	byFile := map[string][]string{}
	var order []string
	for _, c := range app.ERBChoices {
		if !files[c.File] {
			continue
		}
		if byFile[c.File] == nil {
			order = append(order, c.File)
		}
		byFile[c.File] = append(byFile[c.File], c.When)
	}
	for _, f := range order {
		ws := byFile[f]
		if len(ws) == 1 && strings.HasSuffix(ws[0], " renders "+f) { // an include
			d.Message += " (" + strings.TrimPrefix(ws[0], "when ") + ", the worst case of its ERB)"
			continue
		}
		d.Message += " (" + f + " read " + strings.Join(ws, " and ") + ", the worst case of its ERB)"
	}
	return d
}
