package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"testing"

	"github.com/poollint/poollint/internal/apptree"
)

// BenchmarkLintTree lints a generated tree of N apps (copies of the
// testdata cases) in every format. The 10,000-app tree is written only
// when POOLLINT_BENCH_10K is set, so `go test ./...` stays fast; the
// numbers in the README come from scripts/bench-tree.sh, which also
// measures cat, GOMAXPROCS=1 vs 2 and peak RSS.
func BenchmarkLintTree(b *testing.B) {
	// The binary tunes the GC in main; measure what it runs.
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tuneGC()
	sizes := []int{1, 1000}
	if os.Getenv("POOLLINT_BENCH_10K") != "" {
		sizes = append(sizes, 10000)
	}
	for _, n := range sizes {
		dir := b.TempDir()
		if _, err := apptree.Generate(dir, "../../testdata/apps", n); err != nil {
			b.Fatal(err)
		}
		for _, format := range []string{"text", "json", "sarif", "github", "checkstyle"} {
			b.Run(fmt.Sprintf("apps=%d/%s", n, format), func(b *testing.B) {
				for range b.N {
					if code := run([]string{"--format", format, dir}, io.Discard, io.Discard); code == exitTrouble {
						b.Fatalf("exit %d", code)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("apps=%d/budget", n), func(b *testing.B) {
			for range b.N {
				run([]string{"budget", dir}, io.Discard, io.Discard)
			}
		})
	}
}
