package fixer

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fileRule proposes fixes for one file's content, like a rule would from
// the model of the app.
type fileRule func(rel string, src []byte) []Fix

// linterOf lints the files (app-relative) under whatever root it is given,
// with rules, and counts its calls.
func linterOf(t *testing.T, files []string, calls *int, rules ...fileRule) Linter {
	return func(root string, overlay Overlay) (Lint, error) {
		*calls++
		var out []Fix
		read := map[string][]byte{}
		for _, rel := range files {
			src, err := readThrough(root, rel, overlay)
			if err != nil {
				t.Fatalf("lint: %v", err)
			}
			read[rel] = src
			for _, r := range rules {
				out = append(out, r(rel, src)...)
			}
		}
		return Lint{Fixes: out, Read: read}, nil
	}
}

// readThrough reads rel under root as a loader does: the overlay's content
// when it has the file's real path, else the disk's.
func readThrough(root, rel string, overlay Overlay) ([]byte, error) {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if real, err := resolve(p); err == nil {
		if src, ok := overlay[real]; ok {
			return src, nil
		}
	}
	return os.ReadFile(p)
}

var poolLine = regexp.MustCompile(`(?m)^ *pool: ([0-9])\r?$`)

// raisePool replaces a one-digit unquoted pool with 10.
func raisePool(rel string, src []byte) []Fix {
	var out []Fix
	for _, m := range poolLine.FindAllSubmatchIndex(src, -1) {
		out = append(out, Fix{Label: "raise-pool", Edits: []Edit{{File: rel, Start: m[2], End: m[3], NewText: "10"}}})
	}
	return out
}

var unquotedPool = regexp.MustCompile(`(?m)^( *pool: )([0-9]+)(\r?)$`)

// quotePool rewrites a whole unquoted pool line with the value quoted: it
// overlaps raisePool's edit, so one of them waits for the next pass.
func quotePool(rel string, src []byte) []Fix {
	var out []Fix
	for _, m := range unquotedPool.FindAllSubmatchIndex(src, -1) {
		line := string(src[m[2]:m[3]]) + `"` + string(src[m[4]:m[5]]) + `"`
		out = append(out, Fix{Label: "quote-pool", Edits: []Edit{{File: rel, Start: m[0], End: m[5], NewText: line}}})
	}
	return out
}

func TestRunAppliesInPassesUntilSettled(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "production:\n  pool: 5\n"})
	calls := 0
	res, err := Run(Session{
		Root:   root,
		Lint:   linterOf(t, []string{"config/database.yml"}, &calls, raisePool, quotePool),
		Verify: SyntaxVerifier,
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = "production:\n  pool: \"10\"\n"
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	// Pass 1 raises the pool (quote-pool overlaps it and waits), pass 2
	// quotes it, the third lint finds nothing.
	if res.Fixed != 2 || res.Passes != 2 || !res.Settled || calls != 3 || len(res.Refused) != 0 {
		t.Errorf("fixed %d, passes %d, settled %v, lint calls %d, refused %v; want 2, 2, true, 3, none",
			res.Fixed, res.Passes, res.Settled, calls, res.Refused)
	}
	wantChanges := []Change{{File: "config/database.yml", Before: []byte("production:\n  pool: 5\n"), After: []byte(want)}}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestRunNothingToFix(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "production:\n  pool: 10\n"})
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"config/database.yml"}, &calls, raisePool)})
	if err != nil || res.Fixed != 0 || res.Passes != 0 || !res.Settled || calls != 1 || res.Changes != nil {
		t.Errorf("got %+v, err %v, %d lint calls; want nothing done and one lint", res, err, calls)
	}
}

func TestRunSaysWhenItDoesNotSettle(t *testing.T) {
	root := writeTree(t, map[string]string{"Procfile": "web: puma\n"})
	grow := func(rel string, _ []byte) []Fix {
		return []Fix{{Label: "grow", Edits: []Edit{{File: rel, Start: 0, End: 0, NewText: "# again\n"}}}}
	}
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"Procfile"}, &calls, grow), MaxPasses: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Settled || res.Passes != 3 || res.Fixed != 3 || calls != 4 {
		t.Errorf("settled %v, passes %d, fixed %d, lint calls %d; want false, 3, 3, 4", res.Settled, res.Passes, res.Fixed, calls)
	}
	if got := readFile(t, filepath.Join(root, "Procfile")); got != strings.Repeat("# again\n", 3)+"web: puma\n" {
		t.Errorf("content = %q", got)
	}
}

