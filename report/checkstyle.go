package report

import (
	"encoding/xml"
	"io"
)

// checkstyleVersion is the format version other linters write (eslint,
// golangci-lint); consumers such as reviewdog and Jenkins read it.
const checkstyleVersion = "4.3"

type checkstyleDocument struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

// checkstyleError has line 0 and no column for a whole-file finding, as
// checkstyle itself writes one.
type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Checkstyle writes the diagnostics as checkstyle XML, one <file> per
// path in order of first appearance, one <error> per diagnostic with its
// related locations in the message. Paths are relative to the working
// directory. encoding/xml escapes the attributes (newlines included) and
// replaces characters XML cannot hold, so the document is well-formed
// whatever a config file contains.
func Checkstyle(w io.Writer, apps []App) error {
	return checkstyle(w, apps, newLocator())
}

func checkstyle(w io.Writer, apps []App, l locator) error {
	doc := checkstyleDocument{Version: checkstyleVersion}
	byName := map[string]int{}
	for _, app := range apps {
		doc.Files = checkstyleFilesOf(doc.Files, byName, app, l)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// checkstyleFilesOf adds app's diagnostics to files, one <file> per path
// in order of first appearance (byName indexes files).
func checkstyleFilesOf(files []checkstyleFile, byName map[string]int, app App, l locator) []checkstyleFile {
	for _, d := range app.Diagnostics {
		name := l.name(app, d.Span.File)
		i, ok := byName[name]
		if !ok {
			i = len(files)
			byName[name] = i
			files = append(files, checkstyleFile{Name: name})
		}
		e := checkstyleError{
			Severity: d.Severity.String(), // error, warning, info: checkstyle's own names
			Message:  l.messageWithRelated(app, d),
			Source:   "poollint." + d.Rule,
		}
		if d.Span.Start.Line > 0 {
			e.Line, e.Column = d.Span.Start.Line, d.Span.Start.Col
		}
		files[i].Errors = append(files[i].Errors, e)
	}
	return files
}
