package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// concurrentCase has fixes in two files over several passes (a Procfile
// `DB_POOL=21`, two hook blocks added to puma.rb): the shapes that two
// --fix runs used to corrupt (`DB_POOL=21 DB_POOL=21`, a `before_fork`
// block twice) when one applied offsets computed on its read to the file
// the other had already rewritten.
const concurrentCase = "heroku_sidekiq_concurrency_21"

// editedFile is the file the "editor" of the test saves during the runs.
const editedFile = "config/puma.rb"

// TestConcurrentFixesNeverMixFiles runs pairs of --fix on one app while an
// editor saves a newer puma.rb (by rename, as editors do), and checks that
// every file ends as one of the states a run in isolation can give: the
// original or the newer content, untouched or fixed — never edits of one
// read applied to another.
func TestConcurrentFixesNeverMixFiles(t *testing.T) {
	allowed := allowedStates(t)
	trials := 50
	if testing.Short() {
		trials = 10
	}
	for trial := range trials {
		dir := copyCase(t, concurrentCase)
		newer := "# saved by an editor\n" + fileContent(t, filepath.Join(dir, editedFile))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		stderrs := make([]string, 2)
		for i := range 2 {
			wg.Go(func() {
				codes[i], _, stderrs[i] = poollint(t, "--fix", "--no-color", dir)
			})
		}
		wg.Go(func() {
			// Save at a different moment of the runs in each trial.
			for range trial % 7 * 200 {
				_, _ = os.Stat(dir)
			}
			saveByRename(t, filepath.Join(dir, editedFile), newer)
		})
		wg.Wait()
		for i, code := range codes {
			if code < 0 || code > 2 {
				t.Errorf("trial %d: run %d exited %d:\n%s", trial, i, code, stderrs[i])
			}
		}
		got := readTree(t, dir)
		for rel, content := range got {
			if strings.Contains(rel, ".poollint-") {
				t.Errorf("trial %d: temp file %s left behind", trial, rel)
				continue
			}
			if !slices.Contains(allowed[rel], content) {
				t.Errorf("trial %d: %s ends as a state no run gives:\n%s\nstderr of the runs:\n%s\n%s", trial, rel, content, stderrs[0], stderrs[1])
			}
		}
	}
}

// allowedStates returns, per file of the case, the contents a file may end
// with: as it is, fixed, and for the edited file the editor's newer
// content, untouched or fixed. Each comes from runs in isolation.
func allowedStates(t *testing.T) map[string][]string {
	t.Helper()
	original := copyCase(t, concurrentCase)
	states := map[string][]string{}
	add := func(files map[string]string) {
		for rel, c := range files {
			if !slices.Contains(states[rel], c) {
				states[rel] = append(states[rel], c)
			}
		}
	}
	add(readTree(t, original))
	fixed := copyCase(t, concurrentCase)
	if code, _, stderr := poollint(t, "--fix", "--no-color", fixed); code > 1 {
		t.Fatalf("--fix exited %d: %s", code, stderr)
	}
	add(readTree(t, fixed))
	// The editor's save (of the original, fixed or not), and a run's fix of it.
	edited := copyCase(t, concurrentCase)
	newer := "# saved by an editor\n" + fileContent(t, filepath.Join(original, editedFile))
	saveByRename(t, filepath.Join(edited, editedFile), newer)
	add(map[string]string{editedFile: newer})
	if code, _, stderr := poollint(t, "--fix", "--no-color", edited); code > 1 {
		t.Fatalf("--fix exited %d: %s", code, stderr)
	}
	add(map[string]string{editedFile: fileContent(t, filepath.Join(edited, editedFile))})
	if len(states[editedFile]) != 4 || len(states["Procfile"]) != 2 {
		t.Fatalf("want 4 states of %s and 2 of the Procfile, got %d and %d", editedFile, len(states[editedFile]), len(states["Procfile"]))
	}
	return states
}

// saveByRename replaces the file at p with content the way editors save:
// a new file renamed over the old one.
func saveByRename(t *testing.T, p, content string) {
	tmp := fmt.Sprintf("%s.editor-%d", p, os.Getpid())
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Error(err)
	}
}

// TestDiffWritesNothing runs --diff on an app whose fixes take several
// passes over two files and checks that nothing is written: not in the
// app, and not in TMPDIR (it used to hold a copy of the whole app).
func TestDiffWritesNothing(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := copyCase(t, concurrentCase)
	before := readTree(t, dir)
	code, stdout, stderr := poollint(t, "--diff", "--no-color", dir)
	if code != exitFindings || !strings.Contains(stdout, "+worker: DB_POOL=21 bundle exec sidekiq") || !strings.Contains(stdout, "+before_fork do") {
		t.Errorf("--diff: exit %d, stdout\n%s\nstderr %s", code, stdout, stderr)
	}
	if diff := cmp.Diff(before, readTree(t, dir)); diff != "" {
		t.Errorf("--diff changed the app (-before +after):\n%s", diff)
	}
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) != 0 {
		t.Errorf("TMPDIR holds %v (%v), want nothing", entries, err)
	}
}
