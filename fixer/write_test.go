package fixer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (app-relative path → content) under a new
// temporary directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTempFiles fails when a staged temp file was left behind in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".poollint-") {
			t.Errorf("temp file %s left in %s", e.Name(), dir)
		}
	}
}

func TestWriteFileKeepsMode(t *testing.T) {
	root := writeTree(t, map[string]string{"bin/start": "#!/bin/sh\nexec puma\n"})
	p := filepath.Join(root, "bin", "start")
	if err := os.Chmod(p, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(root, "bin/start", []byte("#!/bin/sh\nexec puma\n"), []byte("#!/bin/sh\nexec bundle exec puma\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "#!/bin/sh\nexec bundle exec puma\n" {
		t.Errorf("content = %q", got)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o750 {
		t.Errorf("mode = %v, want -rwxr-x---", info.Mode().Perm())
	}
	noTempFiles(t, filepath.Dir(p))
}

func TestWriteFileKeepsBOM(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "\uFEFFproduction:\r\n  pool: 5\r\n"})
	if err := WriteFile(root, "config/database.yml", []byte("\uFEFFproduction:\r\n  pool: 5\r\n"), []byte("production:\r\n  pool: 10\r\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "\uFEFFproduction:\r\n  pool: 10\r\n" {
		t.Errorf("content = %q, want the BOM kept", got)
	}
}

func TestWriteFileRefusesReadOnly(t *testing.T) {
	const old = "production:\n  pool: 5\n"
	root := writeTree(t, map[string]string{"config/database.yml": old})
	p := filepath.Join(root, "config", "database.yml")
	if err := os.Chmod(p, 0o444); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(root, "config/database.yml", []byte(old), []byte("production:\n  pool: 10\n"))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != "config/database.yml" || !strings.Contains(err.Error(), "config/database.yml: the file is read-only") {
		t.Errorf("err = %v, want a FileError naming config/database.yml as read-only", err)
	}
	if got := readFile(t, p); got != old {
		t.Errorf("content = %q, want it unchanged", got)
	}
	noTempFiles(t, filepath.Dir(p))
}

func TestWriteFileRefusesSymlinkOutOfRoot(t *testing.T) {
	const shared = "production:\n  pool: 5\n"
	outside := writeTree(t, map[string]string{"shared/database.yml": shared})
	root := writeTree(t, map[string]string{"Gemfile": ""})
	if err := os.MkdirAll(filepath.Join(root, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(outside, "shared", "database.yml")
	if err := os.Symlink(target, filepath.Join(root, "config", "database.yml")); err != nil {
		t.Fatal(err)
	}
	// A symlinked directory leads out as well.
	if err := os.Symlink(filepath.Join(outside, "shared"), filepath.Join(root, "shared")); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"config/database.yml", "shared/database.yml"} {
		err := WriteFile(root, rel, []byte(shared), []byte("production:\n  pool: 10\n"))
		if err == nil || !strings.Contains(err.Error(), rel+": it is a symlink to ") || !strings.Contains(err.Error(), "outside the app") {
			t.Errorf("%s: err = %v, want a refusal to write through the symlink", rel, err)
		}
	}
	if got := readFile(t, target); got != shared {
		t.Errorf("the file outside the app changed: %q", got)
	}
	noTempFiles(t, filepath.Join(outside, "shared"))
}

func TestWriteFileThroughSymlinkInsideRoot(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.production.yml": "pool: 5\n"})
	link := filepath.Join(root, "config", "database.yml")
	if err := os.Symlink("database.production.yml", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(root, "config/database.yml", []byte("pool: 5\n"), []byte("pool: 10\n")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.production.yml")); got != "pool: 10\n" {
		t.Errorf("target content = %q", got)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a file (%v)", err)
	}
}

func TestWriteFileRefusesPathsOutsideRoot(t *testing.T) {
	parent := writeTree(t, map[string]string{"app/Gemfile": "", "secret.yml": "x: 1\n"})
	root := filepath.Join(parent, "app")
	for _, rel := range []string{"../secret.yml", "/etc/passwd", "", "config/missing.yml"} {
		if err := WriteFile(root, rel, []byte("x: 1\n"), []byte("x: 2\n")); err == nil {
			t.Errorf("%q: written", rel)
		}
	}
	if got := readFile(t, filepath.Join(parent, "secret.yml")); got != "x: 1\n" {
		t.Errorf("a file outside the app changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "config", "missing.yml")); err == nil {
		t.Errorf("a missing file was created")
	}
}

func TestWriteFileSymlinkLoopSaysSo(t *testing.T) {
	root := writeTree(t, map[string]string{"Gemfile": ""})
	dir := filepath.Join(root, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Two links naming each other: resolving them never ends.
	if err := os.Symlink("b.yml", filepath.Join(dir, "database.yml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("database.yml", filepath.Join(dir, "b.yml")); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(root, "config/database.yml", []byte("pool: 5\n"), []byte("pool: 10\n"))
	if err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") || strings.Contains(err.Error(), "EvalSymlinks") {
		t.Errorf("err = %v, want the system's wording for a symlink loop", err)
	}
}
