package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/poollint/poollint/report"
)

// writeReport writes the report of a run in one format.
type writeReport func(w io.Writer, apps []report.App) error

// reporter returns the writer for --format. Unknown formats are a usage
// error caught before any app is read.
func reporter(format string, color bool) (writeReport, error) {
	switch format {
	case "text":
		return func(w io.Writer, apps []report.App) error {
			return report.Text(w, apps, report.Options{Color: color, FixHints: true})
		}, nil
	case "json":
		return report.JSON, nil
	}
	return nil, fmt.Errorf("unknown --format %q (want text or json)", format)
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
