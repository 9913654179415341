package parser

import sitter "github.com/smacker/go-tree-sitter"

// NodeType is n.Type(), kept for the callers written when asking a node's
// type cost a call into C.
func NodeType(n *Node) string { return n.Type() }

func sitterSymbol(i int) sitter.Symbol { return sitter.Symbol(i) }
