package fixer

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// runner is the state of one Run across its passes.
type runner struct {
	s            Session
	res          Result
	refusedFiles map[string]bool // never touched again in this run
	refusedFixes map[string]bool // by fixKey: a rule's fix that broke a file's syntax
	reported     map[string]bool // refusals already in res.Refused
	before       map[string][]byte
	after        map[string][]byte
	overlay      Overlay         // Preview: what the passes wrote, by real path
	changed      map[string]int  // passes that found the file changed on disk since its lint
	scannedDirs  map[string]bool // directories already searched for stale temp files
}

func newRunner(s Session) *runner {
	r := &runner{
		s:            s,
		refusedFiles: map[string]bool{},
		refusedFixes: map[string]bool{},
		reported:     map[string]bool{},
		before:       map[string][]byte{},
		after:        map[string][]byte{},
		changed:      map[string]int{},
		scannedDirs:  map[string]bool{},
	}
	if s.dryRun {
		r.overlay = Overlay{}
	}
	return r
}

// maxChanged is how many passes may find a file changed on disk since its
// lint before the run gives up on it: each such pass lints the file again
// as it now is, and a file that keeps changing belongs to someone busy
// with it.
const maxChanged = 2

// applicable returns the fixes of one lint that can be applied to the
// files as the lint read them (contents), with their edits adapted to each
// file's style. Fixes that cannot fit are refused; fixes that
// would change nothing are dropped, so an app whose only fixes are no-ops
// counts as settled.
func (r *runner) applicable(fixes []Fix, contents map[string][]byte) []Fix {
	var out []Fix
	for _, f := range fixes {
		if len(f.Edits) == 0 || r.refusedFixes[fixKey(f)] || slices.ContainsFunc(f.Edits, r.inRefusedFile) {
			continue
		}
		prepared, changes, err := r.prepare(f, contents)
		var fe *FileError
		switch {
		case errors.As(err, &fe):
			r.refuseFile(fe.Path, Unwritable, fe.Err)
		case err != nil:
			r.refuse(Refusal{File: f.Edits[0].File, Label: f.Label, Kind: BadEdits, Err: err})
		case changes:
			out = append(out, prepared)
		}
	}
	return out
}

func (r *runner) inRefusedFile(e Edit) bool { return r.refusedFiles[e.File] }

// prepare checks f's edits against the files they apply to and adapts them
// to each file's style. changes is false when every edit would leave its
// bytes as they are. A file that cannot be read is a *FileError.
func (r *runner) prepare(f Fix, contents map[string][]byte) (prepared Fix, changes bool, err error) {
	prepared = Fix{Label: f.Label, Edits: make([]Edit, 0, len(f.Edits))}
	for _, e := range f.Edits {
		src, err := r.read(e.File, contents)
		if err != nil {
			return Fix{}, false, err
		}
		if e.Start < 0 || e.End < e.Start || e.End > len(src) {
			return Fix{}, false, fmt.Errorf("edit [%d, %d) is outside the file (%d bytes)", e.Start, e.End, len(src))
		}
		if bytes.HasPrefix(src, utf8BOM) && (splitsBOM(e.Start) || splitsBOM(e.End)) {
			return Fix{}, false, fmt.Errorf("edit [%d, %d) splits the byte order mark", e.Start, e.End)
		}
		e = inFileStyle(src, e)
		for _, o := range prepared.Edits {
			if e.conflicts(o) {
				return Fix{}, false, fmt.Errorf("the fix's own edits [%d, %d) and [%d, %d) overlap", o.Start, o.End, e.Start, e.End)
			}
		}
		changes = changes || string(src[e.Start:e.End]) != e.NewText
		prepared.Edits = append(prepared.Edits, e)
	}
	return prepared, changes, nil
}

func splitsBOM(offset int) bool { return 0 < offset && offset < len(utf8BOM) }

// read returns the content of the file rel as the lint read it: the bytes
// the fix's offsets are into. Reading the file again here would apply the
// offsets to whatever it holds now.
func (r *runner) read(rel string, contents map[string][]byte) ([]byte, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return nil, &FileError{Path: rel, Err: errors.New("the path is outside the app; not writing it")}
	}
	src, ok := contents[rel]
	if !ok {
		return nil, errors.New("the fix edits a file the lint did not read; its offsets have nothing to apply to")
	}
	return src, nil
}

