package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var updateFixed = flag.Bool("update-fixed", false, "rewrite the <case>.fixed trees of testdata/apps from what --fix does")

// TestFixedGolden runs --fix (safe fixes only) on a copy of every case of
// testdata/apps and compares the whole tree it leaves with <case>.fixed/.
// A case that --fix leaves as it was has no fixed tree, and a fixed tree
// whose case is gone or unchanged by --fix is stale: both fail, so the
// trees always say exactly which cases --fix rewrites. Regenerate with
//
//	go test ./cmd/poollint -run TestFixedGolden -update-fixed
//
// and read the diff of testdata/apps/*.fixed.
func TestFixedGolden(t *testing.T) {
	names := fixCaseNames(t)
	cases := map[string]bool{}
	for _, name := range names {
		cases[name] = true
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := fixCopy(t, name, safeFixes)
			goldenDir := filepath.Join(testdataApps, name+fixedSuffix)
			var got map[string]string
			if len(r.changed()) > 0 {
				got = r.after
			}
			if *updateFixed {
				writeFixedTree(t, goldenDir, got)
				return
			}
			want := readTree(t, goldenDir)
			switch {
			case len(got) == 0 && len(want) > 0:
				t.Fatalf("--fix changes nothing in %s, but %s exists (remove it, or run with -update-fixed)", name, goldenDir)
			case len(got) > 0 && len(want) == 0:
				t.Fatalf("--fix changes %v in %s, but there is no %s (run go test ./cmd/poollint -run TestFixedGolden -update-fixed)\nstderr: %s",
					r.changed(), name, goldenDir, r.stderr)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the tree after --fix differs from %s (-want +got):\n%s", goldenDir, diff)
			}
		})
	}

	// A fixed tree must belong to a case.
	entries, err := os.ReadDir(testdataApps)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), fixedSuffix); ok && !cases[base] {
			if *updateFixed {
				if err := os.RemoveAll(filepath.Join(testdataApps, e.Name())); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("%s has no case %s beside it", e.Name(), base)
		}
	}
}

// writeFixedTree replaces the tree at dir with files; no files removes it.
func writeFixedTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
