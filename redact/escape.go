package redact

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A linted repository chooses its file and directory names and every byte
// of its files: nothing of it may reach a terminal or a CI log as control
// characters. A newline in a path would start a line of its own (a
// directory named "x\n::error file=F.rb,line=1::forged" would forge a
// GitHub annotation in the default text format); ESC and OSC sequences
// would move the cursor, recolor or retitle the terminal; bidi overrides
// would reorder what a reviewer reads.

// Path writes a path from a linted tree so it stays on one line and
// is still recognisable: control characters, bidi controls, line
// separators and bytes that are not UTF-8 become Go-style escapes (\n,
// \x1b, \u202e, \xff), and a backslash is doubled so an escape cannot be
// forged either.
func Path(p string) string {
	if isPlain(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, p[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// isPlain is the common case: nothing to escape.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			return !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || Unsafe(r) }) && utf8.ValidString(s)
		}
	}
	return true
}

// Unsafe reports whether r is a rune that changes how a line is displayed rather than
// being displayed: C0 and C1 controls and DEL, line and paragraph
// separators, and the bidi embedding, override and isolate controls.
func Unsafe(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	case r == '\u200e' || r == '\u200f' || r == '\u061c':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// Message makes a message from a linted tree or a config file safe to
// print: its secrets masked (Text), and unsafe runes and bytes that are
// not UTF-8 replaced by U+FFFD. Line breaks and tabs are kept, for
// formats that escape them (GitHub workflow commands) and messages of
// several lines (a config file's errors, one per line).
func Message(s string) string {
	s = Text(s)
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != '\n' && r != '\r' && r != '\t' && Unsafe(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}