// apply applies one pass's fixes: it picks the fixes that do not overlap,
// applies them per file, verifies and stages every file, and only then
// renames the staged files over the old ones, so a refusal found late
// never leaves a multi-file fix half written. A file that fails
// verification or cannot be staged drops the fixes responsible, and the
// rest is tried again.
func (r *runner) apply(todo []Fix, contents map[string][]byte) {
	accepted := nonOverlapping(todo)
	for len(accepted) > 0 {
		files, drop, changed := r.stageAll(accepted, contents)
		if changed {
			for _, s := range files {
				s.discard()
			}
			return
		}
		if len(drop) > 0 {
			for _, s := range files {
				s.discard()
			}
			kept := accepted[:0]
			for i, f := range accepted {
				if !drop[i] {
					kept = append(kept, f)
				}
			}
			accepted = kept
			continue
		}
		// Every staged file is checked against its lint once more before
		// any is renamed, so a change found now leaves the whole pass
		// unwritten; commit checks each again right before its rename.
		for _, s := range files {
			if err := s.unchanged(r.overlay); err != nil {
				for _, s := range files {
					s.discard()
				}
				r.changedOnDisk(s.rel)
				return
			}
		}
		failed := map[string]bool{}
		for _, s := range files {
			err := s.commit(r.overlay)
			switch {
			case errors.Is(err, errChanged):
				failed[s.rel] = true
				r.changedOnDisk(s.rel)
				continue
			case err != nil:
				failed[s.rel] = true
				r.refuseFile(s.rel, Unwritable, errors.Unwrap(err))
				continue
			}
			if _, ok := r.before[s.rel]; !ok {
				r.before[s.rel] = contents[s.rel]
			}
			r.after[s.rel] = s.data
		}
		for _, f := range accepted {
			if !slices.ContainsFunc(f.Edits, func(e Edit) bool { return failed[e.File] }) {
				r.res.Fixed++
			}
		}
		return
	}
}

// stageAll applies the accepted fixes file by file, verifies each result
// and stages it. drop holds the indexes in accepted of the fixes to leave
// out of this pass when a file was refused; the caller then discards what
// was staged and tries again without them.
// A file changed on disk since its lint stops the pass: nothing is staged
// and changed is true, and the next pass lints the app again.
func (r *runner) stageAll(accepted []Fix, contents map[string][]byte) (files []*staged, drop map[int]bool, changed bool) {
	byFile := map[string][]Edit{}
	for _, f := range accepted {
		for _, e := range f.Edits {
			byFile[e.File] = append(byFile[e.File], e)
		}
	}
	targets := map[string]bool{}
	for _, file := range slices.Sorted(maps.Keys(byFile)) {
		src := contents[file]
		fixed, err := applyAll(src, byFile[file])
		if err != nil { // prepare and nonOverlapping rule this out
			r.refuseFile(file, BadEdits, err)
			return files, touching(accepted, file), false
		}
		if r.s.Verify != nil {
			if err := r.s.Verify(file, src, fixed); err != nil {
				return files, r.blameSyntax(file, src, accepted, err), false
			}
		}
		s, err := stage(r.s.Root, file, src, fixed, r.overlay)
		if errors.Is(err, errChanged) {
			r.changedOnDisk(file)
			return files, nil, true
		}
		if err != nil {
			r.refuseFile(file, Unwritable, errors.Unwrap(err))
			return files, touching(accepted, file), false
		}
		if targets[s.target] {
			// Two paths (one a symlink) lead to one file: the second
			// rename would undo the first. Its fixes wait for a pass
			// that lints the file with the first ones applied.
			s.discard()
			return files, touching(accepted, file), false
		}
		targets[s.target] = true
		files = append(files, s)
	}
	return files, nil, false
}

