package parser

import (
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

// NodeType is n.Type() without the allocation: go-tree-sitter's Type
// copies the C name into a new Go string on every call, and the walks
// ask every node's type. A node's type is the name of its (public,
// alias-resolved) symbol, so the names are looked up once per grammar.
// Symbols past the table (ERROR) still ask tree-sitter.
func NodeType(n *sitter.Node) string {
	s := n.Symbol()
	if names := symbolNames(); int(s) < len(names) {
		return names[s]
	}
	return n.Type()
}

var symbolNames = sync.OnceValue(func() []string {
	lang := rubyLanguage()
	names := make([]string, lang.SymbolCount())
	for i := range names {
		names[i] = lang.SymbolName(sitter.Symbol(i))
	}
	return names
})
