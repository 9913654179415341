package rails

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/poollint/poollint/parser"
)

// Rendering a YAML template's control flow the way ERB would. Conditions
// are decided in the process's environment (RAILS_ENV known, written
// defaults for unset variables); a condition that stays unknown forks the
// rendering, and every variant is kept, up to maxERBVariants.

// maxERBVariants bounds how many renderings of one template are parsed.
const maxERBVariants = 16

// erbVariant is one rendering of a template.
type erbVariant struct {
	r     parser.Rendering
	scope *erbScope
	// when says what this variant assumed about each undecided condition,
	// in the order they were met, e.g. "when DATABASE_HOST is set".
	when []erbAssumption
	// include is the file an `ERB.new(File.read(path)).result` tag renders
	// in this variant, with the tag.
	include    string
	includeTag *parser.ERBTag
	notes      []erbNote // Ruby poollint did not run
	taken      []int     // the choice made at each decision point
}

type erbAssumption struct {
	When string
	Tag  parser.ERBTag // the tag whose condition was assumed
}

type erbNote struct {
	tag     parser.ERBTag
	s, e    int  // the smallest span: the statement, or the tag
	skipped bool // ERB writes lines here that were not rendered
	msg     string
}

type erbRenderer struct {
	f      *parser.File
	env    Env
	prefix []int
	points []int // option count of each decision point met
	v      *erbVariant
	files  func(pattern string) []string // app files matching a path pattern
}

// renderERBVariants renders nodes once per combination of the undecided
// conditions, at most maxERBVariants times; truncated is set when more
// combinations exist.
func renderERBVariants(f *parser.File, nodes []*erbNode, env Env, railsEnv string, files func(string) []string) (vs []*erbVariant, truncated bool) {
	queue := [][]int{nil}
	for len(queue) > 0 {
		if len(vs) == maxERBVariants {
			return vs, true
		}
		prefix := queue[0]
		queue = queue[1:]
		r := &erbRenderer{f: f, env: env, prefix: prefix, files: files,
			v: &erbVariant{scope: newERBScope(railsEnv), r: sizedRendering(len(f.Src))}}
		r.render(nodes, r.v.scope, false)
		vs = append(vs, r.v)
		for i := len(prefix); i < len(r.points); i++ {
			for alt := 1; alt < r.points[i]; alt++ {
				next := append(append([]int{}, r.v.taken[:i]...), alt)
				queue = append(queue, next)
			}
		}
	}
	return vs, false
}

// sizedRendering is an empty rendering with room for n bytes: a
// rendering is about as long as its template.
func sizedRendering(n int) parser.Rendering {
	return parser.Rendering{Src: make([]byte, 0, n), From: make([]int32, 0, n), To: make([]int32, 0, n)}
}

// choose picks one of n options at the next decision point.
func (r *erbRenderer) choose(n int) int {
	i := len(r.points)
	r.points = append(r.points, n)
	c := 0
	if i < len(r.prefix) && r.prefix[i] < n {
		c = r.prefix[i]
	}
	r.v.taken = append(r.v.taken, c)
	return c
}

func (r *erbRenderer) render(nodes []*erbNode, scope *erbScope, inLoop bool) {
	for _, n := range nodes {
		switch n.kind {
		case erbText:
			r.v.r.Copy(r.f.Src, n.s, n.e)
		case erbOut:
			r.renderOutput(n, scope, inLoop)
		case erbAssign:
			if v, ok := scope.snippetValue(r.f, n.code, n.codeStart); ok {
				scope.locals[n.name] = v
			} else {
				scope.locals[n.name] = Unknown("the ERB assigning `"+n.name+"` is not valid Ruby", r.f.Span(n.tag.Start, n.tag.End), n.code)
			}
		case erbOpaque:
			r.v.notes = append(r.v.notes, erbNote{tag: n.tag, s: n.s, e: n.e, msg: "poollint does not run " + n.why + "; the rest of the file was read as if it changed nothing"})
		case erbSkipped:
			r.v.notes = append(r.v.notes, erbNote{tag: n.tag, s: n.tag.Start, e: n.tag.End, skipped: true, msg: "ERB renders the lines inside " + n.why + "; they were not read"})
		case erbLoop:
			for _, item := range n.items {
				r.render(n.body, scope.with(n.loopVar, &Value{Op: OpStr, Str: item, Text: item}), true)
			}
		case erbIf:
			r.renderIf(n, scope, inLoop)
		}
	}
}

