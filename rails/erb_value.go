package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// erbScope is what the Ruby of a YAML template sees while it renders: the
// locals earlier tags assigned (a loop's variable included) and Rails.env.
// It reads the forms config templates use in conditions on top of what
// ValueFromRuby reads (`Rails.env.production?`, `ENV["X"].present?`,
// `!x`, `a && b`, `x if cond` in an output tag).
type erbScope struct {
	railsEnv string
	locals   map[string]*Value
}

func newERBScope(railsEnv string) *erbScope {
	return &erbScope{railsEnv: railsEnv, locals: map[string]*Value{}}
}

// with returns a copy of the scope with name bound to v.
func (s *erbScope) with(name string, v *Value) *erbScope {
	c := &erbScope{railsEnv: s.railsEnv, locals: make(map[string]*Value, len(s.locals)+1)}
	for k, x := range s.locals {
		c.locals[k] = x
	}
	c.locals[name] = v
	return c
}

func (s *erbScope) local(name string) (*Value, bool) {
	v, ok := s.locals[name]
	return v, ok
}

// value builds the Value of the Ruby expression n in this scope.
func (s *erbScope) value(r *parser.RubyFile, n *parser.Node) *Value {
	b := rubyValues{r: r, assigns: r.Assignments(), ext: s}
	return b.build(n, 0)
}

// snippetValue builds the Value of a snippet of code written at codeStart
// of f: its last statement; ok false when it is not valid Ruby.
func (s *erbScope) snippetValue(f *parser.File, code string, codeStart int) (*Value, bool) {
	r, err := parser.RubySnippet(f, code, codeStart)
	if err != nil || r.HasErrors {
		return nil, false
	}
	stmts := topStatements(r)
	if len(stmts) == 0 {
		return &Value{Op: OpNil}, true
	}
	return s.value(r, stmts[len(stmts)-1]), true
}

func (s *erbScope) build(b rubyValues, n *parser.Node, depth int) (*Value, bool) {
	switch n.Type() {
	case "call":
		return s.buildCall(b, n, depth)
	case "unary":
		op := n.ChildByFieldName("operator")
		arg := n.ChildByFieldName("operand")
		if op != nil && arg != nil && (b.r.Text(op) == "!" || b.r.Text(op) == "not") {
			v := Not(b.build(arg, depth+1))
			v.Span, v.Text = b.r.Span(n), b.r.Text(n)
			return v, true
		}
	case "binary":
		op := n.ChildByFieldName("operator")
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		if op != nil && left != nil && right != nil && (b.r.Text(op) == "&&" || b.r.Text(op) == "and") {
			l := b.build(left, depth+1)
			return b.node(OpIf, n, l, b.build(right, depth+1), l), true
		}
	case "if_modifier", "unless_modifier":
		body, cond := n.ChildByFieldName("body"), n.ChildByFieldName("condition")
		if body == nil || cond == nil {
			return nil, false
		}
		then, nothing := b.build(body, depth+1), &Value{Op: OpNil}
		if n.Type() == "unless_modifier" {
			return b.node(OpIf, n, b.build(cond, depth+1), nothing, then), true
		}
		return b.node(OpIf, n, b.build(cond, depth+1), then, nothing), true
	}
	return nil, false
}

// buildCall reads Rails.env and the predicates conditions ask.
func (s *erbScope) buildCall(b rubyValues, n *parser.Node, depth int) (*Value, bool) {
	recv := n.ChildByFieldName("receiver")
	method := ""
	if m := n.ChildByFieldName("method"); m != nil {
		method = b.r.Text(m)
	}
	if recv == nil {
		return nil, false
	}
	recvText := strings.TrimPrefix(b.r.CompactText(recv), "::")
	switch {
	case recvText == "Rails" && method == "env":
		return &Value{Op: OpStr, Str: s.railsEnv, Span: b.r.Span(n), Text: b.r.Text(n)}, true
	case recvText == "Rails.env" && strings.HasSuffix(method, "?"):
		return boolAt(s.railsEnv == strings.TrimSuffix(method, "?"), b, n), true
	case (recvText == "ENV") && (method == "key?" || method == "include?" || method == "has_key?" || method == "member?"):
		args := callArgs(n)
		if len(args) != 1 {
			return nil, false
		}
		name, ok := b.r.StringValue(args[0])
		if !ok {
			return nil, false
		}
		env := &Value{Op: OpEnv, Str: name, Style: EnvIndex, Span: b.r.Span(n), Text: b.r.Text(n)}
		return b.node(OpIf, n, env, boolValue(true), boolValue(false)), true
	}
	if len(callArgs(n)) != 0 {
		return nil, false
	}
	switch method {
	case "present?":
		return b.node(OpIf, n, b.node(OpPresence, n, b.build(recv, depth+1)), boolValue(true), boolValue(false)), true
	case "blank?":
		return b.node(OpIf, n, b.node(OpPresence, n, b.build(recv, depth+1)), boolValue(false), boolValue(true)), true
	case "nil?":
		return b.node(OpEq, n, b.build(recv, depth+1), &Value{Op: OpNil}), true
	}
	return nil, false
}

func boolAt(t bool, b rubyValues, n *parser.Node) *Value {
	v := boolValue(t)
	v.Span, v.Text = b.r.Span(n), b.r.Text(n)
	return v
}
