// Package rails builds the model of one Rails app as it runs: its versions,
// its processes and their environments, its database configs and the
// Puma/Unicorn/Sidekiq/Octopus/Solid Queue/GoodJob settings. Every number is
// a symbolic Value that remembers where it was written and is evaluated per
// process environment. The model never decides what is wrong: rules do.
package rails

import (
	"sort"
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// Op is the operation of one node of a Value expression.
type Op int

const (
	OpUnknown            Op = iota // could not be read statically; Str holds the reason
	OpInt                          // integer literal Int
	OpStr                          // string literal Str
	OpNil                          // nil, or an empty ERB rendering
	OpEnv                          // ENV var Str; Args[0] is the written default or nil
	OpOr                           // Ruby `a || b`
	OpPresence                     // ActiveSupport `x.presence`
	OpToI                          // `x.to_i` (nil and junk become 0, as Ruby does)
	OpInteger                      // `Integer(x)` (raises on nil or junk)
	OpMax                          // `[a, b].max`
	OpMin                          // `[a, b].min`
	OpAdd                          // a + b
	OpSub                          // a - b
	OpMul                          // a * b
	OpIfSidekiq                    // `Sidekiq.server? ? Args[0] : Args[1]`
	OpIf                           // `Args[0] ? Args[1] : Args[2]`, if/else, case-less
	OpEq                           // Args[0] == Args[1]
	OpNe                           // Args[0] != Args[1]
	OpGt                           // Args[0] > Args[1]
	OpSidekiqConcurrency           // Sidekiq.options[:concurrency], config[:concurrency]
	OpCaseEq                       // a `when` branch: Args[0] (the case subject) === one of Args[1:]
	OpRange                        // Args[0]..Args[1] as a `when` pattern (OpNil for an open end); Int 1 for `...`
)

// EnvStyle says how an unset or empty variable falls back to its default.
type EnvStyle int

const (
	EnvIndex      EnvStyle = iota // ENV["X"]: unset is nil
	EnvFetch                      // ENV.fetch("X", d) / { d }: unset uses d; no d raises KeyError
	ShellDefault                  // ${X-d}: unset uses d
	ShellColonDef                 // ${X:-d}: unset or empty uses d
	ShellPlain                    // $X: unset is the empty string
)

// Value is a small expression tree for an integer setting, as written.
type Value struct {
	Op    Op
	Int   int
	Str   string // OpStr text, OpEnv name, OpUnknown reason
	Style EnvStyle
	Args  []*Value
	Span  parser.Span // where the expression is written
	Text  string      // the source text of the expression
}

// Lit is a literal integer written at span.
func Lit(n int, span parser.Span, text string) *Value {
	return &Value{Op: OpInt, Int: n, Span: span, Text: text}
}

// Unknown is a value that cannot be read statically, with the reason.
func Unknown(reason string, span parser.Span, text string) *Value {
	return &Value{Op: OpUnknown, Str: reason, Span: span, Text: text}
}

// ResultKind is the Ruby type an expression evaluates to.
type ResultKind int

const (
	RUnknown ResultKind = iota
	RInt
	RStr
	RNil
	RBool // Int is 1 for true, 0 for false
)

// Result is what a Value evaluates to in one environment. Unset lists the
// variables that were read, were unset, and so made a written default apply:
// messages say "with RAILS_MAX_THREADS unset".
type Result struct {
	Kind   ResultKind
	Int    int
	Str    string
	Reason string // for RUnknown
	// Present is set on an unknown result that is a value all the same
	// (a variable the deployment sets without writing it): Ruby finds
	// it truthy and not nil.
	Present bool
	Unset   []string
	// Saturated is set when arithmetic on the way overflowed int64 and
	// stopped at the end of the range (SatAdd): Int is then a bound.
	Saturated bool
}

// Known reports whether the result is an integer poollint can compare.
func (r Result) Known() bool { return r.Kind == RInt }

// Env is the environment one process evaluates values in.
type Env struct {
	Vars    map[string]string
	Sidekiq bool // the process is a Sidekiq server (Sidekiq.server? is true)
	// SidekiqConcurrency is what Sidekiq.options[:concurrency] reads in
	// this process; 0 when unknown.
	SidekiqConcurrency int
}

// Lookup returns a variable of the environment.
// A variable set to a value the deployment does not write reads as
// unset here (Has and Value evaluation see it as set).
func (e Env) Lookup(name string) (string, bool) {
	v, ok := e.Vars[name]
	if v == undisclosedValue {
		return "", false
	}
	return v, ok
}

// Eval evaluates v in env, as Ruby (or the shell) would, then as the
// consumer reads it: numeric strings become integers, the way YAML reads an
// ERB rendering and Puma/Sidekiq call Integer() on their settings.
func (v *Value) Eval(env Env) Result {
	if v == nil {
		return Result{Kind: RNil}
	}
	unset := map[string]bool{}
	r := v.eval(env, unset)
	if r.Kind == RStr {
		if n, err := strconv.Atoi(strings.TrimSpace(r.Str)); err == nil {
			r = Result{Kind: RInt, Int: n}
		} else if strings.TrimSpace(r.Str) == "" {
			r = Result{Kind: RNil}
		} else {
			r = Result{Kind: RUnknown, Reason: "not a number: " + strconv.Quote(r.Str)}
		}
	}
	for name := range unset {
		r.Unset = append(r.Unset, name)
	}
	sort.Strings(r.Unset)
	return r
}

func (v *Value) eval(env Env, unset map[string]bool) Result {
	switch v.Op {
	case OpInt:
		return Result{Kind: RInt, Int: v.Int}
	case OpStr:
		return Result{Kind: RStr, Str: v.Str}
	case OpNil:
		return Result{Kind: RNil}
	case OpEnv:
		return v.evalEnv(env, unset)
	case OpOr:
		a := v.Args[0].eval(env, unset)
		if a.Kind == RNil || (a.Kind == RBool && a.Int == 0) {
			return v.Args[1].eval(env, unset)
		}
		return a
	case OpPresence:
		a := v.Args[0].eval(env, unset)
		if a.Kind == RStr && strings.TrimSpace(a.Str) == "" {
			return Result{Kind: RNil}
		}
		return a
	case OpToI:
		return toI(v.Args[0].eval(env, unset))
	case OpInteger:
		return integer(v.Args[0].eval(env, unset))
	case OpMax, OpMin:
		return v.evalExtreme(env, unset)
	case OpAdd, OpSub, OpMul:
		return v.evalArith(env, unset)
	case OpIfSidekiq:
		if env.Sidekiq {
			return v.Args[0].eval(env, unset)
		}
		return v.Args[1].eval(env, unset)
	case OpIf:
		c := v.Args[0].eval(env, unset)
		switch {
		case c.Kind == RUnknown && c.Present:
			return v.Args[1].eval(env, unset)
		case c.Kind == RUnknown:
			return c
		case c.Kind == RNil || (c.Kind == RBool && c.Int == 0):
			return v.Args[2].eval(env, unset)
		}
		return v.Args[1].eval(env, unset)
	case OpEq, OpNe, OpGt:
		return absent(v.evalCompare(env, unset))
	case OpCaseEq:
		return absent(v.evalCaseEq(env, unset))
	case OpRange:
		return Result{Kind: RUnknown, Reason: "a range is not a number: " + v.Text}
	case OpSidekiqConcurrency:
		if env.SidekiqConcurrency > 0 {
			return Result{Kind: RInt, Int: env.SidekiqConcurrency}
		}
		return Result{Kind: RUnknown, Reason: "Sidekiq's concurrency is unknown here"}
	}
	return Result{Kind: RUnknown, Reason: v.Str}
}

func (v *Value) evalCompare(env Env, unset map[string]bool) Result {
	a := v.Args[0].eval(env, unset)
	b := v.Args[1].eval(env, unset)
	if v.Op != OpGt && (a.Present && b.Kind == RNil || b.Present && a.Kind == RNil) {
		return boolResult(v.Op == OpNe) // a set variable is never nil
	}
	if a.Kind == RUnknown {
		return a
	}
	if b.Kind == RUnknown {
		return b
	}
	if v.Op == OpGt {
		if a.Kind != RInt || b.Kind != RInt {
			return Result{Kind: RUnknown, Reason: "comparison of non-integers in " + v.Text}
		}
		return boolResult(a.Int > b.Int)
	}
	eq := a.Kind == b.Kind && a.Int == b.Int && a.Str == b.Str
	if v.Op == OpNe {
		eq = !eq
	}
	return boolResult(eq)
}

// evalCaseEq is a `when` branch: true when the subject matches one of
// the patterns as Ruby's === does for the values a config file compares
// (equal integers or strings, an integer inside a range); unknown as soon
// as a pattern before the match cannot be evaluated.
func (v *Value) evalCaseEq(env Env, unset map[string]bool) Result {
	subj := v.Args[0].eval(env, unset)
	if subj.Kind == RUnknown {
		return subj
	}
	for _, p := range v.Args[1:] {
		var m Result
		if p.Op == OpRange {
			m = p.rangeCovers(subj, env, unset)
		} else {
			m = sameValue(subj, p.eval(env, unset))
		}
		if m.Kind == RUnknown {
			return m
		}
		if m.Kind == RBool && m.Int == 1 {
			return m
		}
	}
	return boolResult(false)
}

// sameValue is Ruby's == on two evaluated values, as OpEq compares them.
func sameValue(a, b Result) Result {
	if b.Kind == RUnknown {
		return b
	}
	return boolResult(a.Kind == b.Kind && a.Int == b.Int && a.Str == b.Str)
}

// rangeCovers is Range#=== for an integer range; a subject that is not an
// integer is never inside one (Ruby's <=> gives nil, so === is false).
func (v *Value) rangeCovers(subj Result, env Env, unset map[string]bool) Result {
	lo, hi := v.Args[0].eval(env, unset), v.Args[1].eval(env, unset)
	for _, end := range []Result{lo, hi} {
		if end.Kind != RInt && end.Kind != RNil {
			return Result{Kind: RUnknown, Reason: "cannot evaluate the range " + v.Text}
		}
	}
	if subj.Kind != RInt {
		return boolResult(false)
	}
	in := (lo.Kind == RNil || subj.Int >= lo.Int) &&
		(hi.Kind == RNil || subj.Int < hi.Int || (v.Int == 0 && subj.Int == hi.Int))
	return boolResult(in)
}

func boolResult(b bool) Result {
	if b {
		return Result{Kind: RBool, Int: 1}
	}
	return Result{Kind: RBool}
}

func (v *Value) evalEnv(env Env, unset map[string]bool) Result {
	if env.Undisclosed(v.Str) {
		return undisclosedResult(v.Str)
	}
	val, ok := env.Lookup(v.Str)
	if ok && !(v.Style == ShellColonDef && val == "") {
		return Result{Kind: RStr, Str: val}
	}
	var def *Value
	if len(v.Args) > 0 {
		def = v.Args[0]
	}
	switch v.Style {
	case EnvIndex:
		unset[v.Str] = true
		return Result{Kind: RNil}
	case ShellPlain:
		unset[v.Str] = true
		return Result{Kind: RStr, Str: ""}
	}
	if def == nil {
		if v.Style == EnvFetch {
			return Result{Kind: RUnknown, Reason: "ENV.fetch(\"" + v.Str + "\") raises KeyError when " + v.Str + " is unset"}
		}
		unset[v.Str] = true
		return Result{Kind: RStr, Str: ""}
	}
	unset[v.Str] = true
	return def.eval(env, unset)
}

// toI is Ruby's String#to_i / Integer#to_i / nil.to_i.
func toI(r Result) Result {
	switch r.Kind {
	case RInt:
		return r
	case RNil:
		return Result{Kind: RInt}
	case RStr:
		s := strings.TrimLeft(r.Str, " \t\n")
		end := 0
		if end < len(s) && (s[end] == '-' || s[end] == '+') {
			end++
		}
		for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '_') {
			end++
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s[:end], "_", ""))
		if err != nil {
			n = 0
		}
		return Result{Kind: RInt, Int: n}
	}
	return r
}

