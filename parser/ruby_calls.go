package parser

import (
	"slices"

	sitter "github.com/smacker/go-tree-sitter"
)

// This file finds the structure rules care about in a Ruby tree: method
// calls (Puma/Unicorn DSL words, hooks, AR calls), the local variables and
// attributes they are fed from, and the conditions around them.
//
// Node shapes of tree-sitter-ruby this relies on (checked by printing trees):
//   - `threads 1, 5`, `threads(1, 5)`, `preload_app!`, `foo?`, `Integer(x)`,
//     `a.b.c!`, `Foo::bar 1`, `super(1)` are `call` nodes with fields
//     receiver (optional), method, arguments (argument_list), block.
//   - A bare `prune_bundler` is only an `identifier`: Ruby cannot tell it from
//     a local variable without knowing what was assigned before.
//   - `x.y = v` is `assignment{left: call{receiver x, method y}, right: v}`;
//     `x[:k] = v` is `assignment{left: element_reference{object x, :k}}`.
//   - `stmt if cond` is `if_modifier{body, condition}`; blocks are `do_block`
//     (body: body_statement) or `block` (body: block_body).
//   - Comments are `comment` extras; tree-sitter may give them the field name
//     of the construct they sit in, so every field read goes through field().

// Call is one method call found in a Ruby tree.
type Call struct {
	Node      *sitter.Node   // the call node (an identifier for a bare `foo`; the left call of `x.y = v`)
	Receiver  *sitter.Node   // nil when none
	Method    string         // "threads", "disconnect!", "concurrency=" for the setter in `cap.concurrency = 1`
	Args      []*sitter.Node // positional, splat and keyword (pair) arguments in order; no `&blk`, no punctuation
	Block     *sitter.Node   // the do_block or block, or nil
	BlockBody []*sitter.Node // the block's statements, comments left out
	// Guard is the condition of a modifier if/unless whose body is this call
	// (`workers n if n > 1`); GuardNegated says it was `unless`. Other
	// enclosing conditions are in EnclosingConditions.
	Guard        *sitter.Node
	GuardNegated bool
}

