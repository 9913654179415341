package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// NewSARIFStream streams SARIF: the same document, byte for byte, without
// holding the apps. A run's results come after its tool, and the tool's
// rule table can still grow while results are added (a rule the caller did
// not list), so the results, already encoded, wait in a spool and End
// writes the document around them.
func NewSARIFStream(w io.Writer, info ToolInfo) Stream {
	s := &sarifStream{w: w, b: newSARIFBuilder(info, newLocator()), results: newSpool("poollint-sarif-*")}
	return s
}

type sarifStream struct {
	w       io.Writer
	b       *sarifBuilder
	results *spool
	err     error
}

// sarifResultIndent is where a result sits in the log: log → runs[0] →
// results[i], two spaces a level.
const sarifResultIndent = "        "

func (s *sarifStream) Add(app App) error {
	if s.err != nil {
		return s.err
	}
	for _, d := range app.Diagnostics {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent(sarifResultIndent, "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s.b.result(app, d)); err != nil {
			s.err = err
			return err
		}
		e := append([]byte(sarifResultIndent), bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
		if err := s.results.add(e); err != nil {
			s.err = err
			return err
		}
	}
	return nil
}

func (s *sarifStream) End() error {
	defer s.results.close()
	if s.err != nil {
		return s.err
	}
	// The log with no results, encoded as the batch writer encodes it,
	// ends with the run's last member, "results": [] — the streamed
	// results go in its place. Inside strings quotes are escaped, so the
	// key found is the run's own.
	var doc bytes.Buffer
	if err := sarifEncode(&doc, s.b.log(nil)); err != nil {
		return err
	}
	empty := []byte(`"results": []`)
	at := bytes.LastIndex(doc.Bytes(), empty)
	if at < 0 {
		return errors.New("sarif: the run has no results member")
	}
	results, err := s.results.reader()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(s.w)
	_, _ = bw.Write(doc.Bytes()[:at+len(`"results": `)]) // bufio keeps the first error: Flush returns it
	if s.results.n == 0 {
		_, _ = bw.WriteString("[]") // bufio keeps the first error: Flush returns it
	} else {
		_, _ = bw.WriteString("[\n")                              // bufio keeps the first error: Flush returns it
		_, _ = io.Copy(bw, results)                               // bufio keeps the first error: Flush returns it
		_, _ = bw.WriteString("\n" + sarifResultIndent[2:] + "]") // bufio keeps the first error: Flush returns it
	}
	_, _ = bw.Write(doc.Bytes()[at+len(empty):]) // bufio keeps the first error: Flush returns it
	return bw.Flush()
}
