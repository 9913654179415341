package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

// NewJSONStream streams JSON: the same document, byte for byte, without
// holding the apps. The document lists every app before every diagnostic,
// so the diagnostics, already encoded, wait in a temporary file (in
// memory when none can be made) and the apps, a few names each, in
// memory; End writes the document.
func NewJSONStream(w io.Writer) Stream {
	return &jsonStream{w: w, diags: newSpool("poollint-json-*")}
}

type jsonStream struct {
	w     io.Writer
	apps  bytes.Buffer // encoded apps, comma-joined
	nApps int
	diags *spool
	sum   Summary
	err   error
}

// element encodes v as an element of a top-level array: indented as
// json.Encoder with SetIndent("", "  ") indents it inside the document.
func element(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append([]byte("    "), bytes.TrimSuffix(b.Bytes(), []byte("\n"))...), nil
}

func (s *jsonStream) Add(app App) error {
	if s.err != nil {
		return s.err
	}
	a, err := element(jsonApp{Root: app.Display, Rails: app.Rails, Processes: append([]string{}, app.Processes...)})
	if err != nil {
		s.err = err
		return err
	}
	if s.nApps > 0 {
		_, _ = s.apps.WriteString(",\n")
	}
	_, _ = s.apps.Write(a)
	s.nApps++
	for _, d := range app.Diagnostics {
		e, err := element(jsonDiagnosticOf(app, d))
		if err != nil {
			s.err = err
			return err
		}
		if err := s.diags.add(e); err != nil {
			s.err = err
			return err
		}
	}
	s.sum = addSummary(s.sum, app)
	return nil
}

func (s *jsonStream) End() error {
	defer s.diags.close()
	if s.err != nil {
		return s.err
	}
	diags, err := s.diags.reader()
	if err != nil {
		return err
	}
	sum, err := element(jsonSummary(s.sum))
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(s.w)
	_, _ = bw.WriteString("{\n  \"version\": " + strconv.Itoa(jsonVersion) + ",\n  \"apps\": ") // bufio keeps the first error: Flush returns it
	writeArray(bw, s.nApps, &s.apps)
	_, _ = bw.WriteString(",\n  \"diagnostics\": ") // bufio keeps the first error: Flush returns it
	writeArray(bw, s.diags.n, diags)
	// The summary is an object member, not an array element: two spaces
	// less than element indents it.
	_, _ = bw.WriteString(",\n  \"summary\": ")                                                                // bufio keeps the first error: Flush returns it
	_, _ = bw.Write(bytes.ReplaceAll(bytes.TrimPrefix(sum, []byte("    ")), []byte("\n    "), []byte("\n  "))) // bufio keeps the first error: Flush returns it
	_, _ = bw.WriteString("\n}\n")                                                                             // bufio keeps the first error: Flush returns it
	return bw.Flush()
}

func writeArray(bw *bufio.Writer, n int, body io.Reader) {
	if n == 0 {
		_, _ = bw.WriteString("[]") // bufio keeps the first error: Flush returns it
		return
	}
	_, _ = bw.WriteString("[\n") // bufio keeps the first error: Flush returns it
	_, _ = io.Copy(bw, body)
	_, _ = bw.WriteString("\n  ]") // bufio keeps the first error: Flush returns it
}