// Calls returns every call in the subtree of n (n included), in source
// order, whose method name is one of names; all calls when names is empty.
// Calls inside arguments and blocks are included. Setter calls `x.y = v` are
// reported as method "y=" with the single argument v (the operator form
// `x.y ||= v` is only in AttributeAssignments). A bare identifier counts as
// a call only where it is a statement and no local variable of that name
// was defined before it in the file.
func (r *RubyFile) Calls(n *sitter.Node, names ...string) []Call {
	var out []Call
	locals := r.newLocalNames()
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if n.IsExtra() {
			return
		}
		if c, ok := r.callAt(n, locals); ok && wanted(c.Method, names) {
			out = append(out, c)
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

// TopLevelCalls returns the calls that are statements of the program,
// looking through the control flow a config file wraps its settings in:
// if/elsif/else/unless, case/when/in, begin/rescue/ensure, modifiers,
// ternaries, parentheses and the right side of `cond and stmt`. Calls inside
// blocks, method or class definitions, assignments and other calls'
// arguments are not top-level.
func (r *RubyFile) TopLevelCalls(names ...string) []Call {
	var out []Call
	locals := r.newLocalNames()
	var stmt func(n *sitter.Node)
	body := func(n *sitter.Node) {
		for _, s := range statements(n) {
			stmt(s)
		}
	}
	stmt = func(n *sitter.Node) {
		if n == nil {
			return
		}
		switch n.Type() {
		case "call", "identifier":
			if c, ok := r.callAt(n, locals); ok && wanted(c.Method, names) {
				out = append(out, c)
			}
		case "if", "unless", "elsif":
			body(field(n, "consequence"))
			stmt(field(n, "alternative"))
		case "else", "then", "ensure", "begin", "parenthesized_statements":
			body(n)
		case "rescue":
			body(field(n, "body"))
		case "if_modifier", "unless_modifier", "rescue_modifier":
			stmt(field(n, "body"))
		case "conditional":
			stmt(field(n, "consequence"))
			stmt(field(n, "alternative"))
		case "binary":
			if isLogical(n) {
				stmt(field(n, "right"))
			}
		case "case", "case_match":
			for _, c := range namedChildren(n) {
				switch c.Type() {
				case "when", "in_clause":
					body(field(c, "body"))
				case "else":
					body(c)
				}
			}
		}
	}
	body(r.Root)
	return out
}

// ReceiverText returns the receiver chain of c without layout, e.g.
// "ActiveRecord::Base.connection" for ActiveRecord::Base.connection.disconnect!
// even when the chain is split over lines; "" when there is no receiver.
func (r *RubyFile) ReceiverText(c Call) string {
	return r.CompactText(c.Receiver)
}

// callAt reports whether n is a call and describes it.
func (r *RubyFile) callAt(n *sitter.Node, locals *localNames) (Call, bool) {
	if n.IsMissing() {
		// An empty name tree-sitter invented to recover from an error (its
		// Parent() is not even reliable, being zero-width).
		return Call{}, false
	}
	var c Call
	stmt := n // the node a modifier would wrap
	switch n.Type() {
	case "call":
		c = Call{Node: n, Receiver: field(n, "receiver")}
		switch m := field(n, "method"); {
		case m == nil:
			c.Method = "call" // `foo.(x)` is sugar for foo.call(x)
		case m.IsMissing():
			return Call{}, false // `foo.` cut short: tree-sitter invents an empty name
		default:
			c.Method = r.Text(m)
		}
		switch p := n.Parent(); {
		case isAssignment(p) && same(field(p, "left"), n) && p.Type() == "operator_assignment":
			return Call{}, false
		case isAssignment(p) && same(field(p, "left"), n):
			c.Method += "="
			if v := field(p, "right"); v != nil {
				c.Args = []*sitter.Node{v}
			}
			stmt = p
		default:
			for _, a := range namedChildren(field(n, "arguments")) {
				if a.Type() != "block_argument" {
					c.Args = append(c.Args, a)
				}
			}
		}
		if b := field(n, "block"); b != nil {
			c.Block = b
			c.BlockBody = statements(field(b, "body"))
		}
	case "identifier":
		if !isStatement(n) || locals.definedBefore(r.Text(n), int(n.StartByte())) {
			return Call{}, false
		}
		c = Call{Node: n, Method: r.Text(n)}
	default:
		return Call{}, false
	}
	if p := stmt.Parent(); p != nil && (p.Type() == "if_modifier" || p.Type() == "unless_modifier") && same(field(p, "body"), stmt) {
		c.Guard = field(p, "condition")
		c.GuardNegated = p.Type() == "unless_modifier"
	}
	return c, true
}

func isAssignment(n *sitter.Node) bool {
	return n != nil && (n.Type() == "assignment" || n.Type() == "operator_assignment")
}

// isStatement reports whether n stands as a statement of its own: a direct
// child of a statement list, or the body of a modifier.
func isStatement(n *sitter.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	switch p.Type() {
	case "program", "body_statement", "block_body", "then", "else", "ensure", "begin", "do", "begin_block", "end_block":
		return true
	case "if_modifier", "unless_modifier", "while_modifier", "until_modifier", "rescue_modifier":
		return same(field(p, "body"), n)
	}
	return false
}

// isLogical reports whether binary n is `and`, `&&`, `or` or `||`, whose
// right side only runs depending on the left.
func isLogical(n *sitter.Node) bool {
	op := field(n, "operator")
	if op == nil {
		return false
	}
	switch op.Type() {
	case "and", "&&", "or", "||":
		return true
	}
	return false
}

func wanted(method string, names []string) bool {
	return len(names) == 0 || slices.Contains(names, method)
}

// same reports whether a and b are the same node of the same tree.
func same(a, b *sitter.Node) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(b)
}

// localNames tells whether a name is a local variable at a point of the
// file: Ruby decides it at parse time from an earlier assignment or
// parameter. Scopes are ignored (a name defined anywhere before counts),
// which is right for config files where the DSL words are never assigned.
// The definitions are collected on first use only.
type localNames struct {
	r     *RubyFile
	first map[string]int // name → offset of its first definition
}

func (r *RubyFile) newLocalNames() *localNames { return &localNames{r: r} }

func (l *localNames) definedBefore(name string, offset int) bool {
	if l.first == nil {
		l.first = map[string]int{}
		l.collect(l.r.Root)
	}
	at, ok := l.first[name]
	return ok && at < offset
}

func (l *localNames) collect(n *sitter.Node) {
	if n.Type() == "identifier" && definesLocal(n) {
		name := l.r.Text(n)
		if at, ok := l.first[name]; !ok || int(n.StartByte()) < at {
			l.first[name] = int(n.StartByte())
		}
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		l.collect(n.NamedChild(i))
	}
}

// definesLocal reports whether identifier n introduces a local variable.
func definesLocal(n *sitter.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	switch p.Type() {
	case "assignment", "operator_assignment", "for":
		return same(field(p, "left"), n) || same(field(p, "pattern"), n)
	case "left_assignment_list", "destructured_left_assignment", "rest_assignment",
		"block_parameters", "method_parameters", "lambda_parameters", "destructured_parameter",
		"optional_parameter", "splat_parameter", "hash_splat_parameter", "keyword_parameter",
		"block_parameter", "exception_variable", "as_pattern":
		return true
	}
	return false
}

// Assignment is one assignment to a local variable, an attribute or an
// element.
type Assignment struct {
	Name     string       // the variable; for attributes and elements, the receiver as CompactText
	Node     *sitter.Node // the assignment or operator_assignment node
	Value    *sitter.Node // the right-hand side; nil when it cannot be matched (`a, b = pair`)
	Operator string       // "=", "||=", or another operator-assignment ("+=", "&&=", …)
}

// Assignments returns the assignments to each local variable, in source
// order, anywhere in the file except inside method, class and module
// definitions (those are other scopes). Multiple assignment `a, b = 1, 2`
// is split per variable when both sides have the same length.
func (r *RubyFile) Assignments() map[string][]Assignment {
	out := map[string][]Assignment{}
	add := func(name *sitter.Node, a Assignment) {
		a.Name = r.Text(name)
		out[a.Name] = append(out[a.Name], a)
	}
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		switch n.Type() {
		case "method", "singleton_method", "class", "singleton_class", "module":
			return
		case "assignment", "operator_assignment":
			left, right := field(n, "left"), field(n, "right")
			op := "="
			if o := field(n, "operator"); o != nil {
				op = r.Text(o)
			}
			switch {
			case left == nil:
			case left.Type() == "identifier":
				add(left, Assignment{Node: n, Value: right, Operator: op})
			case left.Type() == "left_assignment_list":
				targets := namedChildren(left)
				values := namedChildren(right)
				matched := right != nil && right.Type() == "right_assignment_list" && len(values) == len(targets)
				for i, t := range targets {
					if t.Type() != "identifier" {
						continue
					}
					a := Assignment{Node: n, Operator: op}
					if matched && values[i].Type() != "splat_argument" {
						a.Value = values[i]
					}
					add(t, a)
				}
			}
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	walk(r.Root)
	return out
}

// AttributeAssignments returns the setter assignments `recv.attr = v` and
// `recv.attr ||= v` in the subtree of n, in source order (every attribute
// when attr is empty). Name is the receiver's CompactText: "cap" for
// `cap.concurrency = 1`, "Sidekiq.default_configuration" for a chain.
func (r *RubyFile) AttributeAssignments(n *sitter.Node, attr string) []Assignment {
	return r.assignmentsTo(n, func(left *sitter.Node) (*sitter.Node, bool) {
		if left.Type() != "call" {
			return nil, false
		}
		m := field(left, "method")
		recv := field(left, "receiver")
		if m == nil || recv == nil || (attr != "" && r.Text(m) != attr) {
			return nil, false
		}
		return recv, true
	})
}

// IndexAssignments returns the element assignments `recv[:key] = v` and
// `recv["key"] = v` (and their `||=` forms) in the subtree of n, in source
// order. Name is the receiver's CompactText: "config.options" for
// `config.options[:concurrency] = x`, "ENV" for `ENV["DATABASE_URL"] = …`.
func (r *RubyFile) IndexAssignments(n *sitter.Node, key string) []Assignment {
	return r.assignmentsTo(n, func(left *sitter.Node) (*sitter.Node, bool) {
		if left.Type() != "element_reference" {
			return nil, false
		}
		obj := field(left, "object")
		var index []*sitter.Node
		for _, c := range namedChildren(left) {
			if !same(c, obj) {
				index = append(index, c)
			}
		}
		if obj == nil || len(index) != 1 {
			return nil, false
		}
		if k, ok := r.StringValue(index[0]); !ok || k != key {
			return nil, false
		}
		return obj, true
	})
}

// assignmentsTo collects the assignments under n whose left side match
// accepts, naming each after the receiver match returns.
func (r *RubyFile) assignmentsTo(n *sitter.Node, match func(left *sitter.Node) (*sitter.Node, bool)) []Assignment {
	var out []Assignment
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if n.Type() == "assignment" || n.Type() == "operator_assignment" {
			if left := field(n, "left"); left != nil {
				if recv, ok := match(left); ok {
					op := "="
					if o := field(n, "operator"); o != nil {
						op = r.Text(o)
					}
					out = append(out, Assignment{Name: r.CompactText(recv), Node: n, Value: field(n, "right"), Operator: op})
				}
			}
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

// Condition is one condition that decides whether a node runs.
type Condition struct {
	// Node is the construct: if, elsif, unless, if_modifier, unless_modifier,
	// conditional (a ? b : c), binary (`a and b`, `a || b`), when or in_clause
	// (a case branch), or case/case_match (for its else branch).
	Node *sitter.Node
	// Cond is the tested expression; for case branches it is the case's
	// subject (nil for a subject-less `case`), matched against Patterns.
	Cond *sitter.Node
	// Patterns are a when's patterns (or an in_clause's pattern); for a
	// case's else branch, the patterns of every branch, none of which matched.
	Patterns []*sitter.Node
	Negated  bool // unless / unless_modifier
	InElse   bool // the node runs when the condition is false (else branch, right of `or`)
}

// EnclosingConditions returns the conditions around n, innermost first,
// all the way up to the program (through blocks and definitions: a hook
// block registered inside an `if` only runs when the `if` holds). A node in
// a condition itself is not governed by it.
func (r *RubyFile) EnclosingConditions(n *sitter.Node) []Condition {
	var out []Condition
	for child, p := n, parentOf(n); p != nil; child, p = p, p.Parent() {
		switch p.Type() {
		case "if", "elsif", "unless":
			switch {
			case same(field(p, "consequence"), child):
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), Negated: p.Type() == "unless"})
			case same(field(p, "alternative"), child):
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), Negated: p.Type() == "unless", InElse: true})
			}
		case "if_modifier", "unless_modifier":
			if same(field(p, "body"), child) {
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), Negated: p.Type() == "unless_modifier"})
			}
		case "conditional":
			switch {
			case same(field(p, "consequence"), child):
				out = append(out, Condition{Node: p, Cond: field(p, "condition")})
			case same(field(p, "alternative"), child):
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), InElse: true})
			}
		case "binary":
			if isLogical(p) && same(field(p, "right"), child) {
				op := field(p, "operator").Type()
				out = append(out, Condition{Node: p, Cond: field(p, "left"), InElse: op == "or" || op == "||"})
			}
		case "when", "in_clause":
			if same(field(p, "body"), child) {
				out = append(out, Condition{Node: p, Cond: field(p.Parent(), "value"), Patterns: patternsOf(p)})
			}
		case "case", "case_match":
			if child.Type() == "else" {
				var all []*sitter.Node
				for _, c := range namedChildren(p) {
					if c.Type() == "when" || c.Type() == "in_clause" {
						all = append(all, patternsOf(c)...)
					}
				}
				out = append(out, Condition{Node: p, Cond: field(p, "value"), Patterns: all, InElse: true})
			}
		}
	}
	return out
}

func parentOf(n *sitter.Node) *sitter.Node {
	if n == nil {
		return nil
	}
	return n.Parent()
}

// patternsOf returns the patterns of a when (unwrapping tree-sitter's
// `pattern` wrapper) or the pattern of an in_clause.
func patternsOf(branch *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for _, p := range fields(branch, "pattern") {
		if p.Type() == "pattern" {
			if inner := namedChildren(p); len(inner) == 1 {
				p = inner[0]
			}
		}
		out = append(out, p)
	}
	return out
}
