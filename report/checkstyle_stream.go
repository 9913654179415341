package report

import (
	"encoding/xml"
	"io"
)

// NewCheckstyleStream streams Checkstyle: each app's <file> elements are
// written when the app is added. Apps have distinct roots, so no path
// appears in two of them and grouping per app gives the document the
// batch writer gives for the same apps.
func NewCheckstyleStream(w io.Writer) Stream {
	return &checkstyleStream{w: w, l: newLocator()}
}

type checkstyleStream struct {
	w       io.Writer
	l       locator
	enc     *xml.Encoder
	started bool
	err     error
}

var checkstyleRoot = xml.StartElement{
	Name: xml.Name{Local: "checkstyle"},
	Attr: []xml.Attr{{Name: xml.Name{Local: "version"}, Value: checkstyleVersion}},
}

var checkstyleFileElement = xml.StartElement{Name: xml.Name{Local: "file"}}

func (s *checkstyleStream) start() error {
	if s.started {
		return nil
	}
	s.started = true
	if _, err := io.WriteString(s.w, xml.Header); err != nil {
		return err
	}
	s.enc = xml.NewEncoder(s.w)
	s.enc.Indent("", "  ")
	return s.enc.EncodeToken(checkstyleRoot)
}

func (s *checkstyleStream) Add(app App) error {
	if s.err != nil {
		return s.err
	}
	if s.err = s.start(); s.err != nil {
		return s.err
	}
	for _, f := range checkstyleFilesOf(nil, map[string]int{}, app, s.l) {
		if s.err = s.enc.EncodeElement(f, checkstyleFileElement); s.err != nil {
			return s.err
		}
	}
	s.err = s.enc.Flush()
	return s.err
}

func (s *checkstyleStream) End() error {
	if s.err != nil {
		return s.err
	}
	if s.err = s.start(); s.err != nil {
		return s.err
	}
	if s.err = s.enc.EncodeToken(checkstyleRoot.End()); s.err != nil {
		return s.err
	}
	if s.err = s.enc.Flush(); s.err != nil {
		return s.err
	}
	_, s.err = io.WriteString(s.w, "\n")
	return s.err
}
