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

// Linter lints the app at root as it is on disk now and returns the fixes
// to apply: already selected, safe ones plus unsafe ones when the user
// asked. The caller keeps what else it needs (the diagnostics of the last
// call are what remains after the run).
type Linter func(root string) ([]Fix, error)

// Session is one fixing run over one app.
type Session struct {
	Root      string   // the app root: files are read and written below it
	Lint      Linter   // called once per pass, and once more at the end
	Verify    Verifier // checks each rewrite before it is written; nil checks nothing
	MaxPasses int      // 0 means DefaultMaxPasses
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
)

// Run lints, fixes and re-lints the app at s.Root until no fix is left to
// apply, at most s.MaxPasses times, writing each pass's files before the
// next lint reads them. The error is the Linter's: the app could not be
// linted, and the files are as the passes before left them.
func Run(s Session) (Result, error) {
	maxPasses := s.MaxPasses
	if maxPasses <= 0 {
		maxPasses = DefaultMaxPasses
	}
	r := newRunner(s)
	for pass := 1; ; pass++ {
		fixes, err := s.Lint(s.Root)
		if err != nil {
			return r.result(), err
		}
		contents := map[string][]byte{}
		todo := r.applicable(fixes, contents)
		if len(todo) == 0 {
			r.res.Settled = true
			return r.result(), nil
		}
		if pass > maxPasses {
			return r.result(), nil
		}
		r.res.Passes = pass
		r.apply(todo, contents)
	}
}
