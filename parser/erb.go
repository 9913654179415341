package parser

import (
	"bytes"
	"fmt"
)

// Rails renders every YAML config file through ERB before Psych sees it
// (ActiveSupport::ConfigurationFile, Sidekiq and Octopus all call
// ERB.new(text).result). poollint cannot run Ruby, so it finds the tags,
// keeps their Ruby code for the model layer, and masks them so that YAML
// can parse the rest with every byte offset unchanged.

// ERBKind tells what a tag does when ERB renders the file.
type ERBKind int

const (
	// ERBOutput is <%= code %> (also <%-= code %>): its value is printed.
	ERBOutput ERBKind = iota
	// ERBCode is <% code %> or <%- code -%>: runs Ruby, prints nothing
	// itself, but may loop or branch over the text around it.
	ERBCode
	// ERBComment is <%# text %>: prints nothing and runs nothing.
	ERBComment
)

func (k ERBKind) String() string {
	switch k {
	case ERBOutput:
		return "output"
	case ERBCode:
		return "code"
	case ERBComment:
		return "comment"
	}
	return fmt.Sprintf("ERBKind(%d)", int(k))
}

// ERBTag is one tag of an ERB template.
type ERBTag struct {
	Start, End int // byte range of the whole tag, "<%" .. "%>" inclusive
	Kind       ERBKind
	// Code is the source text between the delimiters, without the '-',
	// '=' or '#' markers and without a trailing trim '-'. It is the raw
	// text, so Code[i] is at file offset CodeStart+i; ERB's in-tag escape
	// "%%>" (a literal "%>") is left as written.
	Code      string
	CodeStart int // byte offset of Code in the file
}

// ERBError is a template ERB itself would reject.
type ERBError struct {
	Offset int // where the offending tag starts
	Line   int // 1-based line of Offset
	Msg    string
}

func (e *ERBError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ScanERB finds the ERB tags of src in order. It follows the scanner of
// Ruby's ERB: "<%%" is a literal "<%" and not a tag, and inside a tag
// "%%>" is a literal "%>" that does not close it. The trim markers of
// trim_mode "-" ("<%-", "-%>") are accepted because the Rails generator
// templates use them. An unterminated tag is an *ERBError; the tags before
// it are still returned.
func ScanERB(src []byte) ([]ERBTag, error) {
	var tags []ERBTag
	for i := 0; i+1 < len(src); {
		j := bytes.Index(src[i:], []byte("<%"))
		if j < 0 {
			break
		}
		start := i + j
		p := start + 2
		if p < len(src) && src[p] == '%' { // "<%%": literal "<%"
			i = p + 1
			continue
		}
		if p < len(src) && src[p] == '-' {
			p++
		}
		kind := ERBCode
		if p < len(src) {
			switch src[p] {
			case '=':
				kind = ERBOutput
				p++
			case '#':
				kind = ERBComment
				p++
			}
		}
		closeAt := findERBClose(src, p)
		if closeAt < 0 {
			return tags, &ERBError{
				Offset: start,
				Line:   bytes.Count(src[:start], []byte("\n")) + 1,
				Msg:    fmt.Sprintf("unterminated ERB tag %q: no closing %%>", erbTagOpener(src, start)),
			}
		}
		codeEnd := closeAt
		if codeEnd > p && src[codeEnd-1] == '-' { // "-%>" trims the newline after it
			codeEnd--
		}
		tags = append(tags, ERBTag{
			Start:     start,
			End:       closeAt + 2,
			Kind:      kind,
			Code:      string(src[p:codeEnd]),
			CodeStart: p,
		})
		i = closeAt + 2
	}
	return tags, nil
}

// findERBClose returns the offset of the "%>" that closes a tag whose code
// starts at from, or -1.
func findERBClose(src []byte, from int) int {
	for k := from; k+1 < len(src); k++ {
		if src[k] != '%' {
			continue
		}
		if k+2 < len(src) && src[k+1] == '%' && src[k+2] == '>' {
			k += 2 // "%%>" inside a tag is text, not the end
			continue
		}
		if src[k+1] == '>' {
			return k
		}
	}
	return -1
}

// erbTagOpener is the start of an unterminated tag for an error message.
func erbTagOpener(src []byte, start int) string {
	end := start + 20
	if end > len(src) {
		end = len(src)
	}
	if nl := bytes.IndexAny(src[start:end], "\r\n"); nl >= 0 {
		end = start + nl
	}
	return string(src[start:end])
}

// erbPlaceholder fills the first line of a masked output tag. It must be a
// plain YAML scalar in every context a tag appears in (alone, inside quotes,
// glued to text as in myapp_<%= Rails.env %>) and must never resolve to a
// number, bool or null: yaml.v3 drops '_' before parsing integers ("5___"
// is 5), so the placeholder starts with letters that are not digits in any
// base ("0x" + "ERB" is still not hex).
const erbPlaceholder = "ERB"

// MaskERB returns a copy of src of the same length in which every tag is
// blanked out so that YAML can parse the rest with every byte offset and
// every line number unchanged. An output tag becomes "ERB___…" on its first
// line (a plain scalar positioned at the tag's Start) and spaces on any
// further lines; code and comment tags become spaces. Line breaks inside
// tags ('\n' and '\r') are kept. Tags out of range of src are ignored.
func MaskERB(src []byte, tags []ERBTag) []byte {
	out := make([]byte, len(src))
	copy(out, src)
	for _, t := range tags {
		if t.Start < 0 || t.End > len(src) || t.Start >= t.End {
			continue
		}
		firstLine := t.Kind == ERBOutput
		for i := t.Start; i < t.End; i++ {
			switch c := src[i]; {
			case c == '\n' || c == '\r':
				out[i] = c
				firstLine = false
			case firstLine && i-t.Start < len(erbPlaceholder):
				out[i] = erbPlaceholder[i-t.Start]
			case firstLine:
				out[i] = '_'
			default:
				out[i] = ' '
			}
		}
	}
	return out
}
