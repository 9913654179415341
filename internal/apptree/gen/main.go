// Command gen writes a tree of N Rails apps for benchmarks
// (scripts/bench-tree.sh): go run ./internal/apptree/gen -n 1000 -o DIR.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poollint/poollint/internal/apptree"
)

func main() {
	n := flag.Int("n", 1000, "number of apps")
	out := flag.String("o", "", "directory to write the apps under")
	cases := flag.String("cases", "testdata/apps", "the app cases to copy")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -o DIR is required")
		os.Exit(2)
	}
	written, err := apptree.Generate(*out, *cases, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d apps, %d bytes under %s\n", *n, written, *out)
}
