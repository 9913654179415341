package parser

import "strings"

// Walk visits n and the nodes under it in source order, leaving out
// comments and heredoc bodies (extras without an error); visit returns
// whether to go into the node it was given.
func Walk(n *Node, visit func(*Node) bool) {
	if n == nil {
		return
	}
	nodes := n.tree.nodes
	for i := n.index; i < n.next; {
		if c := &nodes[i]; !isNoise(c) && visit(c) {
			i++
		} else {
			i = c.next // not entered
		}
	}
}

// Children returns all of n's children, extras included, in order.
func Children(n *Node) []*Node {
	if n == nil {
		return nil
	}
	out := make([]*Node, n.ChildCount())
	for i := range out {
		out[i] = n.Child(i)
	}
	return out
}

// Comments returns the file's comment nodes (`# ...`, `=begin ... =end`)
// in source order, wherever tree-sitter placed them.
func (r *RubyFile) Comments() []*Node {
	var out []*Node
	nodes := r.Root.tree.nodes
	for i := range nodes {
		if nodes[i].Type() == "comment" {
			out = append(out, &nodes[i])
		}
	}
	return out
}

// String is the node's tree as an S-expression of its named nodes, with
// fields, the way tree-sitter prints one: `(call method: (identifier))`.
func (n *Node) String() string {
	var b strings.Builder
	var write func(n *Node)
	write = func(n *Node) {
		b.WriteByte('(')
		if n.IsMissing() {
			b.WriteString("MISSING ")
		}
		b.WriteString(n.Type())
		for _, k := range n.children() {
			c := &n.tree.nodes[k]
			if !c.IsNamed() {
				continue
			}
			b.WriteByte(' ')
			if f := c.FieldName(); f != "" {
				b.WriteString(f + ": ")
			}
			write(c)
		}
		b.WriteByte(')')
	}
	write(n)
	return b.String()
}
