package report

import (
	"io"

	"github.com/poollint/poollint/parser"

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

// collected is a Stream for a format written as one document at the end
// (checkstyle groups by file, SARIF by run). Each app keeps only the files
// its findings point into: what the writer quotes or measures.
type collected struct {
	w     io.Writer
	apps  []App
	write func(io.Writer, []App) error
}

// NewCollectedStream keeps the apps, trimmed to the files their findings
// name, and writes them with write at End.
func NewCollectedStream(w io.Writer, write func(io.Writer, []App) error) Stream {
	return &collected{w: w, write: write}
}

func (c *collected) Add(app App) error {
	c.apps = append(c.apps, TrimFiles(app))
	return nil
}

func (c *collected) End() error { return c.write(c.w, c.apps) }

// TrimFiles returns app with only the files its diagnostics point into
// (spans, related spans, fix edits).
func TrimFiles(app App) App {
	keep := map[string]bool{}
	for _, d := range app.Diagnostics {
		keep[d.Span.File] = true
		for _, r := range d.Related {
			keep[r.Span.File] = true
		}
		if d.Fix != nil {
			for _, e := range d.Fix.Edits {
				keep[e.File] = true
			}
		}
	}
	files := make(map[string]*parser.File, len(keep))
	for rel := range keep {
		if f, ok := app.Files[rel]; ok {
			files[rel] = f
		}
	}
	app.Files = files
	return app
}