func TestRunKeepsLineEndingsAndBOM(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "\uFEFFproduction:\r\n  pool: 5\r\n"})
	header := func(rel string, src []byte) []Fix {
		if bytes.Contains(src, []byte("# checked")) {
			return nil
		}
		return []Fix{{Label: "header", Edits: []Edit{{File: rel, Start: 0, End: 0, NewText: "# checked\n"}}}}
	}
	addKey := func(rel string, src []byte) []Fix {
		if bytes.Contains(src, []byte("prepared_statements")) {
			return nil
		}
		return []Fix{{Label: "add-key", Edits: []Edit{{File: rel, Start: len(src), End: len(src), NewText: "  prepared_statements: false\n"}}}}
	}
	calls := 0
	res, err := Run(Session{
		Root:   root,
		Lint:   linterOf(t, []string{"config/database.yml"}, &calls, raisePool, header, addKey),
		Verify: SyntaxVerifier,
	})
	if err != nil || !res.Settled || res.Fixed != 3 {
		t.Fatalf("err %v, settled %v, fixed %d", err, res.Settled, res.Fixed)
	}
	const want = "\uFEFF# checked\r\nproduction:\r\n  pool: 10\r\n  prepared_statements: false\r\n"
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
}

func TestRunAppliesIdenticalFixesOnce(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "production:\n  pool: 5\n"})
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"config/database.yml"}, &calls, raisePool, raisePool)})
	if err != nil || res.Fixed != 2 || res.Passes != 1 {
		t.Errorf("err %v, fixed %d, passes %d; want both problems fixed in one pass", err, res.Fixed, res.Passes)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "production:\n  pool: 10\n" {
		t.Errorf("content = %q", got)
	}
}

func TestRunRefusesFixesThatBreakSyntax(t *testing.T) {
	const puma = "workers 2\npreload_app!\n"
	root := writeTree(t, map[string]string{"config/puma.rb": puma, "config/database.yml": "production:\n  pool: 5\n"})
	noEnd := func(rel string, src []byte) []Fix {
		if rel != "config/puma.rb" || bytes.Contains(src, []byte("before_fork")) {
			return nil
		}
		return []Fix{{Label: "half-a-block", Edits: []Edit{{File: rel, Start: len(src), End: len(src), NewText: "before_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\n"}}}}
	}
	moreWorkers := func(rel string, src []byte) []Fix {
		i := bytes.Index(src, []byte("workers 2"))
		if i < 0 {
			return nil
		}
		return []Fix{{Label: "more-workers", Edits: []Edit{{File: rel, Start: i + 8, End: i + 9, NewText: "3"}}}}
	}
	calls := 0
	res, err := Run(Session{
		Root:   root,
		Lint:   linterOf(t, []string{"config/puma.rb", "config/database.yml"}, &calls, noEnd, moreWorkers, raisePool),
		Verify: SyntaxVerifier,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "puma.rb")); got != "workers 3\npreload_app!\n" {
		t.Errorf("puma.rb = %q, want only the valid fix applied", got)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "production:\n  pool: 10\n" {
		t.Errorf("database.yml = %q, want it fixed", got)
	}
	if len(res.Refused) != 1 || res.Refused[0].Label != "half-a-block" || res.Refused[0].Kind != BadSyntax ||
		!strings.Contains(res.Refused[0].Err.Error(), "would not be valid Ruby") {
		t.Errorf("refused = %+v, want half-a-block refused once for its syntax", res.Refused)
	}
	if !res.Settled || res.Fixed != 2 {
		t.Errorf("settled %v, fixed %d; want true, 2", res.Settled, res.Fixed)
	}

	// Alone, the broken fix leaves the file byte for byte as it was.
	root = writeTree(t, map[string]string{"config/puma.rb": puma})
	res, err = Run(Session{Root: root, Lint: linterOf(t, []string{"config/puma.rb"}, &calls, noEnd), Verify: SyntaxVerifier})
	if err != nil || res.Fixed != 0 || len(res.Refused) != 1 || res.Changes != nil {
		t.Errorf("got %+v, err %v; want one refusal and nothing changed", res, err)
	}
	if got := readFile(t, filepath.Join(root, "config", "puma.rb")); got != puma {
		t.Errorf("puma.rb = %q, want it untouched", got)
	}
	noTempFiles(t, filepath.Join(root, "config"))
}

func TestRunRefusesUnwritableFiles(t *testing.T) {
	const old = "production:\n  pool: 5\n"
	root := writeTree(t, map[string]string{"config/database.yml": old, "config/other.yml": "x:\n  pool: 5\n"})
	if err := os.Chmod(filepath.Join(root, "config", "database.yml"), 0o444); err != nil {
		t.Fatal(err)
	}
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"config/database.yml", "config/other.yml"}, &calls, raisePool)})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != old {
		t.Errorf("read-only file changed: %q", got)
	}
	if got := readFile(t, filepath.Join(root, "config", "other.yml")); got != "x:\n  pool: 10\n" {
		t.Errorf("the writable file was not fixed: %q", got)
	}
	if len(res.Refused) != 1 || res.Refused[0].Kind != Unwritable || res.Refused[0].File != "config/database.yml" ||
		!strings.Contains(res.Refused[0].Err.Error(), "read-only") {
		t.Errorf("refused = %+v, want config/database.yml refused as read-only, once", res.Refused)
	}
	if !res.Settled || res.Fixed != 1 {
		t.Errorf("settled %v, fixed %d", res.Settled, res.Fixed)
	}
}

