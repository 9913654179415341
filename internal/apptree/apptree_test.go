package apptree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerate(t *testing.T) {
	dst := t.TempDir()
	cases, err := Cases("../../testdata/apps")
	if err != nil {
		t.Fatal(err)
	}
	n := len(cases) + 2 // wraps around to the first cases
	if _, err := Generate(dst, "../../testdata/apps", n); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dst)
	if err != nil || len(entries) != n {
		t.Fatalf("%d apps, %v; want %d", len(entries), err, n)
	}
	// The last app is a copy of the second case.
	want, _ := os.ReadDir(cases[1])
	got, _ := os.ReadDir(filepath.Join(dst, entries[n-1].Name()))
	if len(got) != len(want) {
		t.Errorf("app %s has %d entries, case %s has %d", entries[n-1].Name(), len(got), cases[1], len(want))
	}
}
