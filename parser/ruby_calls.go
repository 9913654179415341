package parser

import (
	"slices"
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
	Node      *Node   // the call node (an identifier for a bare `foo`; the left call of `x.y = v`)
	Receiver  *Node   // nil when none
	Method    string  // "threads", "disconnect!", "concurrency=" for the setter in `cap.concurrency = 1`
	Args      []*Node // positional, splat and keyword (pair) arguments in order; no `&blk`, no punctuation
	Block     *Node   // the do_block or block, or nil
	BlockBody []*Node // the block's statements, comments left out
	// Guard is the condition of a modifier if/unless whose body is this call
	// (`workers n if n > 1`); GuardNegated says it was `unless`. Other
	// enclosing conditions are in EnclosingConditions.
	Guard        *Node
	GuardNegated bool
}

// Calls returns every call in the subtree of n (n included), in source
// order, whose method name is one of names; all calls when names is empty.
// Calls inside arguments and blocks are included. Setter calls `x.y = v` are
// reported as method "y=" with the single argument v (the operator form
// `x.y ||= v` is only in AttributeAssignments). A bare identifier counts as
// a call only where it is a statement and no local variable of that name
// was defined before it in the file.
func (r *RubyFile) Calls(n *Node, names ...string) []Call {
	if n == nil {
		return nil
	}
	var out []Call
	locals := r.newLocalNames()
	// Start from n's real path so a call at the root of the subtree still
	// knows its parent (a modifier guard, an assignment).
	walkTree(r.pathTo(n), func(path []step) bool {
		if c, ok := r.callAt(path, locals); ok && wanted(c.Method, names) {
			out = append(out, c)
		}
		return true
	})
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
	// One path, pushed and popped as the walk goes down and back up:
	// callAt reads it and keeps nothing. Copying it per level made a
	// file nested n deep cost n^2 (3 GB for `begin` 10,000 deep).
	path := []step{{node: r.Root}}
	var stmt func()
	visit := func(child *Node, fieldName string) {
		path = append(path, step{child, fieldName})
		stmt()
		path = path[:len(path)-1]
	}
	body := func() {
		for _, s := range namedSteps(path[len(path)-1].node) {
			visit(s.node, s.field)
		}
	}
	sub := func(name string) {
		if c := field(path[len(path)-1].node, name); c != nil {
			visit(c, name)
		}
	}
	stmt = func() {
		n := path[len(path)-1].node
		switch NodeType(n) {
		case "call", "identifier":
			if c, ok := r.callAt(path, locals); ok && wanted(c.Method, names) {
				out = append(out, c)
			}
		case "if", "unless", "elsif":
			sub("consequence")
			sub("alternative")
		case "else", "then", "ensure", "begin", "parenthesized_statements":
			body()
		case "rescue", "if_modifier", "unless_modifier", "rescue_modifier":
			sub("body")
		case "conditional":
			sub("consequence")
			sub("alternative")
		case "binary":
			if isLogical(n) {
				sub("right")
			}
		case "case", "case_match":
			for _, c := range namedSteps(n) {
				switch NodeType(c.node) {
				case "when", "in_clause":
					path = append(path, c)
					sub("body")
					path = path[:len(path)-1]
				case "else":
					path = append(path, c)
					body()
					path = path[:len(path)-1]
				}
			}
		}
	}
	body()
	return out
}

// ReceiverText returns the receiver chain of c without layout, e.g.
// "ActiveRecord::Base.connection" for ActiveRecord::Base.connection.disconnect!
// even when the chain is split over lines; "" when there is no receiver.
func (r *RubyFile) ReceiverText(c Call) string {
	return r.CompactText(c.Receiver)
}

// callAt reports whether the node at the end of path is a call and
// describes it.
func (r *RubyFile) callAt(path []step, locals *localNames) (Call, bool) {
	last := len(path) - 1
	n := path[last].node
	if n.IsMissing() || n.IsExtra() {
		// An empty name tree-sitter invented to recover from an error, or an
		// extra (a comment or an ERROR node, whose Type the cursor may alias).
		return Call{}, false
	}
	var parent *Node
	if last > 0 {
		parent = path[last-1].node
	}
	var c Call
	stmt := last // the path index of the node a modifier would wrap
	switch NodeType(n) {
	case "call":
		c = Call{Node: n, Receiver: field(n, "receiver")}
		switch m := field(n, "method"); {
		case m == nil:
			c.Method = "call" // `foo.(x)` is sugar for foo.call(x)
		case m.IsMissing():
			return Call{}, false // `foo.` cut short
		default:
			c.Method = r.Text(m)
		}
		switch {
		case path[last].field == "left" && NodeType(parent) == "operator_assignment":
			return Call{}, false
		case path[last].field == "left" && NodeType(parent) == "assignment":
			c.Method += "="
			if v := field(parent, "right"); v != nil {
				c.Args = []*Node{v}
			}
			stmt = last - 1
		default:
			for _, a := range namedChildren(field(n, "arguments")) {
				if NodeType(a) != "block_argument" {
					c.Args = append(c.Args, a)
				}
			}
		}
		if b := field(n, "block"); b != nil {
			c.Block = b
			c.BlockBody = namedChildren(field(b, "body"))
		}
	case "identifier":
		if !isStatement(path) || locals.definedBefore(r.Text(n), int(n.StartByte())) {
			return Call{}, false
		}
		c = Call{Node: n, Method: r.Text(n)}
	default:
		return Call{}, false
	}
	if stmt > 0 && path[stmt].field == "body" {
		switch NodeType(path[stmt-1].node) {
		case "if_modifier", "unless_modifier":
			c.Guard = field(path[stmt-1].node, "condition")
			c.GuardNegated = NodeType(path[stmt-1].node) == "unless_modifier"
		}
	}
	return c, true
}

