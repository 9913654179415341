package report

import (
	"encoding/json"
	"io"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rules"
)

// jsonVersion is the version of the JSON document. Tests and integrations
// rely on its shape: add fields freely, but bump it before renaming or
// removing one.
const jsonVersion = 1

// The types below are the JSON contract of DESIGN.md. They are structs,
// not maps, so the keys come out in the same order every time.

type jsonDocument struct {
	Version     int              `json:"version"`
	Apps        []jsonApp        `json:"apps"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Summary     jsonSummary      `json:"summary"`
}

type jsonApp struct {
	Root      string   `json:"root"`
	Rails     string   `json:"rails"`     // "" when no lockfile says
	Processes []string `json:"processes"` // never null
}

// jsonDiagnostic positions are 1-based, columns in bytes, the end
// exclusive. A diagnostic about a whole file has line and column 0.
type jsonDiagnostic struct {
	Rule      string        `json:"rule"`
	Severity  string        `json:"severity"`
	File      string        `json:"file"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"end_line"`
	EndColumn int           `json:"end_column"`
	Message   string        `json:"message"`
	Related   []jsonRelated `json:"related,omitempty"`
	Fix       *jsonFix      `json:"fix,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonFix struct {
	Description string     `json:"description"`
	Safe        bool       `json:"safe"`
	Edits       []jsonEdit `json:"edits"` // never null
}

// jsonEdit offsets are bytes into the file as it was read, end exclusive.
type jsonEdit struct {
	File    string `json:"file"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}

type jsonSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Apps     int `json:"apps"`
}

// JSON writes the apps and their diagnostics as one JSON document,
// indented by two spaces, in the stable shape of DESIGN.md.
func JSON(w io.Writer, apps []App) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages quote ERB: keep "<%=" readable
	return enc.Encode(jsonDocumentOf(apps))
}

func jsonDocumentOf(apps []App) jsonDocument {
	s := Summarize(apps)
	doc := jsonDocument{
		Version:     jsonVersion,
		Apps:        []jsonApp{},
		Diagnostics: []jsonDiagnostic{},
		Summary:     jsonSummary(s), // stops compiling if Summary gains a field the JSON lacks
	}
	for _, app := range apps {
		doc.Apps = append(doc.Apps, jsonApp{
			Root:      app.Display,
			Rails:     app.Rails,
			Processes: append([]string{}, app.Processes...),
		})
		for _, d := range app.Diagnostics {
			doc.Diagnostics = append(doc.Diagnostics, jsonDiagnosticOf(app, d))
		}
	}
	return doc
}

func jsonDiagnosticOf(app App, d rules.Diagnostic) jsonDiagnostic {
	out := jsonDiagnostic{
		Rule:      d.Rule,
		Severity:  d.Severity.String(),
		File:      app.path(d.Span.File),
		Line:      d.Span.Start.Line,
		Column:    d.Span.Start.Col,
		EndLine:   d.Span.End.Line,
		EndColumn: d.Span.End.Col,
		Message:   d.Message,
	}
	if out.EndLine == 0 { // a span with only a start is zero-width
		out.EndLine, out.EndColumn = out.Line, out.Column
	}
	for _, r := range d.Related {
		out.Related = append(out.Related, jsonRelatedOf(app, r.Span, r.Message))
	}
	if d.Fix != nil {
		fix := &jsonFix{Description: d.Fix.Description, Safe: d.Fix.Safe, Edits: []jsonEdit{}}
		for _, e := range d.Fix.Edits {
			fix.Edits = append(fix.Edits, jsonEdit{File: app.path(e.File), Start: e.Start, End: e.End, NewText: e.NewText})
		}
		out.Fix = fix
	}
	return out
}

func jsonRelatedOf(app App, s parser.Span, message string) jsonRelated {
	return jsonRelated{File: app.path(s.File), Line: s.Start.Line, Column: s.Start.Col, Message: message}
}
