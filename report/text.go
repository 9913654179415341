package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/redact"
	"github.com/poollint/poollint/rules"
)

// tabWidth is how far a tab in a quoted source line advances. The line and
// its caret are expanded with the same stops, so they stay aligned whatever
// the terminal's own tab width is.
const tabWidth = 4

// minGutter is the width of the line-number gutter, so that the snippets of
// consecutive diagnostics line up until line numbers outgrow it.
const minGutter = 5

// Text writes the diagnostics of apps for a person to read, in the format of
// DESIGN.md ("Command-line contract"):
//
//	path:line:col: severity: message [rule-id]
//	   12 | pool: 5
//	      |       ^
//	      = note: path:line:col: message
//
// then a blank line after each diagnostic and a one-line summary.
func Text(w io.Writer, apps []App, opts Options) error {
	out := &textWriter{w: w, style: newStyles(opts.Color), fixHints: opts.FixHints}
	for _, app := range apps {
		for _, d := range app.Diagnostics {
			out.diagnostic(app, d)
			out.println("")
		}
	}
	out.println(summaryText(Summarize(apps)))
	return out.err
}

// textWriter writes the text report and keeps the first write error, so
// the formatting code reads straight through and Text still reports it.
type textWriter struct {
	w        io.Writer
	style    styles
	fixHints bool
	err      error
}

func (t *textWriter) println(s string) {
	if t.err == nil {
		_, t.err = io.WriteString(t.w, s+"\n")
	}
}

func (t *textWriter) diagnostic(app App, d rules.Diagnostic) {
	sev := t.style.severity(d.Severity)
	header := t.style.path.Sprint(location(app, d.Span)+":") + " " +
		sev.Sprint(d.Severity.String()) + ": " +
		printable(d.Message) + " " +
		t.style.rule.Sprint("["+d.Rule+"]")
	if t.fixHints && d.Fix != nil {
		if d.Fix.Safe {
			header += " (fixable)"
		} else {
			header += " (unsafe fix)"
		}
	}
	t.println(header)

	gutter := minGutter
	if s, ok := quote(app.Files[d.Span.File], d.Span); ok {
		gutter = max(gutter, len(strconv.Itoa(d.Span.Start.Line)))
		source := fmt.Sprintf("%*d |", gutter, d.Span.Start.Line)
		if s.text != "" {
			source += " " + s.text
		}
		t.println(source)
		marks := "^" + strings.Repeat("~", s.width-1)
		t.println(strings.Repeat(" ", gutter) + " | " + strings.Repeat(" ", s.pad) + sev.Sprint(marks))
	}
	for _, r := range d.Related {
		t.println(strings.Repeat(" ", gutter+1) + "= note: " +
			t.style.path.Sprint(location(app, r.Span)+":") + " " + printable(r.Message))
	}
}

// location names a span as path:line:col, or just the path when the span
// points at a whole file.
func location(app App, s parser.Span) string {
	loc := redact.Path(app.path(s.File))
	if s.Start.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", s.Start.Line, s.Start.Col)
	}
	return loc
}

// snippet is one source line ready to print, and where under it the
// underline goes, both in screen columns.
type snippet struct {
	text       string
	pad, width int
}

// quote lays out the first line of span from f. It fails when the span has
// no line or the file was not kept (an unreadable or absent file).
func quote(f *parser.File, span parser.Span) (snippet, bool) {
	line := span.Start.Line
	if f == nil || line < 1 || line > f.Lines.LineCount() {
		return snippet{}, false
	}
	text := maskedLine(f, line)
	endCol := span.Start.Col // zero-width unless the end says otherwise
	switch {
	case span.End.Line > line:
		endCol = len(text) + 1 // a multi-line span is underlined to the end of its first line
	case span.End.Line == line:
		endCol = span.End.Col
	}
	text, startCol, endCol := clip(text, span.Start.Col, endCol)
	return layout(text, startCol, endCol), true
}

// maxSnippet bounds a quoted line (in bytes): a finding on a minified
// 500 KB line prints the part around it, not the whole line.
const maxSnippet = 200

// clip cuts a line longer than maxSnippet to the window that starts a
// little before the 1-based byte column startCol, marks each cut with
// "…", and moves the columns to match. The cuts fall on rune starts.
func clip(line string, startCol, endCol int) (string, int, int) {
	if len(line) <= maxSnippet {
		return line, startCol, endCol
	}
	const ellipsis = "…"
	from := max(0, min(startCol-1, len(line))-maxSnippet/4)
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	to := min(len(line), from+maxSnippet)
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to++
	}
	out, shift := line[from:to], -from
	if from > 0 {
		out, shift = ellipsis+out, shift+len(ellipsis)
	}
	if to < len(line) {
		out += ellipsis
	}
	endCol = min(endCol+shift, to+shift+1) // an underline past the window stops at its end
	return out, startCol + shift, endCol
}

// layout expands the tabs of a source line and measures where the 1-based
// byte columns [startCol, endCol) fall on screen. Columns past the line
// (a CR, the newline) are clamped to its end. The underline is at least
// one column wide, so a zero-width span still gets its caret. Every rune
// counts as one screen column: wide characters are rare in configuration.
func layout(line string, startCol, endCol int) snippet {
	start := min(max(startCol-1, 0), len(line))
	end := min(max(endCol-1, start), len(line))
	var b strings.Builder
	screen := 0
	pad, stop := -1, -1
	for i := 0; ; {
		if pad < 0 && i >= start {
			pad = screen
		}
		if stop < 0 && i >= end {
			stop = screen
		}
		if i >= len(line) {
			break
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		i += size
		if r == '\t' {
			n := tabWidth - screen%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			screen += n
			continue
		}
		b.WriteRune(printableRune(r, size))
		screen++
	}
	return snippet{text: b.String(), pad: pad, width: max(stop-pad, 1)}
}

// printable makes text from a linted app safe to print on one terminal
// line: a repository must not be able to move the cursor or recolor the
// screen through the report.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return printableRune(r, 0)
	}, s)
}

// printableRune replaces control characters (C0, C1, DEL, bidi controls,
// line separators: unsafeRune) and bytes that are not UTF-8
// (a RuneError of size 1) by U+FFFD, one screen column like the original.
func printableRune(r rune, size int) rune {
	if redact.Unsafe(r) || (r == utf8.RuneError && size == 1) {
		return utf8.RuneError
	}
	return r
}

// summaryText is the last line of the text report.
func summaryText(s Summary) string {
	switch {
	case s.Apps == 0:
		return "no apps checked"
	case s.Total() == 0:
		return "no problems found in " + plural(s.Apps, "app")
	}
	return fmt.Sprintf("%s, %s, %s in %s",
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"), plural(s.Apps, "app"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
