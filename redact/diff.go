package redact

import (
	"strings"
	"unicode/utf8"
)

// Diff masks a unified diff for printing (--diff). Context and removed
// lines are masked as consecutive lines of the old file, context and added
// lines as lines of the new one, so a `password: |` block is followed
// across them; headers and hunk lines are kept. Runes that act on a
// terminal become U+FFFD (tabs and a CR ending a line stay, so a diff
// without secrets or control characters still applies).
func Diff(d string) string {
	var old, new Lines
	var b strings.Builder
	b.Grow(len(d))
	for i, line := range strings.Split(d, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch {
		case strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "+++ ") || strings.HasPrefix(line, "@@"):
			old, new = Lines{}, Lines{} // a new file or hunk: no value continues into it
		case strings.HasPrefix(line, " "):
			body := line[1:]
			o, n := old.Line(body), new.Line(body)
			line = " " + mergeMasks(o, n)
		case strings.HasPrefix(line, "-"):
			line = "-" + old.Line(line[1:])
		case strings.HasPrefix(line, "+"):
			line = "+" + new.Line(line[1:])
		}
		b.WriteString(inert(line))
	}
	return b.String()
}

// mergeMasks keeps a byte masked if either side masked it (both have the
// length of the same context line).
func mergeMasks(a, b string) string {
	if a == b {
		return a
	}
	out := []byte(a)
	for i := range out {
		if b[i] == '*' {
			out[i] = '*'
		}
	}
	return string(out)
}

// inert replaces the runes of a diff line that would act on a terminal.
func inert(line string) string {
	if isPlain(line) {
		return line
	}
	var b strings.Builder
	for i, r := range line {
		switch {
		case r == '\t', r == '\r' && i == len(line)-1:
		case r == utf8.RuneError, Unsafe(r):
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}
