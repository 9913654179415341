package fixer

// Preview does what Run would do to the app at s.Root and writes nothing:
// --diff shows the changes of every pass. The rewrites of each pass are
// kept in memory, in the overlay the Linter is given, so the passes after
// the first lint the files as the first left them without a copy of the
// app (an app with compiled assets can be gigabytes). Each rewrite meets
// the refusals Run's would (syntax check, symlink out of the app,
// read-only file or directory, hard links, owner) and the same check that
// the file still holds what its lint read. Changes hold the original
// content (Before) and the fixed one.
func Preview(s Session) (Result, error) {
	s.dryRun = true
	return Run(s)
}