// integer is Kernel#Integer: strict, raising on nil or junk.
func integer(r Result) Result {
	switch r.Kind {
	case RInt:
		return r
	case RStr:
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(r.Str), "_", ""))
		if err != nil {
			return Result{Kind: RUnknown, Reason: "Integer(" + strconv.Quote(r.Str) + ") raises ArgumentError"}
		}
		return Result{Kind: RInt, Int: n}
	case RNil:
		return Result{Kind: RUnknown, Reason: "Integer(nil) raises TypeError"}
	}
	return r
}

func (v *Value) evalExtreme(env Env, unset map[string]bool) Result {
	var best Result
	for i, a := range v.Args {
		r := a.eval(env, unset)
		if r.Kind == RStr {
			r = integer(r)
		}
		if r.Kind != RInt {
			if r.Kind == RNil {
				return Result{Kind: RUnknown, Reason: "comparison of nil in [].max"}
			}
			return r
		}
		if i == 0 || (v.Op == OpMax && r.Int > best.Int) || (v.Op == OpMin && r.Int < best.Int) {
			best = r
		}
	}
	return best
}

func (v *Value) evalArith(env Env, unset map[string]bool) Result {
	a := v.Args[0].eval(env, unset)
	b := v.Args[1].eval(env, unset)
	if a.Kind == RUnknown {
		return a
	}
	if b.Kind == RUnknown {
		return b
	}
	if a.Kind != RInt || b.Kind != RInt {
		return Result{Kind: RUnknown, Reason: "arithmetic on a non-integer in " + v.Text}
	}
	var n int
	var sat bool
	switch v.Op {
	case OpAdd:
		n, sat = SatAdd(a.Int, b.Int)
	case OpSub:
		n, sat = SatSub(a.Int, b.Int)
	default:
		n, sat = SatMul(a.Int, b.Int)
	}
	return Result{Kind: RInt, Int: n, Saturated: sat || a.Saturated || b.Saturated}
}