// renderIf renders the branch whose condition holds; an undecided
// condition is a decision point.
func (r *erbRenderer) renderIf(n *erbNode, scope *erbScope, inLoop bool) {
	var subject *Value
	if n.subject != nil {
		subject, _ = scope.snippetValue(r.f, n.subject.code, n.subject.start)
	}
	for _, br := range n.branches {
		if br.cond == nil {
			r.render(br.body, scope, inLoop)
			return
		}
		cond := r.condition(br, subject, scope)
		truth, known := decideCondition(cond, r.env)
		if !known {
			truth = r.choose(2) == 0
			r.v.when = append(r.v.when, erbAssumption{When: describeCondition(cond, truth, br), Tag: br.cond.tag})
		}
		if truth {
			r.render(br.body, scope, inLoop)
			return
		}
	}
}

// condition builds a branch's condition: `if x`, `unless x` or a `when`
// compared against the case's subject.
func (r *erbRenderer) condition(br *erbBranch, subject *Value, scope *erbScope) *Value {
	span := r.f.Span(br.cond.tag.Start, br.cond.tag.End)
	if br.isWhen {
		if subject == nil {
			return Unknown("a case poollint cannot read", span, br.cond.code)
		}
		v := &Value{Op: OpCaseEq, Args: []*Value{subject}, Span: span, Text: "when " + br.cond.code}
		off := br.cond.start
		for _, pat := range strings.Split(br.cond.code, ",") {
			lead := len(pat) - len(strings.TrimLeft(pat, " \t"))
			p, ok := scope.snippetValue(r.f, strings.TrimSpace(pat), off+lead)
			if !ok {
				return Unknown("a `when` poollint cannot read", span, br.cond.code)
			}
			v.Args = append(v.Args, p)
			off += len(pat) + 1
		}
		return v
	}
	v, ok := scope.snippetValue(r.f, br.cond.code, br.cond.start)
	if !ok {
		return Unknown("a condition that is not valid Ruby", span, br.cond.code)
	}
	if br.negate {
		return Not(v)
	}
	return v
}

// decideCondition evaluates a condition. A variable the environment does
// not give and that has no written default (ENV["DATABASE_HOST"]) may be
// set or not where the app runs: the condition is decided only when both
// give the same answer.
func decideCondition(cond *Value, env Env) (truth, known bool) {
	free := freeVars(cond, env)
	t1, ok1 := Truthy(cond, env)
	if !ok1 || len(free) == 0 {
		return t1, ok1
	}
	set := Env{Vars: map[string]string{}, Sidekiq: env.Sidekiq, SidekiqConcurrency: env.SidekiqConcurrency}
	for k, v := range env.Vars {
		set.Vars[k] = v
	}
	for _, name := range free {
		set.Vars[name] = "poollint-unknown-value"
	}
	t2, ok2 := Truthy(cond, set)
	return t1, ok2 && t1 == t2
}

// freeVars lists the variables cond reads that env does not set and that
// have no written default.
func freeVars(cond *Value, env Env) []string {
	var defaulted map[*Value]bool // made at the first `||`
	var out []string
	cond.Walk(func(n *Value) {
		if n.Op == OpOr && len(n.Args) > 0 {
			if defaulted == nil {
				defaulted = map[*Value]bool{}
			}
			n.Args[0].Walk(func(m *Value) { defaulted[m] = true })
		}
		if n.Op != OpEnv || defaulted[n] {
			return
		}
		if env.Has(n.Str) {
			return
		}
		if n.Style == EnvIndex || n.Style == ShellPlain || len(n.Args) == 0 {
			out = append(out, n.Str)
		}
	})
	return out
}

