package safefile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangGuard runs read and fails the test if it never returns: it guards
// against a blocking open, it is not a performance target.
func hangGuard(t *testing.T, read func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the read blocked")
		return nil
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func openRoot(t *testing.T, dir string) *Root {
	t.Helper()
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func wantRefused(t *testing.T, err error, kind Kind, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("read, want refused (%s)", text)
	}
	if KindOf(err) != kind || !strings.Contains(err.Error(), text) {
		t.Errorf("error %q (kind %d), want kind %d containing %q", err, KindOf(err), kind, text)
	}
	for _, internal := range []string{"openat", "escapes from parent", "EvalSymlinks", "/tmp/"} {
		if strings.Contains(err.Error(), internal) {
			t.Errorf("error %q leaks %q", err, internal)
		}
	}
}

func TestRegularFileIsRead(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config", "database.yml"), "production:\n  pool: 5\n")
	got, err := openRoot(t, dir).ReadFile("config/database.yml", 1<<20)
	if err != nil || string(got) != "production:\n  pool: 5\n" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestFIFOIsRefusedWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "puma.rb")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	err := hangGuard(t, func() error { _, err := openRoot(t, dir).ReadFile("puma.rb", 1<<20); return err })
	wantRefused(t, err, NotRegular, "named pipe (FIFO)")
	err = hangGuard(t, func() error { _, err := ReadFile(fifo, 1<<20); return err })
	wantRefused(t, err, NotRegular, "named pipe (FIFO)")
}

// A device reports size 0: a cap that trusted Stat().Size() would read
// /dev/zero until memory ran out.
func TestDeviceIsRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	err := hangGuard(t, func() error { _, err := ReadFile("/dev/zero", 1<<20); return err })
	wantRefused(t, err, NotRegular, "character device")

	dir := t.TempDir()
	dev := filepath.Join(dir, "zero")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
		t.Skip("mknod needs root:", err)
	}
	err = hangGuard(t, func() error { _, err := openRoot(t, dir).ReadFile("zero", 1<<20); return err })
	wantRefused(t, err, NotRegular, "character device")
}

func TestDirectoryAndSocketAreRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config", "database.yml"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := openRoot(t, dir).ReadFile("config/database.yml", 1<<20)
	wantRefused(t, err, NotRegular, "directory")

	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip("no unix sockets:", err)
	}
	defer l.Close()
	_, err = openRoot(t, dir).ReadFile("s", 1<<20)
	if err == nil || KindOf(err) == 0 {
		t.Errorf("a socket was read: %v", err)
	}
}

// Symlinked directories anywhere on the path, not just the last
// component, must not lead out of the root.
func TestSymlinksOutOfTheRootAreRefused(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.rb"), "TOKEN = 'hunter2'\n")
	write(t, filepath.Join(dir, "config", "ok.yml"), "pool: 5\n")
	links := map[string]string{
		"config/etc":          "/etc",
		"config/initializers": outside,
		"config/dev":          "/dev",
		"config/up":           "../..",
		".poollint.yml":       filepath.Join(outside, "secret.rb"),
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	r := openRoot(t, dir)
	for _, rel := range []string{"config/etc/passwd", "config/initializers/secret.rb", "config/dev/zero", "config/up/etc/passwd", ".poollint.yml", "../x", "/etc/passwd"} {
		src, err := hangGuard2(t, r, rel)
		if len(src) > 0 {
			t.Errorf("%s: read %q", rel, src)
		}
		wantRefused(t, err, Outside, "outside the app")
	}
	if _, err := r.ReadDir("config/initializers"); KindOf(err) != Outside {
		t.Errorf("listing a symlinked directory out of the app: %v", err)
	}
	if _, err := r.Stat("config/etc/passwd"); KindOf(err) != Outside {
		t.Errorf("stat through a symlinked directory out of the app: %v", err)
	}
}

func hangGuard2(t *testing.T, r *Root, rel string) ([]byte, error) {
	var src []byte
	err := hangGuard(t, func() error {
		var err error
		src, err = r.ReadFile(rel, 1<<20)
		return err
	})
	return src, err
}

func TestSymlinksInsideTheRootAreFollowed(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "shared", "database.yml"), "pool: 5\n")
	if err := os.Symlink("shared", filepath.Join(dir, "config")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "app", "db.yml"), "pool: 6\n")
	if err := os.Symlink("../app/db.yml", filepath.Join(dir, "shared", "link.yml")); err != nil {
		t.Fatal(err)
	}
	r := openRoot(t, dir)
	for rel, want := range map[string]string{"config/database.yml": "pool: 5\n", "config/link.yml": "pool: 6\n"} {
		got, err := r.ReadFile(rel, 1<<20)
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v", rel, got, err)
		}
	}
}

func TestSymlinkLoopIsUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("loop", filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	_, err := openRoot(t, dir).ReadFile("loop", 1<<20)
	wantRefused(t, err, Unreadable, "too many levels of symbolic links")
}

func TestLimitIsEnforced(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "big"), strings.Repeat("x", 101))
	_, err := openRoot(t, dir).ReadFile("big", 100)
	wantRefused(t, err, TooLarge, "over the 100-byte cap")
	if _, err := ReadFile(filepath.Join(dir, "big"), 101); err != nil {
		t.Errorf("a file at the cap was refused: %v", err)
	}
}

func TestAbsentIsNotExist(t *testing.T) {
	_, err := openRoot(t, t.TempDir()).ReadFile("config/missing.yml", 1<<20)
	if !errors.Is(err, fs.ErrNotExist) || KindOf(err) != Absent {
		t.Errorf("absent file: %v", err)
	}
}

func TestUnreadableFileSaysPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads mode-000 files")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Procfile"), "web: puma\n")
	if err := os.Chmod(filepath.Join(dir, "Procfile"), 0); err != nil {
		t.Fatal(err)
	}
	_, err := openRoot(t, dir).ReadFile("Procfile", 1<<20)
	wantRefused(t, err, Unreadable, "permission denied")
}

func TestReadDirIsSortedAndRefusesFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d", "b.rb"), "")
	write(t, filepath.Join(dir, "d", "a.rb"), "")
	es, err := openRoot(t, dir).ReadDir("d")
	if err != nil || len(es) != 2 || es[0].Name() != "a.rb" {
		t.Fatalf("got %v, %v", es, err)
	}
	if _, err := openRoot(t, dir).ReadDir("d/a.rb"); KindOf(err) != NotRegular {
		t.Errorf("listing a file: %v", err)
	}
}