// Vars returns the environment variables the expression reads, sorted.
func (v *Value) Vars() []string {
	seen := map[string]bool{}
	v.Walk(func(n *Value) {
		if n.Op == OpEnv {
			seen[n.Str] = true
		}
	})
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Reads reports whether the expression reads the variable name.
func (v *Value) Reads(name string) bool {
	found := false
	v.Walk(func(n *Value) {
		if n.Op == OpEnv && n.Str == name {
			found = true
		}
	})
	return found
}

// Walk calls fn on v and every node below it, in pre-order.
func (v *Value) Walk(fn func(*Value)) {
	if v == nil {
		return
	}
	fn(v)
	for _, a := range v.Args {
		a.Walk(fn)
	}
}

// FirstEnv returns the first variable read in evaluation order of a plain
// chain (ENV.fetch("A") { ENV.fetch("B", 5) }, ENV["A"] || 5, Integer(...)),
// the variable a fix keeps when it raises only the written default.
func (v *Value) FirstEnv() *Value {
	var first *Value
	v.Walk(func(n *Value) {
		if first == nil && n.Op == OpEnv {
			first = n
		}
	})
	return first
}

// IsLiteral reports whether the value is a plain number with no variable.
func (v *Value) IsLiteral() bool { return v != nil && v.Op == OpInt }

// String is the expression as written.
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	if v.Text != "" {
		return v.Text
	}
	switch v.Op {
	case OpInt:
		return strconv.Itoa(v.Int)
	case OpStr:
		return strconv.Quote(v.Str)
	case OpEnv:
		return "ENV[\"" + v.Str + "\"]"
	}
	return "?"
}

