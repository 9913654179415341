package parser

import sitter "github.com/smacker/go-tree-sitter"

// Node is a node of a parsed Ruby tree. Code outside this package names
// nodes only through this type, so how a tree is held (tree-sitter's own
// nodes, or a record of them) stays this package's business.
type Node = sitter.Node

// Walk visits n and the nodes under it in source order, leaving out
// comments and heredoc bodies (extras without an error); visit returns
// whether to go into the node it was given.
func Walk(n *Node, visit func(*Node) bool) {
	if n == nil {
		return
	}
	walkTree([]step{{node: n}}, func(path []step) bool { return visit(path[len(path)-1].node) })
}

// Children returns all of n's children, extras included, in order.
func Children(n *Node) []*Node {
	steps := childrenOf(n)
	out := make([]*Node, len(steps))
	for i, s := range steps {
		out[i] = s.node
	}
	return out
}
