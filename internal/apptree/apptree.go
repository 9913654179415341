// Package apptree writes a tree of N Rails apps for benchmarks: copies of
// the cases under testdata/apps, taken in turn, each in a directory of its
// own. Only regular files and directories are copied.
package apptree

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Cases lists the app cases under dir (testdata/apps): its directories,
// without the `.fixed` trees of the fix goldens, sorted.
func Cases(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasSuffix(e.Name(), ".fixed") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no app cases under %s", dir)
	}
	return out, nil
}

// Generate writes n apps under dst (app-00000, app-00001, ...), copying
// the cases of casesDir in turn, and returns the bytes written.
func Generate(dst, casesDir string, n int) (int64, error) {
	cases, err := Cases(casesDir)
	if err != nil {
		return 0, err
	}
	var total int64
	for i := range n {
		w, err := copyTree(filepath.Join(dst, fmt.Sprintf("app-%05d", i)), cases[i%len(cases)])
		total += w
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func copyTree(dst, src string) (int64, error) {
	var total int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			total += int64(len(b))
			return os.WriteFile(target, b, 0o644)
		}
		return nil // symlinks and special files stay out of a benchmark tree
	})
	return total, err
}
