package rails

import (
	"strconv"
	"strings"

	"github.com/poollint/poollint/parser"
)

// maxValueDepth bounds how deep local-variable indirection and nesting are
// followed, so a self-referencing assignment cannot loop.
const maxValueDepth = 24

// rubyValues builds Values from the Ruby expressions of one file, resolving
// local variables that are assigned once (`threads_count = ...`).
type rubyValues struct {
	r       *parser.RubyFile
	assigns map[string][]parser.Assignment
	ext     valueExtension // nil, or forms a caller knows more about (erb_value.go)
}

// valueExtension lets a caller read forms the file alone cannot: the
// locals an earlier ERB tag assigned, Rails.env, condition methods.
type valueExtension interface {
	// build returns the Value of n, or ok false to use the default reading.
	build(b rubyValues, n *parser.Node, depth int) (v *Value, ok bool)
	// local returns the value of a local the file does not assign.
	local(name string) (v *Value, ok bool)
}

// ValueFromRuby builds the Value of the Ruby expression n of file r.
func ValueFromRuby(r *parser.RubyFile, n *parser.Node) *Value {
	b := rubyValues{r: r, assigns: r.Assignments()}
	return b.build(n, 0)
}

func (b rubyValues) unknown(n *parser.Node, why string) *Value {
	text := b.r.Text(n)
	if why == "" {
		why = "cannot evaluate `" + oneLine(text) + "` statically"
	}
	return Unknown(why, b.r.Span(n), text)
}

func (b rubyValues) node(op Op, n *parser.Node, args ...*Value) *Value {
	return &Value{Op: op, Args: args, Span: b.r.Span(n), Text: b.r.Text(n)}
}

func (b rubyValues) build(n *parser.Node, depth int) *Value {
	if n == nil {
		return &Value{Op: OpNil}
	}
	if depth > maxValueDepth {
		return b.unknown(n, "expression nested too deeply")
	}
	n = parser.Unwrap(n)
	if b.ext != nil {
		if v, ok := b.ext.build(b, n, depth); ok {
			return v
		}
	}
	switch n.Type() {
	case "integer":
		if v, ok := b.r.IntValue(n); ok {
			return Lit(v, b.r.Span(n), b.r.Text(n))
		}
	case "string":
		return b.buildString(n, depth)
	case "nil":
		return b.node(OpNil, n)
	case "true", "false":
		v := b.node(OpEq, n, &Value{Op: OpInt}, &Value{Op: OpInt})
		if n.Type() == "false" {
			v.Op = OpNe
		}
		return v
	case "identifier":
		return b.buildLocal(n, depth)
	case "element_reference":
		return b.buildIndex(n)
	case "call":
		return b.buildCall(n, depth)
	case "binary":
		return b.buildBinary(n, depth)
	case "conditional":
		return b.buildIf(n, n.ChildByFieldName("condition"), n.ChildByFieldName("consequence"), n.ChildByFieldName("alternative"), depth)
	case "if", "unless":
		v := b.buildIf(n, n.ChildByFieldName("condition"), n.ChildByFieldName("consequence"), n.ChildByFieldName("alternative"), depth)
		if n.Type() == "unless" && v.Op == OpIf {
			v.Args[1], v.Args[2] = v.Args[2], v.Args[1]
		}
		return v
	case "assignment":
		// `case workers_count = Integer(...)`: an assignment's value is
		// its right side.
		if right := n.ChildByFieldName("right"); right != nil && n.ChildByFieldName("left") != nil && n.ChildByFieldName("left").Type() == "identifier" {
			return b.build(right, depth+1)
		}
	case "range":
		// Only meaningful as a `when` pattern (OpCaseEq); as a number it
		// evaluates to unknown.
		v := b.node(OpRange, n, b.build(n.ChildByFieldName("begin"), depth+1), b.build(n.ChildByFieldName("end"), depth+1))
		if op := n.ChildByFieldName("operator"); op != nil && b.r.Text(op) == "..." {
			v.Int = 1
		}
		return v
	case "then", "else", "block_body", "body_statement", "begin":
		if last := lastNamedChild(n); last != nil {
			return b.build(last, depth+1)
		}
		return b.node(OpNil, n)
	}
	return b.unknown(n, "")
}

