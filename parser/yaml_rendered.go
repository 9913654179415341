package parser

import (
	"errors"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// A YAML config whose ERB branches, loops or includes shape the document
// cannot be parsed as written: the model layer renders the control flow
// (rails/erb_*.go) into a new text and parses that. Rules still point into
// and edit the original bytes, so a rendering carries, for each of its
// bytes, the original range it came from.

// Rendering is a text rendered from a file's ERB template, with the map
// back to the file's bytes.
type Rendering struct {
	Src []byte
	// From[i] and To[i] are the original range rendered byte i came from:
	// To = From+1 for a copied byte; a whole tag's range for text computed
	// from a tag (a loop variable, an alias name). They are offsets of the
	// original file, which the loader caps far below 2 GiB
	// (rails.MaxFileSize), so int32: 8 bytes per rendered byte, not 16.
	From, To []int32
}

// Copy appends src[s:e] of the original file.
func (r *Rendering) Copy(src []byte, s, e int) {
	if e <= s {
		return
	}
	r.Src = append(r.Src, src[s:e]...)
	r.From, r.To = slices.Grow(r.From, e-s), slices.Grow(r.To, e-s)
	for i := int32(s); i < int32(e); i++ {
		r.From = append(r.From, i)
		r.To = append(r.To, i+1)
	}
}

// Computed appends text that a tag spanning [s, e) renders to.
func (r *Rendering) Computed(text string, s, e int) {
	r.Src = append(r.Src, text...)
	r.From, r.To = slices.Grow(r.From, len(text)), slices.Grow(r.To, len(text))
	for range len(text) {
		r.From = append(r.From, int32(s))
		r.To = append(r.To, int32(e))
	}
}

// renderMap is a Rendering's map, kept by the YAMLDoc parsed from it.
type renderMap struct {
	from, to []int32
	size     int // length of the original file
}

// span maps a range of the rendering to the original file.
func (m *renderMap) span(s, e int) (int, int) {
	start := m.size
	if s < len(m.from) {
		start = int(m.from[s])
	}
	if e <= s || e > len(m.to) {
		if e > len(m.to) && len(m.to) > 0 && s < e {
			return start, max(start, int(m.to[len(m.to)-1]))
		}
		return start, start
	}
	return start, max(start, int(m.to[e-1]))
}

// copied reports whether [s, e) of the rendering is a verbatim copy of one
// contiguous original range, so an edit of it is an edit of the file.
func (m *renderMap) copied(s, e int) bool {
	for i := s; i < e && i < len(m.from); i++ {
		if m.to[i] != m.from[i]+1 || (i > s && m.from[i] != m.from[i-1]+1) {
			return false
		}
	}
	return true
}

// ParseYAMLRendering parses a rendering of f's template. The document
// answers in f's coordinates: Span, ERBOf and ERBInside give ranges of f,
// and a YAML error's line is f's line the offending text came from.
// Tags and the document's internal offsets are the rendering's.
func ParseYAMLRendering(f *File, r *Rendering) (*YAMLDoc, error) {
	return parseYAMLRendering(f, r, true)
}

// ParseYAMLRenderingUnlocated is ParseYAMLRendering without locating a
// syntax error (its YAMLError says line 0; see ParseYAMLUnlocated): of the
// renderings of one template that fail, only the first error is shown.
func ParseYAMLRenderingUnlocated(f *File, r *Rendering) (*YAMLDoc, error) {
	return parseYAMLRendering(f, r, false)
}

func parseYAMLRendering(f *File, r *Rendering, locate bool) (*YAMLDoc, error) {
	if f == nil || r == nil || len(r.From) != len(r.Src) || len(r.To) != len(r.Src) {
		return nil, errors.New("parser: ParseYAMLRendering needs a file and a consistent rendering")
	}
	rf := NewFile(f.Path, f.Abs, r.Src)
	m := &renderMap{from: r.From, to: r.To, size: len(f.Src)}
	d, err := parseYAML(rf, locate)
	if err != nil {
		var ye *YAMLError
		if errors.As(err, &ye) {
			line := ye.Line
			if line >= 1 && line <= rf.Lines.LineCount() {
				s, _ := rf.Lines.LineBounds(line)
				o, _ := m.span(s, s+1)
				line = f.Lines.Pos(o).Line
			}
			return nil, &YAMLError{Path: f.Path, Line: line, Msg: ye.Msg, ERBReason: ye.ERBReason}
		}
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	d.File, d.rendered = f, m
	return d, nil
}

// Rendered reports whether the document was parsed from a rendering.
func (d *YAMLDoc) Rendered() bool { return d != nil && d.rendered != nil }

// Editable reports whether n's text is written once, as is, in the file,
// so a fix may edit its span: false for text a loop repeats or a tag
// computes in a rendering.
func (d *YAMLDoc) Editable(n *yaml.Node) bool {
	if d == nil || n == nil || n.Line == 0 {
		return false
	}
	if d.rendered == nil {
		return true
	}
	s, e := d.offsets(n)
	return d.rendered.copied(s, e)
}

// originalSpan maps a range of the parsed text to the file.
func (d *YAMLDoc) originalSpan(s, e int) (int, int) {
	if d.rendered == nil {
		return s, e
	}
	return d.rendered.span(s, e)
}

// originalTag is t (found in the parsed text) in the file's coordinates.
func (d *YAMLDoc) originalTag(t ERBTag) ERBTag {
	if d.rendered == nil {
		return t
	}
	t.Start, t.End = d.rendered.span(t.Start, t.End)
	t.CodeStart, _ = d.rendered.span(t.CodeStart, t.CodeStart+1)
	return t
}
