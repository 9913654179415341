package fixer

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/poollint/poollint/redact"
)

// Diff returns the unified diff that turns before into after, with three
// lines of context and the `--- a/PATH` / `+++ b/PATH` headers git writes,
// so the output of --diff can be reviewed like any patch and applied with
// `git apply` or `patch -p1`. It is "" when nothing changed. It is
// printed, so its secrets are masked and its path and lines cannot act
// on the terminal (redact.Diff): a hunk that shows a password no longer
// applies, and that is the price of not printing it.
func Diff(path string, before, after []byte) string {
	path = redact.Path(strings.TrimPrefix(path, "/")) // "a//srv/app" would name nothing
	return redact.Diff(udiff.Unified("a/"+path, "b/"+path, string(before), string(after)))
}