// Not negates a condition value (for `unless` and else branches).
func Not(cond *Value) *Value {
	return &Value{Op: OpIf, Args: []*Value{cond, boolValue(false), boolValue(true)}, Span: cond.Span, Text: "!(" + cond.Text + ")"}
}

func boolValue(b bool) *Value {
	if b {
		return &Value{Op: OpEq, Args: []*Value{{Op: OpInt}, {Op: OpInt}}, Text: "true"}
	}
	return &Value{Op: OpNe, Args: []*Value{{Op: OpInt}, {Op: OpInt}}, Text: "false"}
}

// Truthy evaluates a condition: true, false, or unknown (ok false).
func Truthy(cond *Value, env Env) (truth, ok bool) {
	r := cond.eval(env, map[string]bool{})
	if r.Kind == RUnknown && r.Present {
		return true, true // a set variable: a string, truthy
	}
	switch r.Kind {
	case RUnknown:
		return false, false
	case RNil:
		return false, true
	case RBool:
		return r.Int == 1, true
	}
	return true, true
}

// EvalRaw evaluates v without converting the result for a numeric
// consumer: strings stay strings (RAILS_ENV=production).
func (v *Value) EvalRaw(env Env) Result {
	unset := map[string]bool{}
	r := v.eval(env, unset)
	for name := range unset {
		r.Unset = append(r.Unset, name)
	}
	sort.Strings(r.Unset)
	return r
}