// buildString reads a string literal, or a string that is one
// interpolation ("#{num_workers}"), which Puma then Integer()s.
func (b rubyValues) buildString(n *parser.Node, depth int) *Value {
	if s, ok := b.r.StringValue(n); ok {
		return &Value{Op: OpStr, Str: s, Span: b.r.Span(n), Text: b.r.Text(n)}
	}
	var interp *parser.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		switch c.Type() {
		case "interpolation":
			if interp != nil {
				return b.unknown(n, "")
			}
			interp = c
		default:
			return b.unknown(n, "")
		}
	}
	if interp != nil {
		if last := lastNamedChild(interp); last != nil {
			return b.build(last, depth+1)
		}
	}
	return b.unknown(n, "")
}

// buildLocal resolves a local variable assigned exactly once in the file.
func (b rubyValues) buildLocal(n *parser.Node, depth int) *Value {
	name := b.r.Text(n)
	as := b.assigns[name]
	switch {
	case len(as) == 0:
		if b.ext != nil {
			if v, ok := b.ext.local(name); ok {
				return v
			}
		}
		return b.unknown(n, "`"+name+"` is not assigned in this file")
	case len(as) > 1:
		return b.unknown(n, "`"+name+"` is assigned more than once")
	}
	v := b.build(as[0].Value, depth+1)
	return v
}

// buildIndex reads ENV["X"].
func (b rubyValues) buildIndex(n *parser.Node) *Value {
	obj := n.ChildByFieldName("object")
	if obj == nil {
		return b.unknown(n, "")
	}
	args := argNodes(n, obj)
	if len(args) == 1 {
		// Sidekiq.options[:concurrency], config.options[:concurrency] and
		// config[:concurrency] read the process's concurrency (RULES.md).
		if key, ok := b.r.StringValue(args[0]); ok && key == "concurrency" {
			return b.node(OpSidekiqConcurrency, n)
		}
	}
	if b.r.Text(obj) != "ENV" && b.r.Text(obj) != "::ENV" {
		return b.unknown(n, "")
	}
	if len(args) != 1 {
		return b.unknown(n, "")
	}
	name, ok := b.r.StringValue(args[0])
	if !ok {
		return b.unknown(n, "")
	}
	return &Value{Op: OpEnv, Str: name, Style: EnvIndex, Span: b.r.Span(n), Text: b.r.Text(n)}
}

func (b rubyValues) buildCall(n *parser.Node, depth int) *Value {
	recv := n.ChildByFieldName("receiver")
	method := ""
	if m := n.ChildByFieldName("method"); m != nil {
		method = b.r.Text(m)
	}
	args := callArgs(n)
	if recv != nil && len(args) == 0 && n.ChildByFieldName("block") == nil {
		if v, ok := b.buildPredicate(n, recv, method, depth); ok {
			return v
		}
	}
	switch {
	case recv != nil && (b.r.Text(recv) == "ENV" || b.r.Text(recv) == "::ENV") && method == "fetch":
		return b.buildFetch(n, args, depth)
	case recv == nil && method == "Integer" && len(args) >= 1:
		return b.node(OpInteger, n, b.build(args[0], depth+1))
	case recv != nil && (method == "to_i" || method == "to_int"):
		return b.node(OpToI, n, b.build(recv, depth+1))
	case recv != nil && (method == "to_s" || method == "strip" || method == "freeze"):
		return b.build(recv, depth+1)
	case recv != nil && method == "presence":
		return b.node(OpPresence, n, b.build(recv, depth+1))
	case recv != nil && (method == "max" || method == "min") && len(args) == 0:
		arr := parser.Unwrap(recv)
		if arr.Type() != "array" {
			return b.unknown(n, "")
		}
		op := OpMax
		if method == "min" {
			op = OpMin
		}
		v := b.node(op, n)
		for i := 0; i < int(arr.NamedChildCount()); i++ {
			v.Args = append(v.Args, b.build(arr.NamedChild(i), depth+1))
		}
		if len(v.Args) == 0 {
			return b.unknown(n, "")
		}
		return v
	}
	return b.unknown(n, "")
}

