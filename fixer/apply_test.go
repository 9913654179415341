package fixer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ins(at int, text string) Edit { return Edit{File: "f", Start: at, End: at, NewText: text} }
func rep(start, end int, text string) Edit {
	return Edit{File: "f", Start: start, End: end, NewText: text}
}

func TestApply(t *testing.T) {
	const src = "pool: 5\nthreads: 10\n"
	tests := []struct {
		name     string
		edits    []Edit
		want     string
		deferred []Edit
	}{
		{
			name:  "none",
			edits: nil,
			want:  src,
		},
		{
			name:  "given out of order, applied by offset",
			edits: []Edit{rep(17, 19, "20"), rep(6, 7, "10")},
			want:  "pool: 10\nthreads: 20\n",
		},
		{
			name:     "an edit overlapping an accepted one is deferred",
			edits:    []Edit{rep(0, 7, "pool: 10"), rep(6, 7, "12")},
			want:     "pool: 10\nthreads: 10\n",
			deferred: []Edit{rep(6, 7, "12")},
		},
		{
			name:     "the first by offset wins, whatever the given order",
			edits:    []Edit{rep(6, 8, "12\n"), rep(0, 7, "pool: 10")},
			want:     "pool: 10\nthreads: 10\n",
			deferred: []Edit{rep(6, 8, "12\n")},
		},
		{
			name:     "an insertion strictly inside a replacement is deferred",
			edits:    []Edit{rep(0, 7, "pool: 10"), ins(3, "X")},
			want:     "pool: 10\nthreads: 10\n",
			deferred: []Edit{ins(3, "X")},
		},
		{
			name:  "identical edits are applied once",
			edits: []Edit{rep(6, 7, "10"), rep(6, 7, "10"), ins(0, "# a\n"), ins(0, "# a\n")},
			want:  "# a\npool: 10\nthreads: 10\n",
		},
		{
			name:  "insertions at one offset keep their order",
			edits: []Edit{ins(8, "b: 2\n"), ins(8, "a: 1\n"), ins(8, "c: 3\n")},
			want:  "pool: 5\nb: 2\na: 1\nc: 3\nthreads: 10\n",
		},
		{
			name:  "an insertion at a replacement's start goes before it, at its end after it",
			edits: []Edit{rep(6, 7, "10"), ins(7, ">"), ins(6, "<")},
			want:  "pool: <10>\nthreads: 10\n",
		},
		{
			name:  "touching replacements both apply",
			edits: []Edit{rep(0, 4, "size"), rep(4, 7, " = 9")},
			want:  "size = 9\nthreads: 10\n",
		},
		{
			name:  "deletion and insertion at the end of the file",
			edits: []Edit{rep(8, 20, ""), ins(20, "workers: 2\n")},
			want:  "pool: 5\nworkers: 2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, applied, deferred, err := Apply([]byte(src), tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("out = %q, want %q", out, tt.want)
			}
			if diff := cmp.Diff(tt.deferred, deferred); diff != "" {
				t.Errorf("deferred (-want +got):\n%s", diff)
			}
			if got, want := len(out), outputLen(len(src), applied); got != want {
				t.Errorf("len(out) = %d, but the applied edits make %d", got, want)
			}
		})
	}
}

func TestApplyOutOfRange(t *testing.T) {
	src := []byte("pool: 5\n")
	for _, e := range []Edit{rep(-1, 2, ""), rep(3, 2, ""), rep(0, 9, ""), ins(9, "x")} {
		out, applied, deferred, err := Apply(src, []Edit{rep(0, 4, "size"), e})
		if err == nil || !strings.Contains(err.Error(), "outside the file (8 bytes)") {
			t.Errorf("edit %+v: err = %v, want an out-of-range error", e, err)
		}
		if out != nil || applied != nil || deferred != nil {
			t.Errorf("edit %+v: something was applied: %q %v %v", e, out, applied, deferred)
		}
	}
	if _, _, _, err := Apply(src, []Edit{ins(8, "x")}); err != nil {
		t.Errorf("an insertion at the end of the file: %v", err)
	}
}

func TestConflicts(t *testing.T) {
	tests := []struct {
		a, b Edit
		want bool
	}{
		{rep(0, 5, "x"), rep(4, 6, "y"), true},
		{rep(0, 5, "x"), rep(5, 6, "y"), false}, // touching
		{rep(0, 5, "x"), ins(3, "y"), true},
		{rep(0, 5, "x"), ins(0, "y"), false},
		{rep(0, 5, "x"), ins(5, "y"), false},
		{ins(2, "x"), ins(2, "y"), false},
		{rep(0, 5, "x"), rep(0, 5, "x"), false}, // identical: lands once
		{rep(0, 5, "x"), rep(0, 5, "y"), true},
		{rep(0, 5, "x"), Edit{File: "g", Start: 0, End: 5, NewText: "y"}, false},
	}
	for _, tt := range tests {
		if got := tt.a.conflicts(tt.b); got != tt.want {
			t.Errorf("%+v conflicts %+v = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := tt.b.conflicts(tt.a); got != tt.want {
			t.Errorf("%+v conflicts %+v = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}
