package parser

/*
#include "ruby_export.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// A Ruby tree is parsed by tree-sitter and then held in Go: one call into
// C (ruby_export.c) parses the source and writes every node out in source
// order, and the tree-sitter tree is freed before the call returns.
//
// Why: the tree is walked many times (calls by name, assignments, locals,
// compact text, conditions), and go-tree-sitter crosses into C for every
// step, every node's type, bytes and flags, and caches a Go wrapper per
// node in a map. On a tree of 10,000 apps those crossings and wrappers
// were a third of the CPU, and each cgo call also hands the scheduler's P
// around, which cost most when two cores ran at once. Held in Go, a tree
// is immutable plain data: walks allocate nothing per node and read it
// from several goroutines safely.

// Node is one node of a parsed Ruby tree. Nodes are compared by pointer:
// a tree hands out one *Node per node.
type Node struct {
	tree       *rubyTree
	index      int32
	parent     int32 // -1 for the root
	next       int32 // index just past this node's subtree
	kids       int32 // offset of the first child's index in tree.kids
	kidCount   int32
	start, end uint32
	symbol     uint16
	field      uint16
	flags      uint8
}

// rubyTree is the nodes of one parse, in source order (the root first).
type rubyTree struct {
	nodes []Node
	kids  []int32 // children's indexes, grouped by parent
}

const errorSymbol = math.MaxUint16 // tree-sitter's ERROR

// Type is the node's grammar name ("call", "identifier", "ERROR", …).
func (n *Node) Type() string {
	if names := symbolNames(); int(n.symbol) < len(names) {
		return names[n.symbol]
	}
	return "ERROR"
}

// StartByte and EndByte are the node's byte range in the parsed source.
func (n *Node) StartByte() uint32 { return n.start }
func (n *Node) EndByte() uint32   { return n.end }

// IsNamed says the node is a named grammar rule rather than punctuation or
// a keyword token.
func (n *Node) IsNamed() bool { return n.flags&C.PL_NAMED != 0 }

// IsExtra says the node may appear anywhere (a comment, a heredoc body).
func (n *Node) IsExtra() bool { return n.flags&C.PL_EXTRA != 0 }

// IsMissing says tree-sitter invented the (zero-width) token to recover.
func (n *Node) IsMissing() bool { return n.flags&C.PL_MISSING != 0 }

// HasError says the node is or holds an ERROR or MISSING node.
func (n *Node) HasError() bool { return n.flags&C.PL_HAS_ERROR != 0 }

// IsError says the node is an ERROR node.
func (n *Node) IsError() bool { return n.symbol == errorSymbol }

// Equal is pointer identity, kept for the callers written against
// go-tree-sitter.
func (n *Node) Equal(other *Node) bool { return n == other }

// Parent returns the node's parent, nil for the root.
func (n *Node) Parent() *Node {
	if n.parent < 0 {
		return nil
	}
	return &n.tree.nodes[n.parent]
}

// ChildCount counts every child, extras included.
func (n *Node) ChildCount() uint32 { return uint32(n.kidCount) }

// Child returns child i, nil past the last.
func (n *Node) Child(i int) *Node {
	if i < 0 || i >= int(n.kidCount) {
		return nil
	}
	return &n.tree.nodes[n.tree.kids[int(n.kids)+i]]
}

// NamedChildCount counts the named children, extras included.
func (n *Node) NamedChildCount() uint32 {
	count := uint32(0)
	for _, k := range n.children() {
		if n.tree.nodes[k].IsNamed() {
			count++
		}
	}
	return count
}

// NamedChild returns named child i, nil past the last.
func (n *Node) NamedChild(i int) *Node {
	for _, k := range n.children() {
		if c := &n.tree.nodes[k]; c.IsNamed() {
			if i == 0 {
				return c
			}
			i--
		}
	}
	return nil
}

// ChildByFieldName returns the first child in the named field, nil when
// none. An ERROR node has no fields, as tree-sitter answers, though a
// cursor may name the field a child held in the rule that failed.
func (n *Node) ChildByFieldName(name string) *Node { return n.childInField(name, false) }

// childInField is the first child in the named field, leaving out extras
// (comments tree-sitter files under the surrounding field) when
// skipExtras is set.
func (n *Node) childInField(name string, skipExtras bool) *Node {
	id, ok := fieldIDs()[name]
	if !ok || n.IsError() {
		return nil
	}
	for _, k := range n.children() {
		if c := &n.tree.nodes[k]; c.field == id && !(skipExtras && c.IsExtra()) {
			return c
		}
	}
	return nil
}

// FieldName is the field the node fills in its parent ("" for none).
func (n *Node) FieldName() string {
	if names := fieldNames(); int(n.field) < len(names) {
		return names[n.field]
	}
	return ""
}

func (n *Node) children() []int32 {
	return n.tree.kids[n.kids : n.kids+n.kidCount]
}

// Content returns the node's text in src, the source it was parsed from.
func (n *Node) Content(src []byte) string { return string(src[n.start:n.end]) }

// parseRubyTree parses src and returns its root. deep is the first node
// nested MaxRubyNesting deep (nil when none; the tree then stops there).
func parseRubyTree(src []byte) (root, deep *Node, err error) {
	if len(src) > math.MaxUint32 {
		return nil, nil, fmt.Errorf("%d bytes is too large to parse", len(src))
	}
	p := getParser()
	if p == nil {
		return nil, nil, errors.New("tree-sitter could not make a Ruby parser")
	}
	var data *C.char
	if len(src) > 0 {
		data = (*C.char)(unsafe.Pointer(&src[0]))
	}
	res := C.pl_parse(p, data, C.uint32_t(len(src)), C.int32_t(MaxRubyNesting))
	putParser(p)
	switch res.status {
	case 1:
		return nil, nil, errors.New("tree-sitter could not parse it")
	case 2:
		return nil, nil, errors.New("out of memory while parsing")
	}
	recs := unsafe.Slice(res.nodes, int(res.count))
	t := buildRubyTree(recs)
	C.pl_free(unsafe.Pointer(res.nodes))
	if res.deep >= 0 {
		deep = &t.nodes[res.deep]
	}
	return &t.nodes[0], deep, nil
}

// buildRubyTree copies the C record into Go and groups children's indexes
// by parent (counting first, so kids is allocated once).
func buildRubyTree(recs []C.pl_node) *rubyTree {
	t := &rubyTree{nodes: make([]Node, len(recs)), kids: make([]int32, max(len(recs)-1, 0))}
	for i := range recs {
		r := &recs[i]
		t.nodes[i] = Node{
			tree:   t,
			index:  int32(i),
			parent: int32(r.parent),
			next:   int32(r.next),
			start:  uint32(r.start_byte),
			end:    uint32(r.end_byte),
			symbol: uint16(r.symbol),
			field:  uint16(r.field),
			flags:  uint8(r.flags),
		}
		if r.parent >= 0 {
			t.nodes[r.parent].kidCount++
		}
	}
	offset := int32(0)
	for i := range t.nodes {
		t.nodes[i].kids = offset
		offset += t.nodes[i].kidCount
		t.nodes[i].kidCount = 0 // refilled below, in order
	}
	for i := 1; i < len(t.nodes); i++ {
		p := &t.nodes[t.nodes[i].parent]
		t.kids[p.kids+p.kidCount] = int32(i)
		p.kidCount++
	}
	return t
}

// parsers are tree-sitter parsers for reuse: a parser carries state only
// during a parse, and an app parses dozens of files and snippets. At most
// a few are kept; any more are freed (sync.Pool would drop them without
// freeing the C memory).
var parsers = make(chan unsafe.Pointer, 16)

func getParser() unsafe.Pointer {
	select {
	case p := <-parsers:
		return p
	default:
		return C.pl_parser_new()
	}
}

func putParser(p unsafe.Pointer) {
	select {
	case parsers <- p:
	default:
		C.pl_parser_delete(p)
	}
}

// symbolNames and fieldNames are the grammar's names, by id; fieldIDs is
// the reverse of fieldNames.
var (
	symbolNames = sync.OnceValue(func() []string {
		lang := rubyLanguage()
		names := make([]string, lang.SymbolCount())
		for i := range names {
			names[i] = lang.SymbolName(sitterSymbol(i))
		}
		return names
	})
	fieldNames = sync.OnceValue(func() []string {
		lang := rubyLanguage()
		names := []string{""}
		for i := 1; ; i++ {
			name := lang.FieldName(i)
			if name == "" {
				return names
			}
			names = append(names, name)
		}
	})
	fieldIDs = sync.OnceValue(func() map[string]uint16 {
		ids := map[string]uint16{}
		for i, name := range fieldNames() {
			if i > 0 {
				ids[name] = uint16(i)
			}
		}
		return ids
	})
)
