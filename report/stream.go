package report

import (
	"io"

	"github.com/poollint/poollint/rules"
)

// Stream writes a report app by app, in the order the apps are added, so a
// run over many apps holds one app's files at a time. End finishes the
// report (the text summary, the closing of a document). The output is the
// same bytes the batch functions (Text, GitHub, ...) write for the same
// apps.
type Stream interface {
	Add(app App) error
	End() error
}

// NewTextStream streams Text.
func NewTextStream(w io.Writer, opts Options) Stream {
	return &textStream{out: &textWriter{w: w, style: newStyles(opts.Color), fixHints: opts.FixHints}}
}

type textStream struct {
	out *textWriter
	sum Summary
}

func (s *textStream) Add(app App) error {
	for _, d := range app.Diagnostics {
		s.out.diagnostic(app, d)
		s.out.println("")
	}
	s.sum = addSummary(s.sum, app)
	return s.out.err
}

func (s *textStream) End() error {
	s.out.println(summaryText(s.sum))
	return s.out.err
}

// NewGitHubStream streams GitHub.
func NewGitHubStream(w io.Writer) Stream { return &githubStream{w: w, l: newLocator()} }

type githubStream struct {
	w io.Writer
	l locator
}

func (s *githubStream) Add(app App) error { return github(s.w, []App{app}, s.l) }
func (s *githubStream) End() error        { return nil }

// addSummary counts one more app into s.
func addSummary(s Summary, app App) Summary {
	s.Apps++
	for _, d := range app.Diagnostics {
		switch d.Severity {
		case rules.Error:
			s.Errors++
		case rules.Warning:
			s.Warnings++
		default:
			s.Infos++
		}
	}
	return s
}
