package parser

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
)

// rubyCorpus parses every Ruby file of the golden apps plus a few with
// syntax errors, comments and heredocs in odd places.
func rubyCorpus(t *testing.T) []*RubyFile {
	t.Helper()
	var out []*RubyFile
	for _, src := range []string{
		"workers 2 # a comment\nthreads 1, <<~X.to_i\n  5\nX\nif x # note\n  preload_app!\nend\n",
		"def foo(\n  on_worker_boot do\nend end\n",
		"a = [1,\n# c\n 2]\nb.c(\n  # d\n  e)\n",
		"x = <<~A + <<~B\n  1\nA\n  2\nB\nend\n",
	} {
		out = append(out, parseRubyString(t, src))
	}
	err := filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rb") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r, err := ParseRuby(NewFile(p, p, src))
		if err == nil {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d Ruby files", len(out))
	}
	return out
}

// oracleNode is what go-tree-sitter's own API says of a node.
type oracleNode struct {
	typ                       string
	start, end                uint32
	field                     string
	depth                     int
	named, extra, missing     bool
	hasError, isError         bool
	childCount, namedChildren uint32
}

func describe(typ string, start, end uint32, field string, depth int, named, extra, missing, hasError, isError bool, childCount, namedChildren uint32) oracleNode {
	return oracleNode{typ, start, end, field, depth, named, extra, missing, hasError, isError, childCount, namedChildren}
}

// oracleWalk parses src with go-tree-sitter and describes every node a
// cursor from the root meets, in order, and calls also(n) on each.
func oracleWalk(t *testing.T, src []byte, also func(n *sitter.Node, depth int)) []oracleNode {
	t.Helper()
	p := sitter.NewParser()
	p.SetLanguage(rubyLanguage())
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	c := sitter.NewTreeCursor(tree.RootNode())
	defer c.Close()
	var out []oracleNode
	depth := 0
	for {
		n := c.CurrentNode()
		out = append(out, describe(n.Type(), n.StartByte(), n.EndByte(), c.CurrentFieldName(), depth,
			n.IsNamed(), n.IsExtra(), n.IsMissing(), n.HasError(), n.IsError(), n.ChildCount(), n.NamedChildCount()))
		also(n, depth)
		if c.GoToFirstChild() {
			depth++
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return out
			}
			depth--
		}
	}
}

// The record made in C (ruby_export.c) holds every node go-tree-sitter
// shows, in the same order, with the same type, bytes, field, depth,
// flags and children; and a field asked by name gives the child
// tree-sitter gives. This is also what checks that the C structs
// declared there match the tree-sitter compiled in.
func TestRecordMatchesTreeSitter(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		checkRecordMatchesTreeSitter(t, r)
	}
}

func checkRecordMatchesTreeSitter(t *testing.T, r *RubyFile) {
	t.Helper()
	fieldNames := fieldNames()[1:]
	var mine []oracleNode
	nodes := r.Root.tree.nodes
	for i := range nodes {
		n := &nodes[i]
		depth := 0
		for p := n.Parent(); p != nil; p = p.Parent() {
			depth++
		}
		mine = append(mine, describe(n.Type(), n.StartByte(), n.EndByte(), n.FieldName(), depth,
			n.IsNamed(), n.IsExtra(), n.IsMissing(), n.HasError(), n.IsError(), n.ChildCount(), n.NamedChildCount()))
	}
	i := 0
	want := oracleWalk(t, r.src, func(o *sitter.Node, _ int) {
		if i >= len(nodes) {
			return // reported below by the count
		}
		n := &nodes[i]
		i++
		for _, name := range fieldNames {
			got, want := n.ChildByFieldName(name), o.ChildByFieldName(name)
			if (got == nil) != (want == nil) || got != nil &&
				(got.StartByte() != want.StartByte() || got.EndByte() != want.EndByte() || got.Type() != want.Type()) {
				t.Fatalf("%s: field %s of the %s at %d: %v, tree-sitter gives %v", r.File.Path, name, n.Type(), n.StartByte(), got, want)
			}
		}
		if n.ChildCount() != o.ChildCount() || n.NamedChildCount() != o.NamedChildCount() {
			return // reported below with the node
		}
		for k := range int(o.ChildCount()) {
			if got, want := n.Child(k), o.Child(k); got.StartByte() != want.StartByte() || got.Type() != want.Type() {
				t.Fatalf("%s: child %d of the %s at %d differs", r.File.Path, k, n.Type(), n.StartByte())
			}
		}
		for k := range int(o.NamedChildCount()) {
			if got, want := n.NamedChild(k), o.NamedChild(k); got.StartByte() != want.StartByte() || got.Type() != want.Type() {
				t.Fatalf("%s: named child %d of the %s at %d differs", r.File.Path, k, n.Type(), n.StartByte())
			}
		}
	})
	for i := range min(len(mine), len(want)) {
		if mine[i] != want[i] {
			t.Fatalf("%s: node %d is %+v, tree-sitter says %+v", r.File.Path, i, mine[i], want[i])
		}
	}
	if len(mine) != len(want) {
		t.Fatalf("%s: %d nodes recorded, tree-sitter has %d", r.File.Path, len(mine), len(want))
	}
}

