package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The tests of --fix over testdata/apps share these helpers: every case is
// copied to a temporary directory and fixed there by the command itself,
// so what they check is what a user's --fix does, passes and verifier
// included.

// testdataApps holds the golden cases: <case>/ beside <case>.golden and,
// when --fix changes the case, <case>.fixed/.
var testdataApps = filepath.Join("..", "..", "testdata", "apps")

// fixedSuffix marks the tree of a case after --fix. Every walker of
// testdata/apps must skip these: they are apps too.
const fixedSuffix = ".fixed"

// fixCaseNames lists the cases of testdata/apps: its directories, less the
// fixed trees.
func fixCaseNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(testdataApps)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasSuffix(e.Name(), fixedSuffix) {
			names = append(names, e.Name())
		}
	}
	if len(names) < 20 {
		t.Fatalf("only %d cases under %s", len(names), testdataApps)
	}
	return names
}

// fixMode is the kind of fixes a run applies.
type fixMode struct {
	name string // names the subtests
	args []string
	// unsafe: the run applies unsafe fixes too, so the diagnostics whose
	// fixes it applies include the unsafe ones.
	unsafe bool
}

var (
	safeFixes   = fixMode{name: "fix", args: []string{"--fix"}}
	unsafeFixes = fixMode{name: "unsafe", args: []string{"--fix", "--unsafe-fixes"}, unsafe: true}
)

// applies reports whether a run in mode m applies the fix of d.
func (m fixMode) applies(d lintedDiag) bool {
	return d.Fix != nil && len(d.Fix.Edits) > 0 && (d.Fix.Safe || m.unsafe)
}

// fixRun is one --fix run over a copy of a case.
type fixRun struct {
	dir            string            // the copy, fixed
	before, after  map[string]string // the copy's files (slash paths) before and after
	code           int
	stdout, stderr string
}

// changed lists the files the run changed or added, sorted.
func (r fixRun) changed() []string {
	var out []string
	for rel, text := range r.after {
		if old, ok := r.before[rel]; !ok || old != text {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out
}

// fixCopy copies the case to a temporary directory and runs the command
// there with the mode's flags.
func fixCopy(t *testing.T, name string, mode fixMode) fixRun {
	t.Helper()
	dir := copyCase(t, name)
	r := fixRun{dir: dir, before: readTree(t, dir)}
	r.code, r.stdout, r.stderr = fixAgain(t, dir, mode)
	r.after = readTree(t, dir)
	return r
}

// fixAgain runs the command with the mode's flags on the copy at dir.
func fixAgain(t *testing.T, dir string, mode fixMode) (code int, stdout, stderr string) {
	t.Helper()
	args := append(append([]string(nil), mode.args...), "--no-color", dir)
	return poollint(t, args...)
}

// copyCase copies testdata/apps/<name> to a new temporary directory and
// returns the copy's path, which ends in name so that reports read alike.
func copyCase(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	copyCaseTo(t, name, dst)
	return dst
}

// copyCaseTo copies testdata/apps/<name> to dst.
func copyCaseTo(t *testing.T, name, dst string) {
	t.Helper()
	src := filepath.Join(testdataApps, name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, b, 0o644)
		}
		t.Fatalf("%s: only directories and regular files are expected in a case", p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readTree returns the regular files under dir by slash path; a missing
// dir reads as no files.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return files
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// lintedDiag is a diagnostic as --format json prints it, with what the
// fix tests compare.
type lintedDiag struct {
	Rule     string
	Severity string
	File     string
	Message  string
	Fix      *struct {
		Safe  bool
		Edits []json.RawMessage
	}
}

// lintJSON lints the apps at dir as the command does, and returns every
// diagnostic, its file relative to dir. Exit code 2 (an app that could not
// be read) fails the test.
func lintJSON(t *testing.T, dir string) []lintedDiag {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"--format", "json", dir}, &out, &errOut); code == exitTrouble {
		t.Fatalf("linting %s: exit %d: %s", dir, code, errOut.String())
	}
	var doc struct{ Diagnostics []lintedDiag }
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("linting %s: not JSON: %v\n%s", dir, err, out.String())
	}
	for i, d := range doc.Diagnostics {
		if rel, err := filepath.Rel(dir, d.File); err == nil {
			doc.Diagnostics[i].File = filepath.ToSlash(rel)
		}
	}
	return doc.Diagnostics
}
