package rules

import (
	"math"
	"strconv"
	"strings"

	"github.com/poollint/poollint/rails"
)

// smallestCovering returns the smallest value above the written default
// leaf, up to need, that makes v cover every demand when written in its
// place; false when none does.
//
// It is computed, not searched: a search upward one value at a time took
// seconds for `threads 5, 100000000` and never ended for a thread count
// near the top of int64 (the counter wrapped). For each demand the bound
// the pool must reach is carried down the path from the root of v to the
// leaf, inverting each operation on the way (a sum subtracts the other
// term, a product divides by it, rounding up); the answer is the largest
// of those bounds, then checked with covers. A path through an operation
// that does not grow with the leaf (a subtraction of it, a condition on
// it) gets no fix: false positives are worse than misses.
func smallestCovering(v, leaf *rails.Value, demands []poolDemand, need int) (int, bool) {
	from := leaf.Int
	if leaf.Op == rails.OpStr {
		from, _ = strconv.Atoi(strings.TrimSpace(leaf.Str))
	}
	path := pathTo(v, leaf)
	if path == nil {
		return 0, false
	}
	lo, _ := rails.SatAdd(from, 1)
	n := max(lo, 1)
	for _, d := range demands {
		target := d.Min
		if d.OldKnown {
			target = max(target, d.Old)
		}
		b, met, ok := leafBound(path, target, d.Env)
		switch {
		case !ok:
			return 0, false
		case !met:
			n = max(n, b)
		}
	}
	if n > need || !covers(substitute(v, leaf, n), demands) {
		return 0, false
	}
	return n, true
}

// pathTo is the chain of nodes from v down to leaf (both included), nil
// when leaf is not in v. Iterative: a hostile file may nest deeply.
func pathTo(v, leaf *rails.Value) []*rails.Value {
	type frame struct {
		n    *rails.Value
		next int
	}
	if v == nil {
		return nil
	}
	stack := []frame{{n: v}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.n == leaf {
			out := make([]*rails.Value, len(stack))
			for i, f := range stack {
				out[i] = f.n
			}
			return out
		}
		if top.next >= len(top.n.Args) {
			stack = stack[:len(stack)-1]
			continue
		}
		child := top.n.Args[top.next]
		top.next++
		if child != nil {
			stack = append(stack, frame{n: child})
		}
	}
	return nil
}

// leafBound is the least value the leaf (the last node of path) must hold
// for the root (the first) to evaluate to at least target in env; met
// when the root reaches target whatever the leaf holds; ok false when the
// root's value does not grow with the leaf along path, or cannot reach
// target.
func leafBound(path []*rails.Value, target int, env rails.Env) (bound int, met, ok bool) {
	rootTarget := target
	for i := 0; i < len(path)-1; i++ {
		switch next, s := childBound(path[i], path[i+1], target, env); s {
		case boundPass:
			target = next
		case boundMet:
			return 0, true, true
		case boundElsewhere:
			// The leaf does not decide the root in env: what the rest of
			// the expression gives meets the demand or not.
			r := path[0].Eval(env)
			return 0, true, r.Kind == rails.RInt && r.Int >= rootTarget
		default:
			return 0, false, false
		}
	}
	return target, false, true
}

type boundStep int

const (
	boundFail      boundStep = iota // no leaf value works, or the node does not grow with it
	boundPass                       // the child must reach the returned bound
	boundMet                        // the node reaches the target whatever the child holds
	boundElsewhere                  // the node's value does not come from the child in env
)

// childBound inverts one node: for node to be at least target, what must
// child (one of its arguments, on the way to the leaf) be?
func childBound(node, child *rails.Value, target int, env rails.Env) (int, boundStep) {
	args := node.Args
	other := func() (int, bool) {
		for _, a := range args {
			if a != child {
				r := a.EvalRaw(env)
				return r.Int, r.Kind == rails.RInt
			}
		}
		return 0, false
	}
	switch node.Op {
	case rails.OpToI, rails.OpInteger, rails.OpPresence:
		return target, boundPass
	case rails.OpAdd:
		k, ok := other()
		if !ok || len(args) != 2 {
			return 0, boundFail
		}
		n, _ := rails.SatSub(target, k)
		return n, boundPass
	case rails.OpSub:
		k, ok := other()
		if !ok || len(args) != 2 || args[0] != child {
			return 0, boundFail
		}
		n, sat := rails.SatAdd(target, k)
		if sat && n == math.MaxInt {
			return 0, boundFail
		}
		return n, boundPass
	case rails.OpMul:
		k, ok := other()
		if !ok || len(args) != 2 || k <= 0 {
			return 0, boundFail
		}
		return ceilDiv(target, k), boundPass
	case rails.OpMax, rails.OpMin:
		best, first := 0, true
		for _, a := range args {
			if a == child {
				continue
			}
			r := a.Eval(env) // numeric strings read as numbers, as [].max does
			if r.Kind != rails.RInt {
				return 0, boundFail
			}
			if first || (node.Op == rails.OpMax && r.Int > best) || (node.Op == rails.OpMin && r.Int < best) {
				best, first = r.Int, false
			}
		}
		switch {
		case first:
			return target, boundPass
		case node.Op == rails.OpMax && best >= target:
			return 0, boundMet
		case node.Op == rails.OpMin && best < target:
			return 0, boundFail
		}
		return target, boundPass
	case rails.OpEnv:
		if val, set := env.Lookup(node.Str); env.Undisclosed(node.Str) || set && !(node.Style == rails.ShellColonDef && val == "") {
			return 0, boundElsewhere
		}
		return target, boundPass
	case rails.OpOr:
		if args[0] == child {
			return target, boundPass
		}
		r := args[0].EvalRaw(env)
		switch {
		case r.Kind == rails.RUnknown:
			return 0, boundFail
		case r.Kind == rails.RNil || (r.Kind == rails.RBool && r.Int == 0):
			return target, boundPass
		}
		return 0, boundElsewhere
	case rails.OpIfSidekiq:
		if (args[0] == child) == env.Sidekiq {
			return target, boundPass
		}
		return 0, boundElsewhere
	case rails.OpIf:
		if args[0] == child {
			return 0, boundFail
		}
		truth, known := rails.Truthy(args[0], env)
		if !known {
			return 0, boundFail
		}
		if (args[1] == child) == truth {
			return target, boundPass
		}
		return 0, boundElsewhere
	}
	return 0, boundFail
}

// ceilDiv is a/b rounded toward +inf, for b > 0.
func ceilDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}
