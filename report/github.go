package report

import (
	"github.com/poollint/poollint/redact"
	"io"
	"strconv"
	"strings"

	"github.com/poollint/poollint/rules"
)

// GitHub writes one GitHub Actions workflow command per diagnostic, which
// the runner turns into an annotation on the pull request:
//
//	::error file=config/database.yml,line=3,col=9,endLine=3,endColumn=9,title=puma-threads-exceed-pool::message
//
// Severity maps to error, warning or notice. Related locations are
// appended to the message, since an annotation has a single place. Paths
// are relative to the working directory, which GitHub resolves against the
// checkout. Nothing else is written: the runner echoes other lines as-is.
func GitHub(w io.Writer, apps []App) error {
	return github(w, apps, newLocator())
}

func github(w io.Writer, apps []App, l locator) error {
	var b strings.Builder
	for _, app := range apps {
		for _, d := range app.Diagnostics {
			b.WriteString(githubCommand(app, d, l))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubCommand is the workflow command of one diagnostic.
func githubCommand(app App, d rules.Diagnostic, l locator) string {
	props := []string{"file=" + escapeProperty(l.name(app, d.Span.File))}
	props = append(props, githubPosition(d)...)
	props = append(props, "title="+escapeProperty(d.Rule))
	return "::" + githubLevel(d.Severity) + " " + strings.Join(props, ",") +
		"::" + escapeData(l.messageWithRelated(app, d))
}

func githubLevel(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	default:
		return "notice"
	}
}

// githubPosition is the line and column properties of d's span. The
// runner drops columns unless the annotation starts and ends on one line
// (actions/runner ValidateLinesAndColumns), so a multi-line span keeps
// only its lines. endColumn is the last column of the span, inclusive; a
// zero-width span ends where it starts. A whole-file finding has none.
func githubPosition(d rules.Diagnostic) []string {
	s := d.Span
	if s.Start.Line < 1 {
		return nil
	}
	endLine, endCol := s.End.Line, s.End.Col-1
	if endLine < s.Start.Line { // a span with only a start is zero-width
		endLine, endCol = s.Start.Line, s.Start.Col
	}
	line := strconv.Itoa(s.Start.Line)
	if endLine > s.Start.Line || s.Start.Col < 1 {
		return []string{"line=" + line, "endLine=" + strconv.Itoa(endLine)}
	}
	endCol = max(endCol, s.Start.Col)
	return []string{
		"line=" + line,
		"col=" + strconv.Itoa(s.Start.Col),
		"endLine=" + line,
		"endColumn=" + strconv.Itoa(endCol),
	}
}

// escapeData escapes a command's message as @actions/core does
// (toMessage/escapeData): the runner reads one line and unescapes these.
// Other control characters (ESC, C1, bidi controls) become U+FFFD: the
// command is also a line of the CI log, where they would act.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(redact.Message(s))
}

// escapeProperty escapes a property value as @actions/core does
// (escapeProperty): also ':' and ',', which would end the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(redact.Message(s))
}
