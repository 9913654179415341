package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The attacks of issue 11 on the whole command: each run must finish,
// exit 0, 1 or 2, and name the file it refused. The timeout only guards
// against a hang; it is not a performance target.

func poollintGuarded(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		c, o, e := poollint(t, args...)
		done <- result{c, o, e}
	}()
	select {
	case r := <-done:
		if r.code < 0 || r.code > 2 {
			t.Errorf("exit %d", r.code)
		}
		return r.code, r.stdout, r.stderr
	case <-time.After(60 * time.Second):
		t.Fatal("poollint blocked")
		return 0, "", ""
	}
}

func TestHostileFilesFinishAndAreNamed(t *testing.T) {
	app := smallApp(t, pumaOverPool("production:\n  pool: 5\n"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Remove(filepath.Join(app, "config", "database.yml")))
	if err := syscall.Mkfifo(filepath.Join(app, "config", "database.yml"), 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	must(os.Symlink("/dev", filepath.Join(app, "config", "dev")))
	must(os.WriteFile(filepath.Join(app, "Procfile"), []byte("web: bundle exec puma -C config/dev/zero\nw2: bundle exec puma -C /etc/passwd\n"), 0o644))
	must(syscall.Mkfifo(filepath.Join(app, "Gemfile.lock.fifo"), 0o644))

	_, stdout, stderr := poollintGuarded(t, app)
	for _, want := range []string{
		"app/config/database.yml: warning: it is a named pipe (FIFO)",
		"app/config/dev/zero: warning: it leads outside the app",
		"/etc/passwd: warning: it is outside the app",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in:\n%s%s", want, stdout, stderr)
		}
	}
	if strings.Contains(stdout, "app/etc/passwd") || strings.Contains(stdout, "root:") {
		t.Errorf("a file outside the app was named as the app's or read:\n%s", stdout)
	}

	// The same FIFO as the config file, found or named.
	must(syscall.Mkfifo(filepath.Join(app, ".poollint.yml"), 0o644))
	code, _, stderr := poollintGuarded(t, app)
	if code != exitTrouble || !strings.Contains(stderr, ".poollint.yml: it is a named pipe") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = poollintGuarded(t, "--config", "/dev/zero", app)
	if code != exitTrouble || !strings.Contains(stderr, "/dev/zero: it is a character device") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A directory name chosen to forge a GitHub annotation in the default
// text format: the path is escaped and stays on its line.
func TestDirectoryNamesCannotForgeAnnotations(t *testing.T) {
	tree := t.TempDir()
	t.Chdir(tree)
	evil := "x\n::error file=F.rb,line=1::forged\x1b]0;pwned\x07"
	for rel, content := range pumaOverPool("production:\n  pool: 5\n") {
		p := filepath.Join(tree, evil, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := poollintGuarded(t, ".")
	if code != exitFindings || !strings.Contains(stdout, `x\n::error file=F.rb,line=1::forged\x1b]0;pwned\x07/config/database.yml`) {
		t.Errorf("exit %d; the finding is not reported under the escaped path:\n%s%s", code, stdout, stderr)
	}
	for _, line := range strings.Split(stdout+stderr, "\n") {
		if strings.HasPrefix(line, "::") {
			t.Errorf("forged workflow command: %q", line)
		}
	}
	if strings.ContainsAny(stdout+stderr, "\x1b\x07") {
		t.Errorf("control characters reached the output: %q", stdout+stderr)
	}
}

func TestMaxConnectionsMustBePositive(t *testing.T) {
	app := smallApp(t, pumaOverPool("production:\n  pool: 5\n"))
	for _, n := range []string{"0", "-5"} {
		code, _, stderr := poollint(t, "--max-connections", n, app)
		if code != exitTrouble || !strings.Contains(stderr, "--max-connections must be at least 1, not "+n) {
			t.Errorf("--max-connections %s: exit %d, %q", n, code, stderr)
		}
	}
}

// --diff prints the context of a fix: the password next to the pool.
func TestDiffMasksSecrets(t *testing.T) {
	app := smallApp(t, pumaOverPool("production:\n  adapter: postgresql\n  password: hunter2\n  url: postgres://u:s3cr3t@db/app\n  pool: 5\n  host: {password: flowpw}\n"))
	code, stdout, stderr := poollint(t, "--diff", app)
	if code != exitFindings || !strings.Contains(stdout, "+  pool: 16") {
		t.Fatalf("exit %d, no fix in the diff:\n%s%s", code, stdout, stderr)
	}
	for _, secret := range []string{"hunter2", "s3cr3t", "flowpw"} {
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("--diff printed %q:\n%s", secret, stdout)
		}
	}
}
