package redact

import (
	"strings"
	"unicode/utf8"
)

// Mask is what Text prints in place of a secret.
const Mask = "****"

// Text masks the secrets of free text (a message, a config error, an
// echoed --env value): each becomes Mask. The result is valid UTF-8.
func Text(s string) string {
	var b strings.Builder
	m := masker{}
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		last := 0
		for _, sp := range m.line(line) {
			b.WriteString(line[last:sp.start])
			b.WriteString(Mask)
			last = sp.end
		}
		b.WriteString(line[last:])
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// Source masks the secrets of source text, one line or many: each byte of
// a secret becomes '*', so the result has the byte length of s and every
// byte outside a secret stays where it was (an underline computed on the
// original still points at the same columns). Valid UTF-8 stays valid:
// secrets begin and end at ASCII delimiters.
func Source(s string) string {
	m := masker{}
	return m.source(s)
}

// Lines masks consecutive source lines (a file, or the context of a diff
// hunk), carrying the state of a value continued from one line to the
// next: a `password: |` block, an unclosed quote.
type Lines struct{ m masker }

// Line masks the next line like Source.
func (l *Lines) Line(line string) string { return l.m.source(line) }

func (m *masker) source(s string) string {
	b := []byte(s)
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		for _, sp := range m.line(s[start:end]) {
			for k := start + sp.start; k < start+sp.end; k++ {
				b[k] = '*'
			}
		}
		start = end + 1
	}
	return string(b)
}

// masker finds the secret spans of lines in order, remembering a value
// that continues below its key: while it does, every line indented deeper
// than the key is the secret's.
type masker struct {
	continued bool
	indent    int
}

func (m *masker) line(line string) []span {
	if m.continued {
		body := strings.TrimLeft(line, " \t")
		if body == "" {
			return nil
		}
		if indentOf(line) > m.indent {
			return []span{{len(line) - len(body), trimRight(line, 0, len(line))}}
		}
		m.continued = false
	}
	spans := urlSpans(line)
	secretValues(line, func(a assignment, end int, continues bool) {
		if continues {
			m.continued, m.indent = true, a.indent
		}
		if end <= a.valueStart || namesASource(line[a.valueStart:end], a.shell) {
			if continues && end > a.valueStart {
				m.continued = false // `password: <%= ... %>` over lines: not a secret
			}
			return
		}
		spans = append(spans, span{a.valueStart, end})
	})
	return merge(spans, line)
}

// merge sorts spans, joins overlapping ones and widens each to whole
// runes so masking never splits a UTF-8 sequence.
func merge(spans []span, line string) []span {
	if len(spans) < 2 {
		return widen(spans, line)
	}
	for i := 1; i < len(spans); i++ { // insertion sort: a line has few
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.start <= last.end {
			last.end = max(last.end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return widen(out, line)
}

func widen(spans []span, line string) []span {
	for i := range spans {
		for spans[i].start > 0 && !utf8.RuneStart(line[spans[i].start]) {
			spans[i].start--
		}
		for spans[i].end < len(line) && !utf8.RuneStart(line[spans[i].end]) {
			spans[i].end++
		}
	}
	return spans
}
