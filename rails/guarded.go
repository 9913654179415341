package rails

import (
	"slices"

	"github.com/poollint/poollint/parser"
)

// Guarded is the value of one DSL call (`threads 5, 5`, `workers 2`) that
// applies only when the conditions around it hold: puma.rb files wrap
// settings in `if ENV["RAILS_ENV"] == "production"` or end them with
// `if worker_count > 1`.
type Guarded struct {
	Value *Value
	Call  parser.Call
	Span  parser.Span // the whole call
	Conds []*Value    // every one must be truthy
	keys  []condKey   // what each of Conds tests, for enumeration (guarded_variants.go)
}

// Applies reports whether the call runs in env. A condition poollint
// cannot decide (an expression it cannot evaluate, a bare ENV["X"] the
// environment does not give) counts as true: the setting is written to
// be used.
func (g *Guarded) Applies(env Env) bool {
	for _, c := range g.Conds {
		if truth, ok := decideCondition(c, env); ok && !truth {
			return false
		}
	}
	return true
}

// lastApplying returns the call that wins in env: the DSL keeps the last.
// When conditions poollint cannot decide choose between calls, it is the
// worst case among them, the largest value (guarded_variants.go): `if
// n.positive? then workers n else workers 0 end` is not 0 workers.
func lastApplying(gs []*Guarded, env Env) *Guarded {
	if len(undecidedKeys(gs, env)) == 0 {
		return lastDecided(gs, env) // the one variant: no list to build
	}
	return worstByValue(Variants(gs, env), env).Call
}

// guardedOf reads calls (top-level calls of r, see callsNamed), with
// value built by arg (nil arg: no value).
func guardedOf(r *parser.RubyFile, calls []parser.Call, arg func(parser.Call) *Value) []*Guarded {
	if len(calls) == 0 {
		return nil
	}
	out := make([]*Guarded, 0, len(calls))
	for _, c := range calls {
		conds, keys := guardsOf(r, c.Node, true)
		g := &Guarded{Call: c, Span: r.Span(c.Node), Conds: conds, keys: keys}
		if arg != nil {
			g.Value = arg(c)
		}
		out = append(out, g)
	}
	return out
}

// callsNamed keeps the calls of the given method names, in order: what
// r.TopLevelCalls(names...) returns, read from one walk of all of them.
func callsNamed(calls []parser.Call, names ...string) []parser.Call {
	var out []parser.Call
	for _, c := range calls {
		if slices.Contains(names, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// conditionsOf turns the if/unless/ternary/modifier/case conditions
// enclosing n into condition values, negated where n sits in an else
// branch or under `unless`.
func conditionsOf(r *parser.RubyFile, n *parser.Node) []*Value {
	conds, _ := guardsOf(r, n, false)
	return conds
}

// guardsOf is conditionsOf and, when withKeys, what each condition tests
// (conditionKey), from one look at the enclosing conditions.
func guardsOf(r *parser.RubyFile, n *parser.Node, withKeys bool) ([]*Value, []condKey) {
	var out []*Value
	var keys []condKey
	for _, c := range r.EnclosingConditions(n) {
		if c.Cond == nil {
			continue
		}
		if withKeys {
			keys = append(keys, conditionKey(r, c))
		}
		if caseBranch(c) {
			// The subject is matched against the when patterns; the else
			// branch runs when none matched.
			v := caseMatch(r, c)
			if c.InElse {
				v = Not(v)
			}
			out = append(out, v)
			continue
		}
		v := ValueFromRuby(r, c.Cond)
		if c.Negated != c.InElse {
			v = Not(v)
		}
		out = append(out, v)
	}
	return out, keys
}

// caseBranch reports whether c is a `when`/`in` branch or a case's else.
func caseBranch(c parser.Condition) bool {
	switch c.Node.Type() {
	case "when", "in_clause", "case", "case_match":
		return true
	}
	return false
}

// caseMatch is the condition "the case subject matches one of c's
// patterns"; with no pattern it is unknown.
func caseMatch(r *parser.RubyFile, c parser.Condition) *Value {
	subj := ValueFromRuby(r, c.Cond)
	if len(c.Patterns) == 0 {
		return Unknown("a case branch without patterns", subj.Span, subj.Text)
	}
	v := &Value{Op: OpCaseEq, Args: []*Value{subj}, Span: r.Span(c.Node), Text: r.Text(c.Node)}
	for _, p := range c.Patterns {
		v.Args = append(v.Args, ValueFromRuby(r, p))
	}
	return v
}

// topStatements returns the statements of a parsed file or snippet.
func topStatements(r *parser.RubyFile) []*parser.Node {
	var out []*parser.Node
	for i := 0; i < int(r.Root.NamedChildCount()); i++ {
		if c := r.Root.NamedChild(i); c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}