// describeCondition says what a variant assumed, in the words a message
// uses: "when DATABASE_HOST is set", "when DB is not \"mysql\"".
func describeCondition(cond *Value, truth bool, br *erbBranch) string {
	c, t := cond, truth
	for {
		switch {
		case c.Op == OpIf && len(c.Args) == 3 && isBoolLit(c.Args[1]) && isBoolLit(c.Args[2]):
			if c.Args[1].Op == OpNe { // x ? false : true
				t = !t
			}
			c = c.Args[0]
			continue
		case c.Op == OpPresence && len(c.Args) == 1:
			c = c.Args[0]
			continue
		}
		break
	}
	switch {
	case c.Op == OpEnv:
		return fmt.Sprintf("when %s is %s", c.Str, map[bool]string{true: "set", false: "unset"}[t])
	case (c.Op == OpEq || c.Op == OpNe) && len(c.Args) == 2 && c.Args[0].Op == OpEnv && c.Args[1].Op == OpStr:
		if c.Op == OpNe {
			t = !t
		}
		return fmt.Sprintf("when %s is %s%q", c.Args[0].Str, map[bool]string{true: "", false: "not "}[t], c.Args[1].Str)
	}
	code := oneLine(br.cond.code)
	if br.isWhen {
		code = "when " + code
	}
	if br.negate {
		t = !t
	}
	return fmt.Sprintf("when `%s` is %v", code, t)
}

func isBoolLit(v *Value) bool {
	return (v.Op == OpEq || v.Op == OpNe) && len(v.Args) == 2 && v.Args[0].Op == OpInt && v.Args[1].Op == OpInt
}

var reInclude = regexp.MustCompile(`^\s*ERB\.new\(\s*(?:::)?(?:File|IO)\.read\((.*)\)\s*\)\.result(?:\(.*\))?\s*$`)

// renderOutput copies an output tag, renders an include, and writes the
// text of a tag that names an alias or key, or that uses a loop variable,
// when its value is known.
func (r *erbRenderer) renderOutput(n *erbNode, scope *erbScope, inLoop bool) {
	t := n.tag
	if m := reInclude.FindStringSubmatch(t.Code); m != nil {
		r.renderInclude(n, m[1], scope)
		return
	}
	if structural(r.f.Src, t) || wholeLines(r.f.Src, t) || (inLoop || len(scope.locals) > 0) && usesLocal(t.Code, scope) {
		v, ok := scope.snippetValue(r.f, t.Code, t.CodeStart)
		if ok && len(v.Vars()) == 0 {
			if res := v.EvalRaw(r.env); res.Kind == RStr || res.Kind == RInt || res.Kind == RNil {
				text := res.Str
				if res.Kind == RInt {
					text = fmt.Sprint(res.Int)
				}
				r.v.r.Computed(text, t.Start, t.End)
				return
			}
		}
		if ok && structural(r.f.Src, t) {
			// An alias name from ENV with a written default: the default.
			if res := v.EvalRaw(r.env); res.Kind == RStr {
				r.v.r.Computed(res.Str, t.Start, t.End)
				return
			}
		}
	}
	r.v.r.Copy(r.f.Src, t.Start, t.End)
}

// structural reports whether an output tag names an anchor or alias or
// writes a mapping key, where its text is YAML syntax, not a value.
func structural(src []byte, t parser.ERBTag) bool {
	if t.Start > 0 && (src[t.Start-1] == '*' || src[t.Start-1] == '&') {
		return true
	}
	rest := src[t.End:]
	if i := bytes.IndexAny(rest, " \t\r\n"); i >= 0 {
		rest = rest[:i]
	}
	return bytes.HasSuffix(rest, []byte(":")) || (len(rest) == 0 && t.End < len(src) && src[t.End] == ':')
}

// wholeLines reports whether an output tag stands alone on its line,
// where what it prints is lines of YAML.
func wholeLines(src []byte, t parser.ERBTag) bool {
	for i := t.Start - 1; i >= 0 && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' {
			return false
		}
	}
	for i := t.End; i < len(src) && src[i] != '\n'; i++ {
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\r' {
			return false
		}
	}
	return true
}

var reWord = regexp.MustCompile(`[A-Za-z_]\w*`)

func usesLocal(code string, scope *erbScope) bool {
	for _, w := range reWord.FindAllString(code, -1) {
		if _, ok := scope.locals[w]; ok {
			return true
		}
	}
	return false
}
