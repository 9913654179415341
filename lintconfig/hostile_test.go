package lintconfig

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// guard fails a read that blocks; it is not a performance target.
func guard(t *testing.T, read func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("reading the config blocked")
		return nil
	}
}

// A .poollint.yml that is a symlink out of the app is refused before it is
// read: its lines must not come back as "unknown key" errors.
func TestFindRefusesASymlinkOutOfTheApp(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "shadow")
	if err := os.WriteFile(secret, []byte("root:$6$hunter2hash:19000:0:99999:7:::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(root, FileName)); err != nil {
		t.Fatal(err)
	}
	_, _, err := Find(root)
	if err == nil || !strings.Contains(err.Error(), "outside the app") || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "root") && strings.Contains(err.Error(), "$6$") {
		t.Errorf("got %v", err)
	}
}

func TestFindRefusesAFIFO(t *testing.T) {
	root := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(root, FileName), 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	err := guard(t, func() error { _, _, err := Find(root); return err })
	if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), FileName) {
		t.Errorf("got %v", err)
	}
}

func TestLoadRefusesDevices(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		err := guard(t, func() error { _, err := Load(dev); return err })
		if err == nil || !strings.Contains(err.Error(), "character device") || !strings.Contains(err.Error(), dev) {
			t.Errorf("%s: got %v", dev, err)
		}
	}
	root := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(root, FileName)); err != nil {
		t.Fatal(err)
	}
	err := guard(t, func() error { _, _, err := Find(root); return err })
	if err == nil || !strings.Contains(err.Error(), "outside the app") {
		t.Errorf(".poollint.yml -> /dev/zero: got %v", err)
	}
}

// An error that quotes the file masks a password in what it quotes, and a
// control character in the file cannot reach the terminal.
func TestErrorsMaskSecrets(t *testing.T) {
	root := t.TempDir()
	src := "pgbouncer: [{host: pooler, mode: \"postgres://u:hunter2@h/db\"}]\nformation: {\"w\\e]0;x\\a\": 1}\n"
	if err := os.WriteFile(filepath.Join(root, FileName), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Find(root)
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); strings.Contains(msg, "hunter2") || strings.ContainsAny(msg, "\x1b\a") || !strings.Contains(msg, "postgres://u:****@h/db") {
		t.Errorf("got %q", msg)
	}
}
