package rules

import (
	"sort"

	"github.com/poollint/poollint/rails"
)

// deploymentRelated points at the deployment file lines that set the
// variables a finding's numbers read ("RAILS_MAX_THREADS is 10 here, in
// the env clear of config/deploy.yml"): the number in the message came
// from there, and that is where a user changes it.
func deploymentRelated(p *rails.Process, values ...*rails.Value) []Related {
	seen := map[string]bool{}
	var names []string
	for _, v := range values {
		if v == nil {
			continue
		}
		for _, n := range v.Vars() {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	var out []Related
	for _, n := range names {
		if in, ok := p.ScriptAssign(n); ok {
			// Set by a script the command runs: point there, and at the
			// deployment's value when the script only defaults it.
			out = append(out, Related{Span: in.Span, Message: n + " is set to " + in.Value.Raw + " here, on the way from the deployment's command to the process"})
		}
		dv, ok := p.DeploymentVar(n)
		if !ok {
			continue
		}
		msg := n + " is " + dv.Value + " here (" + dv.Source + ")"
		switch {
		case dv.Secret && dv.FilledBy != "":
			msg = n + " is " + dv.FilledBy + " here (" + dv.Source + "): its value is not in the file"
		case dv.Secret:
			msg = n + " is a secret here (" + dv.Source + "): its value was not read"
		}
		out = append(out, Related{Span: dv.Span, Message: msg})
	}
	return out
}

// poolValue is the expression a pool is read from, or nil.
func poolValue(pool rails.Pool) *rails.Value {
	if pool.Setting == nil {
		return nil
	}
	return pool.Setting.Value
}