// buildFetch reads ENV.fetch("X"), ENV.fetch("X", d) and ENV.fetch("X") { d }.
func (b rubyValues) buildFetch(n *parser.Node, args []*parser.Node, depth int) *Value {
	if len(args) == 0 {
		return b.unknown(n, "")
	}
	name, ok := b.r.StringValue(args[0])
	if !ok {
		return b.unknown(n, "")
	}
	v := &Value{Op: OpEnv, Str: name, Style: EnvFetch, Span: b.r.Span(n), Text: b.r.Text(n)}
	switch {
	case len(args) >= 2:
		v.Args = []*Value{b.build(args[1], depth+1)}
	case n.ChildByFieldName("block") != nil:
		body := n.ChildByFieldName("block").ChildByFieldName("body")
		if body == nil {
			v.Args = []*Value{{Op: OpNil}}
		} else {
			v.Args = []*Value{b.build(body, depth+1)}
		}
	}
	return v
}

func (b rubyValues) buildBinary(n *parser.Node, depth int) *Value {
	op := n.ChildByFieldName("operator")
	left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
	if op == nil || left == nil || right == nil {
		return b.unknown(n, "")
	}
	var o Op
	switch b.r.Text(op) {
	case "||", "or":
		o = OpOr
	case "+":
		o = OpAdd
	case "-":
		o = OpSub
	case "*":
		o = OpMul
	case "==":
		o = OpEq
	case "!=":
		o = OpNe
	case ">":
		o = OpGt
	case "<":
		return b.node(OpGt, n, b.build(right, depth+1), b.build(left, depth+1))
	case ">=", "<=":
		// a >= b is !(b > a) on integers; a comparison that cannot be
		// evaluated stays unknown through the negation.
		l, r := b.build(left, depth+1), b.build(right, depth+1)
		if b.r.Text(op) == "<=" {
			l, r = r, l
		}
		v := Not(b.node(OpGt, n, r, l))
		v.Span, v.Text = b.r.Span(n), b.r.Text(n)
		return v
	default:
		return b.unknown(n, "")
	}
	return b.node(o, n, b.build(left, depth+1), b.build(right, depth+1))
}

// buildIf reads a ternary or if/else. `Sidekiq.server?` as the condition
// becomes a per-process choice: true only in Sidekiq processes.
func (b rubyValues) buildIf(n, cond, then, els *parser.Node, depth int) *Value {
	if cond == nil {
		return b.unknown(n, "")
	}
	thenV := b.build(then, depth+1)
	var elseV *Value
	if els == nil {
		elseV = &Value{Op: OpNil}
	} else {
		elseV = b.build(els, depth+1)
	}
	if strings.ReplaceAll(b.r.Text(parser.Unwrap(cond)), " ", "") == "Sidekiq.server?" {
		return b.node(OpIfSidekiq, n, thenV, elseV)
	}
	return b.node(OpIf, n, b.build(cond, depth+1), thenV, elseV)
}

// callArgs returns the argument nodes of a call, skipping punctuation.
func callArgs(n *parser.Node) []*parser.Node {
	list := n.ChildByFieldName("arguments")
	if list == nil {
		return nil
	}
	var out []*parser.Node
	for i := 0; i < int(list.NamedChildCount()); i++ {
		c := list.NamedChild(i)
		if c.Type() == "comment" || c.Type() == "block_argument" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// argNodes returns the named children of n other than skip (the index
// arguments of an element_reference).
func argNodes(n, skip *parser.Node) []*parser.Node {
	var out []*parser.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if c.Equal(skip) || c.Type() == "comment" {
			continue
		}
		out = append(out, c)
	}
	return out
}

func lastNamedChild(n *parser.Node) *parser.Node {
	for i := int(n.NamedChildCount()) - 1; i >= 0; i-- {
		if c := n.NamedChild(i); c.Type() != "comment" {
			return c
		}
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// atoiLoose parses "1_000" and " 5 " the way YAML and Ruby read integers.
func atoiLoose(s string) (int, bool) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	return n, err == nil
}
