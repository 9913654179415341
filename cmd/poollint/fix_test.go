package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lockfile locks Rails and Puma at the given versions.
func lockfile(rails, puma string) string {
	return `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (` + rails + `)
    puma (` + puma + `)
    rails (` + rails + `)
      activerecord (= ` + rails + `)

PLATFORMS
  ruby

DEPENDENCIES
  activerecord
  puma
  rails

BUNDLED WITH
   2.5.6
`
}

// smallApp writes an app under a new temporary directory, which becomes
// the working directory, and returns the app's path relative to it: the
// diffs and reports then name files as a user in that directory sees them.
// files maps app-relative paths to content.
func smallApp(t *testing.T, files map[string]string) string {
	t.Helper()
	tree := t.TempDir()
	t.Chdir(tree)
	for rel, content := range files {
		p := filepath.Join(tree, "app", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return "app"
}

// pumaOverPool is an app whose Puma runs 16 threads over a pool of 5:
// puma-threads-exceed-pool fires with a safe fix that raises the pool.
func pumaOverPool(database string) map[string]string {
	return map[string]string{
		"Gemfile":             "source \"https://rubygems.org\"\ngem \"rails\"\ngem \"puma\"\n",
		"Gemfile.lock":        lockfile("4.2.11", "3.12.6"),
		"Procfile":            "web: bundle exec puma -t 8:16 -p $PORT\n",
		"config/database.yml": database,
	}
}

func fileContent(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDiffThenFix(t *testing.T) {
	const database = "production:\n  adapter: postgresql\n  pool: 5\n"
	app := smallApp(t, pumaOverPool(database))
	dbPath := filepath.Join(app, "config", "database.yml")

	code, stdout, stderr := poollint(t, "--diff", app)
	if code != exitFindings {
		t.Errorf("--diff: exit %d, want %d (there is a diff); stderr %q", code, exitFindings, stderr)
	}
	wantDiff := "--- a/app/config/database.yml\n+++ b/app/config/database.yml\n@@ -1,3 +1,3 @@\n production:\n   adapter: postgresql\n-  pool: 5\n+  pool: 16\n"
	if stdout != wantDiff {
		t.Errorf("--diff printed\n%s\nwant\n%s", stdout, wantDiff)
	}
	if stderr != "would fix 1 problem in 1 file, 0 remain\n" {
		t.Errorf("--diff stderr = %q", stderr)
	}
	if got := fileContent(t, dbPath); got != database {
		t.Fatalf("--diff wrote the file: %q", got)
	}

	code, stdout, stderr = poollint(t, "--fix", app)
	if code != exitClean {
		t.Errorf("--fix: exit %d, want %d (nothing remains); stderr %q", code, exitClean, stderr)
	}
	if !strings.HasSuffix(stdout, "no problems found in 1 app\n") {
		t.Errorf("--fix report = %q, want the usual report of what remains", stdout)
	}
	if stderr != "fixed 1 problem in 1 file, 0 remain\n" {
		t.Errorf("--fix stderr = %q", stderr)
	}
	if got := fileContent(t, dbPath); got != "production:\n  adapter: postgresql\n  pool: 16\n" {
		t.Errorf("after --fix: %q", got)
	}

	// A second --fix changes nothing, and --diff has nothing to show.
	if code, _, stderr := poollint(t, "--fix", app); code != exitClean || stderr != "fixed 0 problems in 0 files, 0 remain\n" {
		t.Errorf("second --fix: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := poollint(t, "--diff", app); code != exitClean || stdout != "" {
		t.Errorf("--diff after --fix: exit %d, stdout %q; want 0 and no diff", code, stdout)
	}
}

func TestFixKeepsCRLFAndBOM(t *testing.T) {
	app := smallApp(t, pumaOverPool("\uFEFFproduction:\r\n  adapter: postgresql\r\n  pool: 5\r\n"))
	if code, _, stderr := poollint(t, "--fix", app); code != exitClean {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if got := fileContent(t, filepath.Join(app, "config", "database.yml")); got != "\uFEFFproduction:\r\n  adapter: postgresql\r\n  pool: 16\r\n" {
		t.Errorf("after --fix: %q", got)
	}
}

func TestUnsafeFixesOnlyWhenAsked(t *testing.T) {
	// Rails 6.1 and Puma 5 reading RAILS_MAX_THREADS: the pool does not
	// follow it, which pool-not-tied-to-threads fixes unsafely.
	const database = "default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n"
	app := smallApp(t, map[string]string{
		"Gemfile":             "source \"https://rubygems.org\"\ngem \"puma\"\ngem \"rails\"\n",
		"Gemfile.lock":        lockfile("6.1.7.10", "5.6.9"),
		"config/puma.rb":      "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 5 }.to_i\nthreads threads_count, threads_count\n",
		"config/database.yml": database,
	})
	dbPath := filepath.Join(app, "config", "database.yml")

	if code, stdout, _ := poollint(t, "--diff", app); code != exitClean || stdout != "" {
		t.Errorf("--diff: exit %d, stdout %q; want no diff without --unsafe-fixes", code, stdout)
	}
	code, stdout, _ := poollint(t, "--diff", "--unsafe-fixes", app)
	if code != exitFindings || !strings.Contains(stdout, "-  pool: 5\n+  pool: ") {
		t.Errorf("--diff --unsafe-fixes: exit %d, stdout %q; want the pool rewritten", code, stdout)
	}

	code, stdout, stderr := poollint(t, "--fix", app)
	if code != exitFindings || !strings.Contains(stdout, "[pool-not-tied-to-threads] (unsafe fix)") {
		t.Errorf("--fix: exit %d, stdout %q; want the warning left, marked as having an unsafe fix", code, stdout)
	}
	if stderr != "fixed 0 problems in 0 files, 1 remain\n" || fileContent(t, dbPath) != database {
		t.Errorf("--fix without --unsafe-fixes changed something: stderr %q", stderr)
	}
	if code, _, stderr := poollint(t, "--fix", "--unsafe-fixes", app); code != exitClean || stderr != "fixed 1 problem in 1 file, 0 remain\n" {
		t.Errorf("--fix --unsafe-fixes: exit %d, stderr %q", code, stderr)
	}
	if fileContent(t, dbPath) == database {
		t.Errorf("--fix --unsafe-fixes did not change %s", dbPath)
	}
}

func TestFixRefusesReadOnlyFile(t *testing.T) {
	const database = "production:\n  adapter: postgresql\n  pool: 5\n"
	app := smallApp(t, pumaOverPool(database))
	dbPath := filepath.Join(app, "config", "database.yml")
	if err := os.Chmod(dbPath, 0o444); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"--diff", "--fix"} {
		code, stdout, stderr := poollint(t, mode, app)
		if code != exitTrouble {
			t.Errorf("%s: exit %d, want %d", mode, code, exitTrouble)
		}
		if want := "poollint: app/config/database.yml: not fixed: the file is read-only; not changing it\n"; !strings.HasPrefix(stderr, want) {
			t.Errorf("%s: stderr = %q, want it to start with %q", mode, stderr, want)
		}
		if mode == "--fix" && !strings.Contains(stdout, "[puma-threads-exceed-pool]") {
			t.Errorf("--fix: the finding that was not fixed is not reported:\n%s", stdout)
		}
		if mode == "--diff" && stdout != "" {
			t.Errorf("--diff: stdout = %q, want no diff", stdout)
		}
	}
	if got := fileContent(t, dbPath); got != database {
		t.Errorf("the read-only file changed: %q", got)
	}
}

// TestFixLeavesSymlinkOutOfAppAlone: the loader does not read a config
// file that is a symlink out of the app (it belongs to the deploy, like
// Capistrano's shared/config), so no fix is proposed for it; the fixer
// would refuse to write through it anyway (see fixer's tests).
func TestFixLeavesSymlinkOutOfAppAlone(t *testing.T) {
	const database = "production:\n  adapter: postgresql\n  pool: 5\n"
	files := pumaOverPool("")
	delete(files, "config/database.yml")
	files["../shared/database.yml"] = database
	app := smallApp(t, files)
	shared, err := filepath.Abs(filepath.Join("shared", "database.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(app, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, filepath.Join(app, "config", "database.yml")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := poollint(t, "--fix", app)
	if code == exitTrouble || !strings.HasPrefix(stderr, "fixed 0 problems in 0 files") {
		t.Errorf("exit %d, stderr %q, stdout\n%s", code, stderr, stdout)
	}
	if got := fileContent(t, shared); got != database {
		t.Errorf("the file outside the app changed: %q", got)
	}
}

func TestFixWithJSON(t *testing.T) {
	app := smallApp(t, pumaOverPool("production:\n  adapter: postgresql\n  pool: 5\n"))

	// A plain lint carries each fix with its edits.
	code, stdout, _ := poollint(t, "--format", "json", app)
	var doc struct {
		Diagnostics []struct {
			Rule string
			Fix  *struct {
				Safe  bool
				Edits []struct {
					File    string
					Start   int
					End     int
					NewText string `json:"new_text"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("exit %d, not JSON: %v\n%s", code, err, stdout)
	}
	if len(doc.Diagnostics) != 1 || doc.Diagnostics[0].Fix == nil || !doc.Diagnostics[0].Fix.Safe || len(doc.Diagnostics[0].Fix.Edits) != 1 {
		t.Fatalf("diagnostics = %+v, want one with a safe fix of one edit", doc.Diagnostics)
	}
	if e := doc.Diagnostics[0].Fix.Edits[0]; e.File != filepath.Join("app", "config", "database.yml") || e.NewText != "16" || e.End-e.Start != 1 {
		t.Errorf("edit = %+v", e)
	}

	// --fix with JSON prints what remains as JSON, and no summary line.
	code, stdout, stderr := poollint(t, "--fix", "--format", "json", app)
	doc.Diagnostics = nil
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != exitClean || len(doc.Diagnostics) != 0 || stderr != "" {
		t.Errorf("--fix --format json: exit %d, err %v, stderr %q, stdout\n%s", code, err, stderr, stdout)
	}
}

func TestFixSummaryPlurals(t *testing.T) {
	f := &fixing{fixed: 3, files: 1}
	if got := f.summary(0); got != "fixed 3 problems in 1 file, 0 remain" {
		t.Errorf("summary = %q", got)
	}
	f = &fixing{cfg: lintConfig{diff: true}, fixed: 1, files: 2}
	if got := f.summary(1); got != "would fix 1 problem in 2 files, 1 remain" {
		t.Errorf("summary = %q", got)
	}
}
