package fixer

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// FuzzApply feeds Apply arbitrary texts and edits decoded from plan (three
// bytes per edit: start, length, text). Apply must never panic; edits out
// of range must be an error; otherwise the applied edits must be sorted,
// never overlap, and make exactly the output: the source between them
// untouched, each NewText in its place, and the expected length.
func FuzzApply(f *testing.F) {
	f.Add([]byte("pool: 5\nthreads: 10\n"), []byte{6, 1, 2, 0, 0, 1, 6, 1, 3})
	f.Add([]byte(""), []byte{0, 0, 1, 0, 0, 1})
	f.Add([]byte("a\r\nb\r\n"), []byte{1, 2, 0, 2, 0, 5, 3, 9, 1})
	// Real config files, each with a plan of overlapping and touching edits.
	for i, src := range appSeeds(f, 24) {
		f.Add(src, []byte{byte(i), 3, 3, byte(i + 2), 0, 1, byte(i + 2), 0, 2, byte(i + 3), 5, 0})
	}
	f.Fuzz(func(t *testing.T, src, plan []byte) {
		texts := []string{"", "x", "\n", "pool: 10\n", "\r\n", "ab"}
		var edits []Edit
		for i := 0; i+2 < len(plan) && len(edits) < 32; i += 3 {
			// Offsets may run a little past the end, to exercise the errors.
			start := int(plan[i]) % (len(src) + 3)
			edits = append(edits, Edit{File: "f", Start: start, End: start + int(plan[i+1])%8, NewText: texts[int(plan[i+2])%len(texts)]})
		}

		out, applied, deferred, err := Apply(src, edits)
		inRange := true
		for _, e := range edits {
			inRange = inRange && e.End <= len(src)
		}
		if err != nil {
			if inRange {
				t.Fatalf("error on edits in range: %v", err)
			}
			return
		}
		if !inRange {
			t.Fatalf("no error on an edit outside the %d bytes", len(src))
		}
		if len(applied)+len(deferred) > len(edits) {
			t.Fatalf("%d applied + %d deferred out of %d edits", len(applied), len(deferred), len(edits))
		}
		if len(out) != outputLen(len(src), applied) {
			t.Fatalf("len(out) = %d, want %d", len(out), outputLen(len(src), applied))
		}
		var want bytes.Buffer
		at := 0
		for i, e := range applied {
			if e.Start < at {
				t.Fatalf("applied edit %d [%d, %d) starts before the previous one ends (%d)", i, e.Start, e.End, at)
			}
			want.Write(src[at:e.Start])
			want.WriteString(e.NewText)
			at = e.End
		}
		want.Write(src[at:])
		if !bytes.Equal(out, want.Bytes()) {
			t.Fatalf("out = %q, want %q", out, want.Bytes())
		}
		for _, d := range deferred {
			overlaps := false
			for _, a := range applied {
				overlaps = overlaps || d.conflicts(a)
			}
			if !overlaps {
				t.Fatalf("deferred %+v overlaps no applied edit", d)
			}
		}
	})
}

// appSeeds returns up to n config files of testdata/apps (database.yml,
// puma.rb, Procfile), the texts fixes really edit.
func appSeeds(f *testing.F, n int) [][]byte {
	f.Helper()
	var out [][]byte
	err := filepath.WalkDir(filepath.Join("..", "testdata", "apps"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || len(out) >= n || !d.Type().IsRegular() {
			return err
		}
		switch d.Name() {
		case "database.yml", "puma.rb", "Procfile":
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, src)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	return out
}
