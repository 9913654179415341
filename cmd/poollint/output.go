package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/poollint/poollint/docs"
	"github.com/poollint/poollint/report"
	"github.com/poollint/poollint/rules"
)

// newStream starts the report of a run in one format, written app by app.
type newStream func(w io.Writer) report.Stream

// reporter returns the stream for --format. Unknown formats are a usage
// error caught before any app is read. Every format streams app by app:
// text, github and checkstyle write each app as it comes; JSON and SARIF
// spool their encoded findings and write the document around them at the
// end.
func reporter(format string, color bool) (newStream, error) {
	switch format {
	case "text":
		return func(w io.Writer) report.Stream {
			return report.NewTextStream(w, report.Options{Color: color, FixHints: true})
		}, nil
	case "json":
		return report.NewJSONStream, nil
	case "github":
		return report.NewGitHubStream, nil
	case "checkstyle":
		return report.NewCheckstyleStream, nil
	case "sarif":
		info := sarifToolInfo()
		return func(w io.Writer) report.Stream { return report.NewSARIFStream(w, info) }, nil
	}
	return nil, fmt.Errorf("unknown --format %q (want text, json, github, sarif or checkstyle)", format)
}

// docsBaseURL is where rule pages are published: SARIF's helpUri, which
// code scanning links from each alert.
const docsBaseURL = "https://github.com/poollint/poollint/blob/main/docs/rules/"

// sarifToolInfo describes poollint and its rules for SARIF's tool.driver.
func sarifToolInfo() report.ToolInfo {
	info := report.ToolInfo{Version: version()}
	for _, r := range rules.All() {
		full := whatGoesWrong(r.ID)
		if full == "" {
			full = r.Summary
		}
		info.Rules = append(info.Rules, report.RuleInfo{
			ID:              r.ID,
			Summary:         r.Summary,
			FullDescription: full,
			HelpURI:         docsBaseURL + r.ID + ".md",
			Level:           report.SARIFLevel(r.Severity),
		})
	}
	return info
}

// colorWanted reports whether text output should be colored: only on a
// terminal (a file or a pipe gets plain text), and not when the user opted
// out with NO_COLOR (any non-empty value, see no-color.org) or a dumb
// terminal. --no-color is checked by the caller.
func colorWanted(stdout io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := stdout.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// whatGoesWrong returns the first paragraph of a rule page's "What goes
// wrong" section: the runtime failure, which is what SARIF's
// fullDescription is for.
func whatGoesWrong(id string) string {
	page, ok := docs.Rule(id)
	if !ok {
		return ""
	}
	_, after, found := strings.Cut(page, "## What goes wrong")
	if !found {
		return ""
	}
	var lines []string
	for _, line := range strings.Split(strings.TrimLeft(after, "\n"), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			break
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	return strings.Join(lines, " ")
}
