package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// locator names files for the machine formats (github, sarif,
// checkstyle). Their consumers resolve paths against the checkout, which
// is where CI runs the linter, so paths are relative to the working
// directory and use forward slashes whatever the app root the user typed.
type locator struct {
	cwd string // "" when the working directory is unknown
}

// newLocator reads the working directory once per report.
func newLocator() locator {
	cwd, err := os.Getwd()
	if err != nil {
		return locator{}
	}
	return locator{cwd: cwd}
}

// path names the app-relative file rel. relative is false when the path
// could not be made relative to the working directory (it is unknown, or
// on another volume): the path is then the absolute one when known, else
// the path as the user typed it.
func (l locator) path(app App, rel string) (p string, relative bool) {
	typed := app.path(rel)
	if l.cwd == "" {
		return filepath.ToSlash(typed), !filepath.IsAbs(typed)
	}
	// filepath.Abs would ask the process again; joining with the cwd read
	// once does the same and lets tests pin the directory.
	abs := typed
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(l.cwd, abs)
	}
	r, err := filepath.Rel(l.cwd, abs)
	if err != nil {
		return filepath.ToSlash(filepath.Clean(abs)), false
	}
	return filepath.ToSlash(r), true
}

// name is path without the flag, for formats that take any path.
func (l locator) name(app App, rel string) string {
	p, _ := l.path(app, rel)
	return p
}

// location names a span as path:line:col, or just the path when the span
// points at a whole file.
func (l locator) location(app App, s parser.Span) string {
	loc := l.name(app, s.File)
	if s.Start.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", s.Start.Line, s.Start.Col)
	}
	return loc
}

// messageWithRelated is the message of d with its related locations
// appended, for formats that have one text field per finding: without
// them an annotation would say "the pool holds 5" and never say where.
func (l locator) messageWithRelated(app App, d rules.Diagnostic) string {
	if len(d.Related) == 0 {
		return d.Message
	}
	notes := make([]string, len(d.Related))
	for i, r := range d.Related {
		notes[i] = l.location(app, r.Span) + ": " + r.Message
	}
	return d.Message + " (see " + strings.Join(notes, "; ") + ")"
}
