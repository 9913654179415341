package fixer

import (
	"cmp"
	"fmt"
	"slices"
)

// Apply applies edits to src, all of whose offsets are into src. Edits are
// applied in order of Start; at one offset, insertions come before a
// replacement, and insertions keep the order they were given in (a fix that
// inserts two lines at one place means them in that order). An edit that
// overlaps one already accepted is returned in deferred, for a later pass
// over the re-linted file: its offsets no longer mean anything once the
// other edit lands. An edit identical to one already accepted is dropped:
// two diagnostics may propose the same repair, and it must land once.
// An edit outside src is an error and nothing is applied, since offsets
// that do not fit the file mean the edit was computed for other bytes.
//
// len(out) is len(src) plus, over applied, len(NewText) - (End - Start).
func Apply(src []byte, edits []Edit) (out []byte, applied, deferred []Edit, err error) {
	for _, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(src) {
			return nil, nil, nil, fmt.Errorf("edit [%d, %d) of %s is outside the file (%d bytes)", e.Start, e.End, e.File, len(src))
		}
	}
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		// An insertion at a replacement's start goes before its new text;
		// between insertions the given order stands (the sort is stable).
		switch {
		case a.isInsertion() && !b.isInsertion():
			return -1
		case !a.isInsertion() && b.isInsertion():
			return 1
		}
		return 0
	})

	end := 0 // the end of the last accepted edit: nothing before it may change again
	for _, e := range sorted {
		switch {
		case slices.ContainsFunc(applied, e.sameAs):
			// applied once already
		case e.Start < end:
			deferred = append(deferred, e)
		default:
			applied = append(applied, e)
			end = e.End
		}
	}

	out = make([]byte, 0, outputLen(len(src), applied))
	at := 0
	for _, e := range applied {
		out = append(out, src[at:e.Start]...)
		out = append(out, e.NewText...)
		at = e.End
	}
	out = append(out, src[at:]...)
	return out, applied, deferred, nil
}

// isInsertion reports whether e replaces nothing.
func (e Edit) isInsertion() bool { return e.Start == e.End }

// sameAs reports whether e and o make the same change to the same bytes.
func (e Edit) sameAs(o Edit) bool {
	return e.File == o.File && e.Start == o.Start && e.End == o.End && e.NewText == o.NewText
}

// conflicts reports whether e and o cannot both be applied to one text:
// they change overlapping bytes, or one inserts strictly inside the bytes
// the other replaces. Edits that only touch (one ends where the other
// starts), insertions at one offset, and identical edits (they land once)
// do not conflict.
func (e Edit) conflicts(o Edit) bool {
	return e.File == o.File && !e.sameAs(o) && e.Start < o.End && o.Start < e.End
}

// outputLen is the length of a text of n bytes after the applied edits.
func outputLen(n int, applied []Edit) int {
	for _, e := range applied {
		n += len(e.NewText) - (e.End - e.Start)
	}
	return n
}