func TestRunWritesAMultiFileFixWholeOrNotAtAll(t *testing.T) {
	root := writeTree(t, map[string]string{"Procfile": "worker: sidekiq\n", "config/sidekiq.yml": ":concurrency: 5\n"})
	if err := os.Chmod(filepath.Join(root, "config", "sidekiq.yml"), 0o444); err != nil {
		t.Fatal(err)
	}
	both := func(rel string, src []byte) []Fix {
		if rel != "Procfile" || bytes.Contains(src, []byte("DB_POOL")) {
			return nil
		}
		return []Fix{{Label: "both", Edits: []Edit{
			{File: "Procfile", Start: 8, End: 8, NewText: "DB_POOL=10 "},
			{File: "config/sidekiq.yml", Start: 14, End: 15, NewText: "10"},
		}}}
	}
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"Procfile"}, &calls, both)})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "Procfile")); got != "worker: sidekiq\n" {
		t.Errorf("Procfile = %q: half of a refused fix was written", got)
	}
	if res.Fixed != 0 || len(res.Refused) != 1 || !res.Settled {
		t.Errorf("got %+v", res)
	}
}

func TestRunRefusesMalformedFixes(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "production:\n  pool: 5\n"})
	bad := func(rel string, _ []byte) []Fix {
		return []Fix{
			{Label: "past-the-end", Edits: []Edit{{File: rel, Start: 100, End: 101, NewText: "x"}}},
			{Label: "self-overlap", Edits: []Edit{{File: rel, Start: 0, End: 5, NewText: "a"}, {File: rel, Start: 3, End: 8, NewText: "b"}}},
			{Label: "escape", Edits: []Edit{{File: "../outside.yml", Start: 0, End: 0, NewText: "x"}}},
			{Label: "no-op", Edits: []Edit{{File: rel, Start: 0, End: 4, NewText: "prod"}}},
		}
	}
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"config/database.yml"}, &calls, bad, raisePool)})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "production:\n  pool: 10\n" {
		t.Errorf("content = %q, want only raise-pool applied", got)
	}
	var got []string
	for _, r := range res.Refused {
		got = append(got, r.File+" "+r.Label)
	}
	want := []string{"config/database.yml past-the-end", "config/database.yml self-overlap", "../outside.yml "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
	if !res.Settled || res.Fixed != 1 || res.Passes != 1 {
		t.Errorf("settled %v, fixed %d, passes %d; want the no-op fix not to keep the run going", res.Settled, res.Fixed, res.Passes)
	}
}

func TestRunStopsOnLintError(t *testing.T) {
	root := writeTree(t, map[string]string{"Gemfile": ""})
	res, err := Run(Session{Root: root, Lint: func(string, Overlay) (Lint, error) { return Lint{}, os.ErrNotExist }})
	if err != os.ErrNotExist || res.Fixed != 0 {
		t.Errorf("res %+v, err %v; want the linter's error", res, err)
	}
}

