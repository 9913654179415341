package rails

import (
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// A DSL file written `if n.positive? then workers n else workers 0 end`
// must not be read as "both branches run, the last wins". Each condition
// is decided in the process's environment; those that stay unknown are
// enumerated (each assumed true and false), and every call that can win
// under some assumption is a Variant. Consumers take the worst case and
// name the assumption. A bare ENV["X"] with no default that the
// environment does not give is undecided, as in the ERB renderer
// (decideCondition): the app may run with X set or not.

// maxAssumedConditions bounds the enumeration (2^n assignments); further
// unknown conditions count as true, as before enumeration existed.
const maxAssumedConditions = 6

// condKey identifies one condition construct (an if, a when branch, a
// modifier) across the calls it governs, and which way it must go.
type condKey struct {
	id      string // file and byte range of the construct
	text    string // for messages: the condition as written
	negated bool   // the call runs when the condition is false
}

// Variant is one way a list of calls resolves.
type Variant struct {
	Call *Guarded // nil: no call applies (the default does)
	// When names the assumptions this variant rests on, for messages
	// ("when `n.positive?` is false"); "" when every condition was decided.
	When string
}

// conditionKey describes one enclosing condition (guardsOf gives one key
// per condition value, in the same order).
func conditionKey(r *parser.RubyFile, c parser.Condition) condKey {
	k := condKey{id: r.File.Path + ":" + strconv.Itoa(int(c.Node.StartByte())) + "-" + strconv.Itoa(int(c.Node.EndByte()))}
	if caseBranch(c) {
		var pats []string
		for _, p := range c.Patterns {
			pats = append(pats, oneLine(r.Text(p)))
		}
		k.text = "`" + oneLine(r.Text(c.Cond)) + "` matches `" + strings.Join(pats, ", ") + "`"
		k.negated = c.InElse
	} else {
		k.text = "`" + oneLine(r.Text(c.Cond)) + "`"
		k.negated = c.Negated != c.InElse
	}
	return k
}

// Variants returns every call of gs that can win in env (the DSL keeps the
// last applying call), with nil for "none applies" when that can happen,
// in order of first appearance over the enumeration. With every condition
// decided there is exactly one variant and When is "".
func Variants(gs []*Guarded, env Env) []Variant {
	unknown := undecidedKeys(gs, env)
	enumerated := unknown
	if len(enumerated) > maxAssumedConditions {
		enumerated = enumerated[:maxAssumedConditions]
	}
	if len(enumerated) == 0 {
		// Every condition decided (the usual case): one variant, what
		// the loop below finds for its one mask, without its maps.
		last := lastDecided(gs, env)
		return []Variant{{Call: last, When: describeAssumptions(last, nil, nil, env)}}
	}
	var out []Variant
	found := map[*Guarded]bool{}
	// One map for every mask: each mask sets every enumerated key, and
	// nothing keeps the map past its iteration.
	assumed := make(map[string]bool, len(enumerated))
	for mask := 0; mask < 1<<len(enumerated); mask++ {
		for i, k := range enumerated {
			assumed[k.id] = mask&(1<<i) != 0
		}
		var last *Guarded
		for _, g := range gs {
			if g.appliesAssuming(env, assumed) {
				last = g
			}
		}
		if found[last] {
			continue
		}
		found[last] = true
		out = append(out, Variant{Call: last, When: describeAssumptions(last, enumerated, assumed, env)})
	}
	return out
}

// lastDecided is the last call of gs that applies in env, undecided
// conditions counting as true: the one variant when none is enumerated.
func lastDecided(gs []*Guarded, env Env) *Guarded {
	var last *Guarded
	for _, g := range gs {
		if g.appliesAssuming(env, nil) {
			last = g
		}
	}
	return last
}

// undecidedKeys lists, once each, the conditions of gs that env does not
// decide and that can be enumerated.
func undecidedKeys(gs []*Guarded, env Env) []condKey {
	var unknown []condKey
	var seen map[string]bool
	for _, g := range gs {
		for i, c := range g.Conds {
			if _, ok := decideCondition(c, env); ok || i >= len(g.keys) {
				continue
			}
			if k := g.keys[i]; !seen[k.id] {
				if seen == nil {
					seen = map[string]bool{}
				}
				seen[k.id] = true
				unknown = append(unknown, k)
			}
		}
	}
	return unknown
}

// appliesAssuming is Applies with the unknown conditions in assumed taken
// as given; unknown ones not in assumed count as true.
func (g *Guarded) appliesAssuming(env Env, assumed map[string]bool) bool {
	for i, c := range g.Conds {
		truth, ok := decideCondition(c, env)
		if !ok {
			if i >= len(g.keys) {
				continue
			}
			k := g.keys[i]
			a, has := assumed[k.id]
			if !has {
				continue
			}
			truth = a != k.negated
		}
		if !truth {
			return false
		}
	}
	return true
}

// describeAssumptions names what a variant assumed: the winner's own
// undecided conditions, or, when no call applies, every enumerated one.
func describeAssumptions(winner *Guarded, enumerated []condKey, assumed map[string]bool, env Env) string {
	var keys []condKey
	if winner != nil {
		for i, c := range winner.Conds {
			if _, ok := decideCondition(c, env); !ok && i < len(winner.keys) {
				keys = append(keys, winner.keys[i])
			}
		}
	} else {
		keys = enumerated
	}
	var parts []string
	var done map[string]bool
	for _, k := range keys {
		a, has := assumed[k.id]
		if !has || done[k.id] {
			continue
		}
		if done == nil {
			done = map[string]bool{}
		}
		done[k.id] = true
		verb := " holds"
		if !a {
			verb = " does not hold"
		}
		parts = append(parts, k.text+verb)
	}
	if len(parts) == 0 {
		return ""
	}
	return "when " + strings.Join(parts, " and ")
}

// worstByValue picks, among the variants, the call whose value evaluates
// to the largest integer (true counts as 1): the worst case for counts of
// threads, workers and processes. A call beats no call; a call with an
// unknown value loses to one with a known value.
func worstByValue(vs []Variant, env Env) Variant {
	best, bestRank, bestN := Variant{}, -1, 0
	for _, v := range vs {
		rank, n := 0, 0
		if v.Call != nil && v.Call.Value == nil {
			rank = 2 // a call without a value (prune_bundler): it applies
		} else if v.Call != nil {
			rank = 1
			r := v.Call.Value.EvalRaw(env)
			switch r.Kind {
			case RInt, RBool:
				rank, n = 2, r.Int
			case RStr:
				if i, err := strconv.Atoi(strings.TrimSpace(r.Str)); err == nil {
					rank, n = 2, i
				}
			}
		}
		if rank > bestRank || (rank == 2 && bestRank == 2 && n > bestN) {
			best, bestRank, bestN = v, rank, n
		}
	}
	return best
}