// isStatement reports whether the node at the end of path stands as a
// statement of its own: a direct child of a statement list, or the body of
// a modifier.
func isStatement(path []step) bool {
	if len(path) < 2 {
		return false
	}
	switch NodeType(path[len(path)-2].node) {
	case "program", "body_statement", "block_body", "then", "else", "ensure", "begin", "do", "begin_block", "end_block":
		return true
	case "if_modifier", "unless_modifier", "while_modifier", "until_modifier", "rescue_modifier":
		return path[len(path)-1].field == "body"
	}
	return false
}

// isLogical reports whether binary n is `and`, `&&`, `or` or `||`, whose
// right side only runs depending on the left.
func isLogical(n *Node) bool {
	op := field(n, "operator")
	if op == nil {
		return false
	}
	switch NodeType(op) {
	case "and", "&&", "or", "||":
		return true
	}
	return false
}

func wanted(method string, names []string) bool {
	return len(names) == 0 || slices.Contains(names, method)
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
		walkTree([]step{{node: l.r.Root}}, func(path []step) bool {
			n := path[len(path)-1].node
			if NodeType(n) == "identifier" && definesLocal(path) {
				name := l.r.Text(n)
				if at, ok := l.first[name]; !ok || int(n.StartByte()) < at {
					l.first[name] = int(n.StartByte())
				}
			}
			return true
		})
	}
	at, ok := l.first[name]
	return ok && at < offset
}

