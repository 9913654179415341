package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/rules"
)

// poolFixedRules are the rules whose fixes TestFixesResolve applies.
var poolFixedRules = []string{
	"puma-threads-exceed-pool",
	"sidekiq-concurrency-exceeds-pool",
	"job-threads-exceed-pool",
	"sidekiq-ignored-key",
	"ambiguous-pool-keys",
	"octopus-ignores-pool",
}

// TestFixesResolve applies, for every golden case, the safe fixes of
// poolFixedRules to a copy of the app, then lints the copy again: each
// finding that had a fix must be gone, no file may become unreadable,
// and a second pass must find nothing left to fix.
func TestFixesResolve(t *testing.T) {
	entries, err := os.ReadDir(appsDir)
	if err != nil {
		t.Fatal(err)
	}
	fixes := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".fixed") {
			continue
		}
		roots, err := rails.Discover(filepath.Join(appsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, root := range roots {
			name, _ := filepath.Rel(appsDir, root)
			t.Run(name, func(t *testing.T) {
				fixes += poolFixCheck(t, root)
			})
		}
	}
	if fixes < 10 {
		t.Errorf("only %d fixes were exercised", fixes)
	}
}

func poolFixCheck(t *testing.T, root string) int {
	dir := t.TempDir()
	poolFixCopyTree(t, root, dir)
	before := poolFixLint(t, dir)
	var fixed []rules.Diagnostic
	var edits []fixer.Edit
	for _, d := range before.diags {
		if d.Fix != nil && d.Fix.Safe && poolFixContains(poolFixedRules, d.Rule) {
			fixed = append(fixed, d)
			edits = append(edits, d.Fix.Edits...)
		}
	}
	if len(fixed) == 0 {
		return 0
	}
	poolFixApplyEdits(t, dir, edits)
	after := poolFixLint(t, dir)
	count := func(ds []rules.Diagnostic) map[string]int {
		n := map[string]int{}
		for _, d := range ds {
			n[d.Rule]++
		}
		return n
	}
	nBefore, nAfter, nFixed := count(before.diags), count(after.diags), count(fixed)
	for rule, n := range nFixed {
		if nAfter[rule] > nBefore[rule]-n {
			for _, a := range after.diags {
				if a.Rule == rule {
					t.Errorf("still reported after the fixes: %s", a.Message)
				}
			}
		}
	}
	for _, p := range after.problems {
		if !poolFixContains(before.problems, p) {
			t.Errorf("the fixes made a file unreadable: %s", p)
		}
	}
	for _, a := range after.diags {
		if a.Fix != nil && a.Fix.Safe && poolFixContains(poolFixedRules, a.Rule) {
			t.Errorf("a second pass still has a fix (%s): %s", a.Fix.Description, a.Message)
		}
	}
	if t.Failed() {
		for _, e := range edits {
			t.Logf("edit %s [%d,%d) %q", e.File, e.Start, e.End, e.NewText)
		}
	}
	return len(fixed)
}

type poolFixLinted struct {
	diags    []rules.Diagnostic
	problems []string
}

func poolFixLint(t *testing.T, dir string) poolFixLinted {
	t.Helper()
	app, err := rails.Load(dir, rails.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var l poolFixLinted
	l.diags = rules.Run(app, rules.Options{})
	for _, p := range app.Problems {
		l.problems = append(l.problems, p.Span.File+": "+p.Message)
	}
	return l
}

// poolFixApplyEdits applies edits per file from the end, dropping duplicates and
// overlapping ones, as the fixer will.
func poolFixApplyEdits(t *testing.T, dir string, edits []fixer.Edit) {
	byFile := map[string][]fixer.Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	for file, es := range byFile {
		path := filepath.Join(dir, filepath.FromSlash(file))
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].Start > es[j].Start })
		out := string(src)
		lastStart := len(src) + 1
		seen := map[fixer.Edit]bool{}
		for _, e := range es {
			if seen[e] {
				continue
			}
			seen[e] = true
			if e.End > lastStart || (e.End == lastStart && e.Start == e.End && e.Start == lastStart) {
				continue // overlaps an edit already applied
			}
			out = out[:e.Start] + e.NewText + out[e.End:]
			lastStart = e.Start
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func poolFixCopyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func poolFixContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPoolFixSharedAnchor: a pool written in an anchor that several
// environments merge is raised for all of them, so tying it to the web's
// threads variable is refused when that would shrink another process's
// pool.
func TestPoolFixSharedAnchor(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Gemfile":      "source \"https://rubygems.org\"\n",
		"Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (6.1.7)\n    puma (5.6.9)\n    sidekiq (6.5.12)\n\nPLATFORMS\n  ruby\n",
		"Procfile": "web: bundle exec puma -C config/puma.rb\n" +
			"stage: RAILS_ENV=staging RAILS_MAX_THREADS=2 bundle exec sidekiq -c 8\n",
		"config/puma.rb":      "threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 16 }\nthreads threads_count, threads_count\n",
		"config/database.yml": "default: &default\n  adapter: postgresql\n  pool: 10\n\nproduction:\n  <<: *default\n\nstaging:\n  <<: *default\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var fix *rules.Fix
	for _, d := range poolFixLint(t, dir).diags {
		if d.Rule == "puma-threads-exceed-pool" {
			fix = d.Fix
		}
	}
	if fix == nil {
		t.Fatal("no fix for puma-threads-exceed-pool")
	}
	if fix.Description != "raise the production pool to 16" {
		t.Errorf("fix %q: tying the shared anchor to RAILS_MAX_THREADS would give the staging worker 2 connections", fix.Description)
	}
}