// A walk visits, in source order, every node but comments and heredoc
// bodies and what lies under them, and skips what the visitor declines;
// paths go from the start node down, each step with its field.
func TestWalkVisitsRecordInOrder(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		for _, prune := range []string{"", "call"} {
			var want []*Node
			var skipUntil int32
			for i := range r.Root.tree.nodes {
				n := &r.Root.tree.nodes[i]
				if int32(i) < skipUntil {
					continue
				}
				if isNoise(n) {
					skipUntil = n.next
					continue
				}
				want = append(want, n)
				if n.Type() == prune {
					skipUntil = n.next
				}
			}
			var got []*Node
			walkTree([]step{{node: r.Root}}, func(path []step) bool {
				n := path[len(path)-1].node
				got = append(got, n)
				for j := 1; j < len(path); j++ {
					if path[j].node.Parent() != path[j-1].node || path[j].field != path[j].node.FieldName() {
						t.Fatalf("%s: path step %d is not the child of the step before", r.File.Path, j)
					}
				}
				return n.Type() != prune
			})
			if len(got) != len(want) {
				t.Fatalf("%s: walk visited %d nodes, want %d", r.File.Path, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: visit %d is the %s at %d, want the %s at %d", r.File.Path, i, got[i].Type(), got[i].StartByte(), want[i].Type(), want[i].StartByte())
				}
			}
		}
	}
}

// pathTo gives the chain of parents from the root.
func TestPathToEveryNode(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		for i := range r.Root.tree.nodes {
			n := &r.Root.tree.nodes[i]
			path := r.pathTo(n)
			if path[0].node != r.Root || path[len(path)-1].node != n {
				t.Fatalf("%s: path to node %d does not go from the root to it", r.File.Path, i)
			}
			for j := 1; j < len(path); j++ {
				if path[j].node.Parent() != path[j-1].node {
					t.Fatalf("%s: path to node %d breaks at step %d", r.File.Path, i, j)
				}
			}
		}
	}
}

// Walk and CompactText loop over a subtree's nodes without a path; they
// give what the path walk gives, for every node of every golden file.
func TestPathlessWalksMatchWalkTree(t *testing.T) {
	compactByPath := func(r *RubyFile, n *Node) string {
		var b strings.Builder
		prevEnd := -1
		walkTree([]step{{node: n}}, func(path []step) bool {
			leaf := path[len(path)-1].node
			if leaf.ChildCount() > 0 {
				return true
			}
			tok := r.Text(leaf)
			if tok == "" {
				return false
			}
			start := int(leaf.StartByte())
			if b.Len() > 0 && start > prevEnd && isWordByte(b.String()[b.Len()-1]) && isWordByte(tok[0]) {
				b.WriteByte(' ')
			}
			b.WriteString(tok)
			prevEnd = int(leaf.EndByte())
			return false
		})
		return b.String()
	}
	for _, r := range rubyCorpus(t) {
		for i := range r.Root.tree.nodes {
			n := &r.Root.tree.nodes[i]
			if got, want := r.CompactText(n), compactByPath(r, n); got != want {
				t.Fatalf("%s: CompactText of the %s at %d is %q, the path walk gives %q", r.File.Path, n.Type(), n.StartByte(), got, want)
			}
		}
		for _, prune := range []string{"", "call", "argument_list"} {
			var got, want []*Node
			Walk(r.Root, func(n *Node) bool { got = append(got, n); return n.Type() != prune })
			walkTree([]step{{node: r.Root}}, func(path []step) bool {
				n := path[len(path)-1].node
				want = append(want, n)
				return n.Type() != prune
			})
			if !slices.Equal(got, want) {
				t.Fatalf("%s: Walk visited %d nodes, the path walk %d", r.File.Path, len(got), len(want))
			}
		}
	}
}
