package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/report"
	"github.com/poollint/poollint/rules"
)

// runFix is a lint run with --fix or --diff: each app is fixed (or fixed in
// memory, for --diff) in passes until nothing is left to fix, then
// --fix reports what remains as a lint would and --diff prints the
// changes. Either ends with a "fixed N problems in M files, K remain"
// line on stderr (for the text format), so the report on stdout stays
// what a plain lint prints.
func runFix(cfg lintConfig, stream newStream, stdout, stderr io.Writer) int {
	f := &fixing{cfg: cfg, stderr: stderr}
	// Apps are fixed in parallel, each by a fixing of its own whose lines
	// and counts join the run's in discovery order.
	check := func(root, display string) (report.App, func(), error) {
		var lines bytes.Buffer
		one := &fixing{cfg: cfg, stderr: &lines}
		app, err := one.check(root, display)
		return app, func() {
			_, _ = stderr.Write(lines.Bytes())
			f.fixed += one.fixed
			f.files += one.files
			f.diffs = append(f.diffs, one.diffs...)
			f.unwritable = f.unwritable || one.unwritable
		}, err
	}
	var out report.Stream
	if !cfg.diff {
		out = stream(stdout)
	}
	fails, remain := false, 0
	allRead, err := checkEach(cfg, stderr, check, func(app report.App) error {
		fails = fails || failing([]report.App{app}, cfg.failOn)
		remain += len(app.Diagnostics)
		if out == nil {
			return nil
		}
		return out.Add(app)
	})

	code := exitClean
	switch {
	case !allRead || f.unwritable:
		code = exitTrouble
	case cfg.diff && len(f.diffs) > 0:
		code = exitFindings
	case !cfg.diff && fails:
		code = exitFindings
	}

	switch {
	case err != nil:
	case cfg.diff:
		for _, d := range f.diffs {
			if _, err = io.WriteString(stdout, d); err != nil {
				break
			}
		}
	default:
		err = out.End()
	}
	if cfg.format == "text" {
		fmt.Fprintln(stderr, f.summary(remain))
	}
	return wrote(err, stderr, code)
}

// fixing is what --fix or --diff did over all the apps of a run.
type fixing struct {
	cfg        lintConfig
	stderr     io.Writer
	fixed      int      // problems fixed
	files      int      // files changed
	diffs      []string // --diff: one unified diff per changed file, in order
	unwritable bool     // a file that needed a fix may not be written, or kept changing
}

// check fixes the app at root and returns what remains in it: the report
// of the last lint of the run, which saw the fixed files.
func (f *fixing) check(root, display string) (report.App, error) {
	var last report.App
	lint := func(dir string, overlay fixer.Overlay) (fixer.Lint, error) {
		cfg := f.cfg
		cfg.overlay = overlay
		app, diags, err := lintApp(cfg, dir, display)
		if err != nil {
			return fixer.Lint{}, err
		}
		last = reportApp(app, diags)
		// The fixes' offsets are into these bytes, as the lint read them.
		read := make(map[string][]byte, len(app.Files))
		for rel, file := range app.Files {
			read[rel] = file.Src
		}
		return fixer.Lint{Fixes: fixesOf(diags, f.cfg.unsafeFixes), Read: read}, nil
	}
	run := fixer.Run
	if f.cfg.diff {
		run = fixer.Preview
	}
	res, err := run(fixer.Session{Root: root, Lint: lint, Verify: fixer.SyntaxVerifier})
	if err != nil {
		return report.App{}, err
	}

	for _, t := range res.StaleTemps {
		what := "a temp file an interrupted --fix left; remove it"
		if t.Removed {
			what = "removed a temp file an interrupted --fix left"
		}
		fmt.Fprintf(f.stderr, "poollint: %s: %s\n", filePath(display, t.File), what)
	}
	f.fixed += res.Fixed
	f.files += len(res.Changes)
	for _, c := range res.Changes {
		f.diffs = append(f.diffs, fixer.Diff(filepath.ToSlash(filePath(display, c.File)), c.Before, c.After))
	}
	for _, r := range res.Refused {
		f.unwritable = f.unwritable || r.Kind == fixer.Unwritable || r.Kind == fixer.Changed
		what := "not fixed"
		if r.Label != "" {
			what = r.Label + " not fixed"
		}
		fmt.Fprintf(f.stderr, "poollint: %s: %s: %v\n", filePath(display, r.File), what, r.Err)
	}
	if !res.Settled {
		fmt.Fprintf(f.stderr, "poollint: %s: the fixes did not settle after %d passes (each pass found more to change); what remains is reported\n",
			display, res.Passes)
	}
	return last, nil
}

// summary is the last line of a --fix or --diff run.
func (f *fixing) summary(remain int) string {
	verb := "fixed"
	if f.cfg.diff {
		verb = "would fix"
	}
	return fmt.Sprintf("%s %s in %s, %d remain", verb, plural(f.fixed, "problem"), plural(f.files, "file"), remain)
}

// fixesOf returns the fixes of diags that the run applies: the safe ones,
// and the unsafe ones too with --unsafe-fixes. The rule ID labels each,
// for the messages about a fix that was refused.
func fixesOf(diags []rules.Diagnostic, unsafe bool) []fixer.Fix {
	var out []fixer.Fix
	for _, d := range diags {
		if d.Fix == nil || len(d.Fix.Edits) == 0 || !d.Fix.Safe && !unsafe {
			continue
		}
		out = append(out, fixer.Fix{Label: d.Rule, Edits: d.Fix.Edits})
	}
	return out
}

// filePath names an app-relative file the way reports do: joined to the
// app root as the user typed it.
func filePath(display, rel string) string {
	return filepath.Join(display, filepath.FromSlash(rel))
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