// definesLocal reports whether the identifier at the end of path
// introduces a local variable.
func definesLocal(path []step) bool {
	if len(path) < 2 {
		return false
	}
	switch f := path[len(path)-1].field; NodeType(path[len(path)-2].node) {
	case "assignment", "operator_assignment":
		return f == "left"
	case "for":
		return f == "pattern"
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
	Name     string // the variable; for attributes and elements, the receiver as CompactText
	Node     *Node  // the assignment or operator_assignment node
	Value    *Node  // the right-hand side; nil when it cannot be matched (`a, b = pair`)
	Operator string // "=", "||=", or another operator-assignment ("+=", "&&=", …)
}

// Assignments returns the assignments to each local variable, in source
// order, anywhere in the file except inside method, class and module
// definitions (those are other scopes). Multiple assignment `a, b = 1, 2`
// is split per variable when both sides have the same length.
//
// The walk is done once per file and the map shared (callers only read
// it): every value built from the file resolves its locals here, and a
// puma.rb of 4,000 ` if a` modifiers built 4,000 condition values, each
// walking the whole tree again.
func (r *RubyFile) Assignments() map[string][]Assignment {
	r.assignsOnce.Do(func() { r.assigns = r.assignments() })
	return r.assigns
}

func (r *RubyFile) assignments() map[string][]Assignment {
	out := map[string][]Assignment{}
	add := func(name *Node, a Assignment) {
		a.Name = r.Text(name)
		out[a.Name] = append(out[a.Name], a)
	}
	walkTree([]step{{node: r.Root}}, func(path []step) bool {
		n := path[len(path)-1].node
		switch NodeType(n) {
		case "method", "singleton_method", "class", "singleton_class", "module":
			return false
		case "assignment", "operator_assignment":
			left, right := field(n, "left"), field(n, "right")
			op := "="
			if o := field(n, "operator"); o != nil {
				op = r.Text(o)
			}
			switch {
			case left == nil:
			case NodeType(left) == "identifier":
				add(left, Assignment{Node: n, Value: right, Operator: op})
			case NodeType(left) == "left_assignment_list":
				targets := namedChildren(left)
				values := namedChildren(right)
				matched := right != nil && NodeType(right) == "right_assignment_list" && len(values) == len(targets)
				for i, t := range targets {
					if NodeType(t) != "identifier" {
						continue
					}
					a := Assignment{Node: n, Operator: op}
					if matched && NodeType(values[i]) != "splat_argument" {
						a.Value = values[i]
					}
					add(t, a)
				}
			}
		}
		return true
	})
	return out
}

// AttributeAssignments returns the setter assignments `recv.attr = v` and
// `recv.attr ||= v` in the subtree of n, in source order (every attribute
// when attr is empty). Name is the receiver's CompactText: "cap" for
// `cap.concurrency = 1`, "Sidekiq.default_configuration" for a chain.
func (r *RubyFile) AttributeAssignments(n *Node, attr string) []Assignment {
	return r.assignmentsTo(n, func(left *Node) (*Node, bool) {
		if NodeType(left) != "call" {
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
func (r *RubyFile) IndexAssignments(n *Node, key string) []Assignment {
	return r.assignmentsTo(n, func(left *Node) (*Node, bool) {
		if NodeType(left) != "element_reference" {
			return nil, false
		}
		obj := field(left, "object")
		var index []*Node
		for _, c := range namedSteps(left) {
			if c.field != "object" {
				index = append(index, c.node)
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
func (r *RubyFile) assignmentsTo(n *Node, match func(left *Node) (*Node, bool)) []Assignment {
	var out []Assignment
	if n == nil {
		return nil
	}
	walkTree([]step{{node: n}}, func(path []step) bool {
		a := path[len(path)-1].node
		if NodeType(a) != "assignment" && NodeType(a) != "operator_assignment" {
			return true
		}
		if left := field(a, "left"); left != nil {
			if recv, ok := match(left); ok {
				op := "="
				if o := field(a, "operator"); o != nil {
					op = r.Text(o)
				}
				out = append(out, Assignment{Name: r.CompactText(recv), Node: a, Value: field(a, "right"), Operator: op})
			}
		}
		return true
	})
	return out
}

// Condition is one condition that decides whether a node runs.
type Condition struct {
	// Node is the construct: if, elsif, unless, if_modifier, unless_modifier,
	// conditional (a ? b : c), binary (`a and b`, `a || b`), when or in_clause
	// (a case branch), or case/case_match (for its else branch).
	Node *Node
	// Cond is the tested expression; for case branches it is the case's
	// subject (nil for a subject-less `case`), matched against Patterns.
	Cond *Node
	// Patterns are a when's patterns (or an in_clause's pattern); for a
	// case's else branch, the patterns of every branch, none of which matched.
	Patterns []*Node
	Negated  bool // unless / unless_modifier
	InElse   bool // the node runs when the condition is false (else branch, right of `or`)
}

// EnclosingConditions returns the conditions around n, innermost first,
// all the way up to the program (through blocks and definitions: a hook
// block registered inside an `if` only runs when the `if` holds). A node in
// a condition itself is not governed by it.
func (r *RubyFile) EnclosingConditions(n *Node) []Condition {
	var out []Condition
	path := r.pathTo(n)
	for i := len(path) - 1; i > 0; i-- {
		child, p := path[i], path[i-1].node
		switch NodeType(p) {
		case "if", "elsif", "unless":
			if child.field == "consequence" || child.field == "alternative" {
				out = append(out, Condition{Node: p, Cond: field(p, "condition"),
					Negated: NodeType(p) == "unless", InElse: child.field == "alternative"})
			}
		case "if_modifier", "unless_modifier":
			if child.field == "body" {
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), Negated: NodeType(p) == "unless_modifier"})
			}
		case "conditional":
			if child.field == "consequence" || child.field == "alternative" {
				out = append(out, Condition{Node: p, Cond: field(p, "condition"), InElse: child.field == "alternative"})
			}
		case "binary":
			if isLogical(p) && child.field == "right" {
				op := NodeType(field(p, "operator"))
				out = append(out, Condition{Node: p, Cond: field(p, "left"), InElse: op == "or" || op == "||"})
			}
		case "when", "in_clause":
			if child.field == "body" && i >= 2 {
				out = append(out, Condition{Node: p, Cond: field(path[i-2].node, "value"), Patterns: patternsOf(p)})
			}
		case "case", "case_match":
			if NodeType(child.node) == "else" {
				var all []*Node
				for _, c := range namedChildren(p) {
					if NodeType(c) == "when" || NodeType(c) == "in_clause" {
						all = append(all, patternsOf(c)...)
					}
				}
				out = append(out, Condition{Node: p, Cond: field(p, "value"), Patterns: all, InElse: true})
			}
		}
	}
	return out
}

// patternsOf returns the patterns of a when (unwrapping tree-sitter's
// `pattern` wrapper) or the pattern of an in_clause.
func patternsOf(branch *Node) []*Node {
	var out []*Node
	for _, p := range fields(branch, "pattern") {
		if NodeType(p) == "pattern" {
			if inner := namedChildren(p); len(inner) == 1 {
				p = inner[0]
			}
		}
		out = append(out, p)
	}
	return out
}
