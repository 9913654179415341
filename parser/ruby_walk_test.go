package parser

import (
	"io/fs"
	"os"
	"path/filepath"
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

type visited struct {
	node  *sitter.Node
	field string
	depth int
}

func record(walk func([]step, func([]step) bool), start []step, prune func(*sitter.Node) bool) []visited {
	var got []visited
	walk(start, func(path []step) bool {
		last := path[len(path)-1]
		got = append(got, visited{last.node, last.field, len(path)})
		return !prune(last.node)
	})
	return got
}

// The walk over the first walk's record visits what a cursor walk
// visits, in the same order with the same paths, from the root and from
// inner nodes, and skips what the visitor declines.
func TestRecordedWalkMatchesCursorWalk(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		prunes := map[string]func(*sitter.Node) bool{
			"all":   func(*sitter.Node) bool { return false },
			"calls": func(n *sitter.Node) bool { return n.Type() == "call" },
		}
		for name, prune := range prunes {
			starts := [][]step{{{node: r.Root}}}
			for i, v := range record(walkTree, []step{{node: r.Root}}, prunes["all"]) {
				if i%5 == 3 {
					starts = append(starts, r.pathTo(v.node))
				}
			}
			for _, start := range starts {
				want := record(walkTree, start, prune)
				got := record(r.walk, start, prune)
				if len(got) != len(want) {
					t.Fatalf("%s (%s): %d nodes visited, want %d", r.File.Path, name, len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s (%s): visit %d is %+v, want %+v", r.File.Path, name, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestNodeTypeIsType(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		walkTree([]step{{node: r.Root}}, func(path []step) bool {
			n := path[len(path)-1].node
			if got, want := NodeType(n), n.Type(); got != want {
				t.Fatalf("%s: NodeType %q, Type %q", r.File.Path, got, want)
			}
			return true
		})
	}
}

// Children read from the record are the ones a cursor at the node gives.
func TestRecordedNamedStepsMatchCursor(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		walkTree([]step{{node: r.Root}}, func(path []step) bool {
			n := path[len(path)-1].node
			got, want := r.namedSteps(n), namedSteps(n)
			if len(got) != len(want) {
				t.Fatalf("%s: %d named children of a %s, want %d", r.File.Path, len(got), n.Type(), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: child %d of a %s is %+v, want %+v", r.File.Path, i, n.Type(), got[i], want[i])
				}
			}
			return true
		})
	}
}

// A field read from the record is the child tree-sitter gives.
func TestRecordedFieldMatchesTreeSitter(t *testing.T) {
	for _, r := range rubyCorpus(t) {
		names := map[string]bool{}
		for _, f := range r.flat {
			names[f.field] = true
		}
		delete(names, "")
		walkTree([]step{{node: r.Root}}, func(path []step) bool {
			n := path[len(path)-1].node
			for name := range names {
				if got, want := r.field(n, name), field(n, name); got != want {
					t.Fatalf("%s: field %s of a %s is %v, want %v", r.File.Path, name, n.Type(), got, want)
				}
			}
			return true
		})
	}
}
