package fixer

// DefaultMaxPasses bounds the lint-and-fix loop. Each pass applies every
// fix that does not overlap another; a fix deferred for an overlap, or one
// a rule only proposes once another fix landed, takes one more pass. Two
// or three passes settle every real case; more means fixes that undo each
// other, and looping on would only rewrite the files again.
const DefaultMaxPasses = 5

// Fix is one proposed repair as the driver sees it: edits, possibly in
// several files, that land together or not at all (half a fix, like a
// `do` without its `end`, is worse than none).
type Fix struct {
	Label string // names the fix in messages: the rule ID
	Edits []Edit
}

// Lint is what one lint of the app gives the fixer: the fixes to apply
// (already selected: safe ones, plus unsafe ones when the user asked) and
// the content of every file the lint read, by app-relative path. The
// fixes' offsets are into exactly those bytes, so they are applied to
// them, never to a newer read of the file: another --fix or an editor may
// have changed it since (see write.go for how a change is caught).
type Lint struct {
	Fixes []Fix
	Read  map[string][]byte
}

// Linter lints the app at root and returns what the fixer needs. overlay
// is nil in Run; in Preview it holds the content the earlier passes gave
// each file, by the file's real path (symlinks resolved, absolute): the
// lint must read those bytes instead of the file on disk, so that --diff
// shows every pass without writing anything. The caller keeps what else
// it needs (the diagnostics of the last call are what remains after the
// run).
type Linter func(root string, overlay Overlay) (Lint, error)

// Overlay is the content of files as a Preview's passes left them, by real
// path.
type Overlay map[string][]byte

// Session is one fixing run over one app.
type Session struct {
	Root      string   // the app root: files are read and written below it
	Lint      Linter   // called once per pass, and once more at the end
	Verify    Verifier // checks each rewrite before it is written; nil checks nothing
	MaxPasses int      // 0 means DefaultMaxPasses

	dryRun bool // Preview: stage in the overlay, write nothing
}

// Result is what a run did.
type Result struct {
	Fixed   int      // fixes applied, over all passes
	Changes []Change // the files that changed, by path
	Passes  int      // passes that tried to apply fixes
	// Settled is false when the last lint still proposed fixes after
	// MaxPasses passes: the fixes keep changing the files.
	Settled bool
	Refused []Refusal
	// StaleTemps are temp files an interrupted --fix left beside the
	// app's files (app-relative): Run removed them, Preview only names
	// them, since --diff writes nothing.
	StaleTemps []StaleTemp
}

// Change is one file's content before the run and after it.
type Change struct {
	File          string // app-relative
	Before, After []byte
}

// Refusal is a fix, or every fix of a file, that was not applied.
type Refusal struct {
	File  string // app-relative
	Label string // the fix's label; "" when the whole file was refused
	Kind  RefusalKind
	Err   error
}

// RefusalKind says why a fix was refused, so the caller can tell a broken
// fix from a file it may not write.
type RefusalKind int

const (
	BadEdits   RefusalKind = iota // the edits do not fit the file (out of range, overlapping each other)
	BadSyntax                     // the Verifier refused the result
	Unwritable                    // the file may not or could not be written (read-only, symlink out of the app)
	Changed                       // the file kept changing on disk while the run was fixing it
)

// Run lints, fixes and re-lints the app at s.Root until no fix is left to
// apply, at most s.MaxPasses times, writing each pass's files before the
// next lint reads them. A file that changed on disk since the lint that
// computed its fixes is not written; the next pass lints it again as it
// now is (and after maxChanged such passes it is refused). The error is the Linter's: the app could not be
// linted, and the files are as the passes before left them.
func Run(s Session) (Result, error) {
	maxPasses := s.MaxPasses
	if maxPasses <= 0 {
		maxPasses = DefaultMaxPasses
	}
	r := newRunner(s)
	for pass := 1; ; pass++ {
		lint, err := s.Lint(s.Root, r.overlay)
		if err != nil {
			return r.result(), err
		}
		r.cleanStaleTemps(lint.Read)
		todo := r.applicable(lint.Fixes, lint.Read)
		if len(todo) == 0 {
			r.res.Settled = true
			return r.result(), nil
		}
		if pass > maxPasses {
			return r.result(), nil
		}
		r.res.Passes = pass
		r.apply(todo, lint.Read)
	}
}