// blameSyntax finds which of the accepted fixes of file broke its syntax
// and refuses them; it returns the indexes of the fixes to leave out of
// this pass. When each fix is fine alone and only their combination fails,
// the first is kept and the others wait for the next pass, where their
// rules see the file with it applied.
func (r *runner) blameSyntax(file string, src []byte, accepted []Fix, combined error) map[int]bool {
	candidates := slices.Sorted(maps.Keys(touching(accepted, file)))
	drop := map[int]bool{}
	for _, i := range candidates {
		err := combined
		if len(candidates) > 1 {
			alone, aerr := applyAll(src, editsIn(accepted[i], file))
			if aerr == nil {
				aerr = r.s.Verify(file, src, alone)
			}
			err = aerr
		}
		if err != nil {
			r.refusedFixes[fixKey(accepted[i])] = true
			r.refuse(Refusal{File: file, Label: accepted[i].Label, Kind: BadSyntax, Err: err})
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		for _, i := range candidates[1:] {
			drop[i] = true
		}
	}
	return drop
}

// applyAll applies edits that are known not to overlap.
func applyAll(src []byte, edits []Edit) ([]byte, error) {
	out, _, deferred, err := Apply(src, edits)
	if err == nil && len(deferred) > 0 {
		err = fmt.Errorf("edit [%d, %d) overlaps another", deferred[0].Start, deferred[0].End)
	}
	return out, err
}

// editsIn returns f's edits of one file.
func editsIn(f Fix, file string) []Edit {
	var out []Edit
	for _, e := range f.Edits {
		if e.File == file {
			out = append(out, e)
		}
	}
	return out
}

// touching returns the indexes of the fixes that edit file.
func touching(fixes []Fix, file string) map[int]bool {
	out := map[int]bool{}
	for i, f := range fixes {
		if len(editsIn(f, file)) > 0 {
			out[i] = true
		}
	}
	return out
}

// nonOverlapping picks, in the order the linter gave them, the fixes none
// of whose edits conflicts with an edit of a fix picked before. Two fixes
// inserting different text at one offset count as overlapping too: each
// rule computed its insertion without the other's, so the second waits
// for a pass that sees the first (two `before_fork` blocks added at the
// end of one file would otherwise both land).
func nonOverlapping(fixes []Fix) []Fix {
	var picked []Fix
	var taken []Edit
	for _, f := range fixes {
		clash := slices.ContainsFunc(f.Edits, func(e Edit) bool {
			return slices.ContainsFunc(taken, func(t Edit) bool {
				return e.conflicts(t) || e.File == t.File && e.isInsertion() && t.isInsertion() && e.Start == t.Start && e.NewText != t.NewText
			})
		})
		if !clash {
			picked = append(picked, f)
			taken = append(taken, f.Edits...)
		}
	}
	return picked
}

// fixKey identifies a fix across passes, where its offsets move as other
// fixes land: its label and the files it edits. A fix refused for breaking
// a file's syntax is not retried on later passes, nor are the other fixes
// of its rule for the same files: a rule whose edits broke a file once is
// not trusted with it again in the same run.
func fixKey(f Fix) string {
	var files []string
	for _, e := range f.Edits {
		if !slices.Contains(files, e.File) {
			files = append(files, e.File)
		}
	}
	slices.Sort(files)
	return f.Label + "\x00" + strings.Join(files, "\x00")
}

// changedOnDisk notes that file changed since the lint its fixes came
// from. The pass writes nothing more of it and the next one lints it
// again; a file that keeps changing is refused.
func (r *runner) changedOnDisk(file string) {
	r.changed[file]++
	if r.changed[file] > maxChanged {
		r.refuseFile(file, Changed, fmt.Errorf("it changed on disk while poollint was fixing it (another --fix, or an editor saving it), %d times; not written: run poollint again when it is done", r.changed[file]))
	}
}

// refuseFile refuses every fix of a file for the rest of the run.
func (r *runner) refuseFile(file string, kind RefusalKind, err error) {
	r.refusedFiles[file] = true
	r.refuse(Refusal{File: file, Kind: kind, Err: err})
}

// refuse records a refusal once, however many passes meet it (its message
// may change as other fixes land: "outside the file (24 bytes)").
func (r *runner) refuse(ref Refusal) {
	key := fmt.Sprintf("%s\x00%s\x00%d", ref.File, ref.Label, ref.Kind)
	if !r.reported[key] {
		r.reported[key] = true
		r.res.Refused = append(r.res.Refused, ref)
	}
}

// result is the Result so far, with the changes in path order.
func (r *runner) result() Result {
	res := r.res
	res.Changes = nil
	for _, file := range slices.Sorted(maps.Keys(r.after)) {
		if !bytes.Equal(r.before[file], r.after[file]) {
			res.Changes = append(res.Changes, Change{File: file, Before: r.before[file], After: r.after[file]})
		}
	}
	return res
}
