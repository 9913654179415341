package fixer

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Diff returns the unified diff that turns before into after, with three
// lines of context and the `--- a/PATH` / `+++ b/PATH` headers git writes,
// so the output of --diff can be reviewed like any patch and applied with
// `git apply` or `patch -p1`. It is "" when nothing changed.
func Diff(path string, before, after []byte) string {
	path = strings.TrimPrefix(path, "/") // "a//srv/app" would name nothing
	return udiff.Unified("a/"+path, "b/"+path, string(before), string(after))
}
