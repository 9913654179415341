package rails

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreadableFilesAreProblems: every file poollint refuses is named in a
// Problem, and the rest of the app is still modelled.
func TestUnreadableFilesAreProblems(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.yml")
	must(t, os.WriteFile(outside, []byte("production:\n  pool: 1\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "config", "initializers"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "Gemfile"), []byte("gem 'rails'\n"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(root, "config", "database.yml")))
	must(t, os.WriteFile(filepath.Join(root, "config", "sidekiq.yml"), []byte(strings.Repeat("x", MaxFileSize+1)), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "config", "unicorn.rb"), []byte("worker_processes \xff\xfe\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "config", "puma.rb"), []byte("threads 3, 3\n"), 0o644))
	unreadable := filepath.Join(root, "Procfile")
	must(t, os.WriteFile(unreadable, []byte("web: bundle exec puma\n"), 0o000))

	app, err := Load(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"config/database.yml": "outside the app",
		"config/sidekiq.yml":  "over the",
		"config/unicorn.rb":   "not UTF-8",
	}
	if os.Geteuid() != 0 { // root reads a mode-000 file anyway
		want["Procfile"] = "cannot read"
	}
	for file, text := range want {
		found := false
		for _, p := range app.Problems {
			if p.Span.File == file && strings.Contains(p.Message, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem for %s containing %q; problems: %+v", file, text, app.Problems)
		}
	}
	if app.Pumas["config/puma.rb"] == nil {
		t.Error("the readable puma.rb was not modelled")
	}
	if app.Databases != nil {
		t.Error("database.yml behind a symlink out of the app was read")
	}
}

func TestLoadFailsOnlyForAnUnreadableRoot(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("a missing root must be an error")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
