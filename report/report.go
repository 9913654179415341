// Package report formats the diagnostics of one or more apps for people
// (Text) and for programs (JSON). It only formats: it never decides what
// is wrong, reads files or chooses an exit code.
package report

import (
	"path"
	"path/filepath"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// App is what the report needs of one linted app. It is built by the
// command from the model, so that report does not depend on the model.
type App struct {
	Display     string                  // the app root as the user typed it; prefixes every path
	Rails       string                  // the locked Rails version, "" when unknown
	Processes   []string                // process names, in Procfile order
	Files       map[string]*parser.File // by app-relative path, to quote source lines
	Diagnostics []rules.Diagnostic
}

// Options tune the text output.
type Options struct {
	Color    bool // ANSI colors; the caller decides (terminal, NO_COLOR, --no-color)
	FixHints bool // mark diagnostics that --fix can repair
}

// Summary counts the findings of a run by severity.
type Summary struct {
	Errors, Warnings, Infos, Apps int
}

// Summarize counts the diagnostics of apps by severity.
func Summarize(apps []App) Summary {
	var s Summary
	for _, app := range apps {
		s = addSummary(s, app)
	}
	return s
}

// Total is the number of findings of every severity.
func (s Summary) Total() int { return s.Errors + s.Warnings + s.Infos }

// path is how a report names an app-relative file: the app root as the
// user typed it joined with the file, so the path can be pasted back into
// a shell or an editor. A span without a file names the app itself.
func (a App) path(rel string) string {
	if rel == "" {
		return a.Display
	}
	if path.IsAbs(rel) {
		// A file named outside the app (`puma -C /etc/passwd`): its own
		// name, not "app/etc/passwd", which is another file.
		return filepath.FromSlash(rel)
	}
	return filepath.Join(a.Display, filepath.FromSlash(rel))
}
