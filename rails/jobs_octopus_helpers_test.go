package rails

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sqLockfile renders a Gemfile.lock locking the given gems (name, version pairs).
func sqLockfile(pairs ...string) string {
	var specs []string
	for i := 0; i+1 < len(pairs); i += 2 {
		specs = append(specs, "    "+pairs[i]+" ("+pairs[i+1]+")")
	}
	sort.Strings(specs)
	return "GEM\n  remote: https://rubygems.org/\n  specs:\n" + strings.Join(specs, "\n") + "\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n"
}

// sqLoadApp writes an app made of files (path → content) and loads it.
func sqLoadApp(t *testing.T, files map[string]string) *App {
	t.Helper()
	root := t.TempDir()
	if _, ok := files["Gemfile"]; !ok {
		files["Gemfile"] = "source \"https://rubygems.org\"\n"
	}
	for rel, text := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := Load(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sqProcessNamed returns the process called name.
func sqProcessNamed(t *testing.T, a *App, name string) *Process {
	t.Helper()
	for _, p := range a.Processes {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no process %q among %d", name, len(a.Processes))
	return nil
}
