package parser

import sitter "github.com/smacker/go-tree-sitter"

// A RubyFile's tree is walked many times (calls by name, assignments,
// locals, compact text), and every step of a cursor walk crosses into C
// several times (move, node, field name, extra?). The first walk, the
// syntax check every parse makes, keeps what it saw in source order; the
// walks after it run over that record in Go alone. Nodes are the same
// pointers the cursor handed out, so visitors see no difference.

// flatNode is one node of the first walk.
type flatNode struct {
	node  *sitter.Node
	field string
	depth int32 // steps below the root
	end   int32 // index in flat just past this node's subtree
	// noise: an extra without an error (a comment, a heredoc body), which
	// walks neither visit nor enter; its children are not recorded.
	noise bool
	extra bool
	named bool
}

// flatten records the tree under r.Root in source order, the way
// walkTree goes through it, and returns the first node nested past
// MaxRubyNesting (nil when none; the record is then incomplete).
func (r *RubyFile) flatten() (deep *sitter.Node) {
	c := sitter.NewTreeCursor(r.Root)
	defer c.Close()
	var open []int32 // indexes of the nodes on the current path
	add := func(n *sitter.Node, field string) bool {
		depth := int32(len(open))
		extra := n.IsExtra()
		noise := extra && !n.HasError()
		if !noise && int(depth) >= MaxRubyNesting {
			deep = n
			return false
		}
		r.flat = append(r.flat, flatNode{node: n, field: field, depth: depth, noise: noise, extra: extra, named: n.IsNamed()})
		open = append(open, int32(len(r.flat)-1))
		return !noise
	}
	closeLast := func() {
		i := open[len(open)-1]
		r.flat[i].end = int32(len(r.flat))
		open = open[:len(open)-1]
	}
	enter := add(r.Root, "")
	for {
		if deep != nil {
			return deep
		}
		if enter && c.GoToFirstChild() {
			enter = add(c.CurrentNode(), c.CurrentFieldName())
			continue
		}
		for {
			closeLast()
			if len(open) == 0 {
				return nil
			}
			if c.GoToNextSibling() {
				enter = add(c.CurrentNode(), c.CurrentFieldName())
				break
			}
			c.GoToParent()
		}
	}
}

// walk is walkTree over the record of the first walk; a start node the
// record does not hold (from another tree, or handed out under another
// alias) is walked with a cursor.
func (r *RubyFile) walk(prefix []step, visit func(path []step) bool) {
	if len(prefix) == 0 || prefix[len(prefix)-1].node == nil {
		return
	}
	start, ok := r.flatIndex(prefix[len(prefix)-1].node)
	if !ok {
		walkTree(prefix, visit)
		return
	}
	path := append([]step(nil), prefix...)
	base := len(path) - 1 // path index of the start node
	top := r.flat[start].depth
	for i := start; i < r.flat[start].end; {
		f := &r.flat[i]
		if i != start {
			path = append(path[:base+int(f.depth-top)], step{f.node, f.field})
		}
		if !f.noise && visit(path) {
			i++
			continue
		}
		i = f.end // skip the subtree
	}
}

// flatIndex finds n in the record: the root is first; other nodes are
// looked up in an index made the first time one is asked for.
func (r *RubyFile) flatIndex(n *sitter.Node) (int32, bool) {
	if len(r.flat) == 0 {
		return 0, false
	}
	if n == r.flat[0].node {
		return 0, true
	}
	if r.index == nil {
		r.index = make(map[*sitter.Node]int32, len(r.flat))
		for i := range r.flat {
			r.index[r.flat[i].node] = int32(i)
		}
	}
	i, ok := r.index[n]
	return i, ok
}

// namedSteps is namedSteps(n) read from the record when it holds n's
// children (the extras it leaves out are the nodes the record may alias
// differently from a cursor started at n).
func (r *RubyFile) namedSteps(n *sitter.Node) []step {
	i, ok := r.flatIndex(n)
	if !ok || r.flat[i].noise {
		return namedSteps(n)
	}
	var out []step
	for j := i + 1; j < r.flat[i].end; j = r.flat[j].end {
		if f := &r.flat[j]; f.named && !f.extra {
			out = append(out, step{f.node, f.field})
		}
	}
	return out
}

// namedChildren is namedChildren(n) read from the record.
func (r *RubyFile) namedChildren(n *sitter.Node) []*sitter.Node {
	steps := r.namedSteps(n)
	if len(steps) == 0 {
		return nil
	}
	out := make([]*sitter.Node, len(steps))
	for i, s := range steps {
		out[i] = s.node
	}
	return out
}

// field is field(n, name) read from the record when it holds n's
// children: the first child in that field, skipping comments.
func (r *RubyFile) field(n *sitter.Node, name string) *sitter.Node {
	i, ok := r.flatIndex(n)
	if !ok || r.flat[i].noise {
		return field(n, name)
	}
	for j := i + 1; j < r.flat[i].end; j = r.flat[j].end {
		if f := &r.flat[j]; f.field == name && !f.extra {
			return f.node
		}
	}
	return nil
}