func TestPreviewWritesNothing(t *testing.T) {
	const old = "production:\n  pool: 5\n"
	root := writeTree(t, map[string]string{"config/database.yml": old, "Gemfile": ""})
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var roots []string
	calls := 0
	lint := linterOf(t, []string{"config/database.yml"}, &calls, raisePool, quotePool)
	res, err := Preview(Session{
		Root: root,
		Lint: func(r string, overlay Overlay) (Lint, error) {
			roots = append(roots, r)
			return lint(r, overlay)
		},
		Verify: SyntaxVerifier,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != old {
		t.Errorf("the app changed: %q", got)
	}
	if len(roots) != 3 || roots[0] != root || roots[2] != root {
		t.Errorf("lint roots = %q, want the app itself three times", roots)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("TMPDIR holds %v, want nothing written there", entries)
	}
	if entries, _ := os.ReadDir(filepath.Join(root, "config")); len(entries) != 1 {
		t.Errorf("config/ holds %v, want database.yml alone", entries)
	}
	wantChanges := []Change{{File: "config/database.yml", Before: []byte(old), After: []byte("production:\n  pool: \"10\"\n")}}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if res.Fixed != 2 || !res.Settled {
		t.Errorf("fixed %d, settled %v", res.Fixed, res.Settled)
	}
}

// TestPreviewMeetsTheSameRefusals checks that the scratch copy refuses
// what the app would: a read-only file, and a symlink out of the app,
// while a symlink inside the app is written through in the copy too.
func TestPreviewMeetsTheSameRefusals(t *testing.T) {
	outside := writeTree(t, map[string]string{"shared/database.yml": "production:\n  pool: 5\n"})
	root := writeTree(t, map[string]string{
		"config/readonly.yml": "a:\n  pool: 5\n",
		"config/real.yml":     "b:\n  pool: 5\n",
	})
	if err := os.Chmod(filepath.Join(root, "config", "readonly.yml"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "shared", "database.yml"), filepath.Join(root, "config", "database.yml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yml", filepath.Join(root, "config", "linked.yml")); err != nil {
		t.Fatal(err)
	}
	files := []string{"config/readonly.yml", "config/database.yml", "config/linked.yml"}
	calls := 0
	res, err := Preview(Session{Root: root, Lint: linterOf(t, files, &calls, raisePool)})
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, r := range res.Refused {
		if r.Kind == Unwritable {
			refused = append(refused, r.File)
		}
	}
	if diff := cmp.Diff([]string{"config/database.yml", "config/readonly.yml"}, refused); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
	if len(res.Changes) != 1 || res.Changes[0].File != "config/linked.yml" || string(res.Changes[0].After) != "b:\n  pool: 10\n" {
		t.Errorf("changes = %+v, want config/linked.yml fixed through its link", res.Changes)
	}
	if got := readFile(t, filepath.Join(root, "config", "real.yml")); got != "b:\n  pool: 5\n" {
		t.Errorf("the app changed: %q", got)
	}
}

// TestRunTwoPathsToOneFile: a symlink inside the app and its target are
// two paths to one file; fixes through both in one pass would overwrite
// each other, so the second path's wait for the next pass.
func TestRunTwoPathsToOneFile(t *testing.T) {
	root := writeTree(t, map[string]string{"config/real.yml": "b:\n  pool: 5\n"})
	if err := os.Symlink("real.yml", filepath.Join(root, "config", "linked.yml")); err != nil {
		t.Fatal(err)
	}
	viaLink := func(rel string, src []byte) []Fix {
		if rel != "config/linked.yml" {
			return nil
		}
		return raisePool(rel, src)
	}
	viaTarget := func(rel string, src []byte) []Fix {
		if rel != "config/real.yml" || bytes.Contains(src, []byte("timeout")) {
			return nil
		}
		return []Fix{{Label: "timeout", Edits: []Edit{{File: rel, Start: len(src), End: len(src), NewText: "  timeout: 5000\n"}}}}
	}
	calls := 0
	res, err := Run(Session{Root: root, Lint: linterOf(t, []string{"config/linked.yml", "config/real.yml"}, &calls, viaLink, viaTarget)})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "real.yml")); got != "b:\n  pool: 10\n  timeout: 5000\n" {
		t.Errorf("content = %q, want both fixes", got)
	}
	if res.Fixed != 2 || res.Passes != 2 || !res.Settled {
		t.Errorf("fixed %d, passes %d, settled %v; want 2, 2, true", res.Fixed, res.Passes, res.Settled)
	}
}
