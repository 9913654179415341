package fixer

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWriteFileRefusesAChangedFile(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "production:\n  pool: 16\n"})
	// The fix was computed on "pool: 5"; the file now says 16.
	err := WriteFile(root, "config/database.yml", []byte("production:\n  pool: 5\n"), []byte("production:\n  pool: 10\n"))
	if !errors.Is(err, errChanged) || !strings.Contains(err.Error(), "config/database.yml: it changed on disk since poollint read it") {
		t.Errorf("err = %v, want errChanged naming the file", err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "production:\n  pool: 16\n" {
		t.Errorf("content = %q, want the newer content untouched", got)
	}
	noTempFiles(t, filepath.Join(root, "config"))
}

func TestWriteFileKeepsOwnerGroupAndSetIDBits(t *testing.T) {
	root := writeTree(t, map[string]string{"bin/start": "#!/bin/sh\nexec puma\n"})
	p := filepath.Join(root, "bin", "start")
	uid, gid := os.Geteuid(), os.Getegid()
	if uid == 0 {
		uid, gid = 1234, 5678 // root hands the new file back to its owner
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	mode := os.FileMode(0o755) | os.ModeSetuid | os.ModeSetgid
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(root, "bin/start", []byte("#!/bin/sh\nexec puma\n"), []byte("#!/bin/sh\nexec bundle exec puma\n")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("owner %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
	if info.Mode() != mode {
		t.Errorf("mode = %v, want %v", info.Mode(), mode)
	}
	if got := readFile(t, p); got != "#!/bin/sh\nexec bundle exec puma\n" {
		t.Errorf("content = %q", got)
	}
}

// TestKeepableRefusesAnotherOwner checks the refusal a non-root run meets
// for a file it does not own, whoever runs the test.
func TestKeepableRefusesAnotherOwner(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root keeps any owner; the refusal is for other users")
	}
	root := writeTree(t, map[string]string{"x.yml": "a: 1\n"})
	info, err := os.Stat(filepath.Join(root, "x.yml"))
	if err != nil {
		t.Fatal(err)
	}
	st := *info.Sys().(*syscall.Stat_t)
	st.Uid++
	if err := keepable(fakeInfo{info, &st}); err == nil || !strings.Contains(err.Error(), "would change owner") {
		t.Errorf("err = %v, want a refusal naming the owner", err)
	}
}

type fakeInfo struct {
	os.FileInfo
	sys *syscall.Stat_t
}

func (f fakeInfo) Sys() any { return f.sys }

func TestWriteFileRefusesHardLinks(t *testing.T) {
	const old = "production:\n  pool: 5\n"
	root := writeTree(t, map[string]string{"config/database.yml": old})
	p := filepath.Join(root, "config", "database.yml")
	other := filepath.Join(root, "database.yml.shared")
	if err := os.Link(p, other); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(root, "config/database.yml", []byte(old), []byte("production:\n  pool: 10\n"))
	if err == nil || !strings.Contains(err.Error(), "it has 2 hard links") {
		t.Errorf("err = %v, want a refusal naming the hard links", err)
	}
	for _, f := range []string{p, other} {
		if got := readFile(t, f); got != old {
			t.Errorf("%s = %q, want it unchanged", f, got)
		}
	}
	noTempFiles(t, filepath.Dir(p))
}

// staleLinter reports fixes computed on stale content for its first
// `stale` calls (as if an editor saved between the lint and the write),
// then lints what is on disk.
func staleLinter(t *testing.T, stale int, old string) Linter {
	calls := 0
	honest := linterOf(t, []string{"config/database.yml"}, new(int), raisePool)
	return func(root string, overlay Overlay) (Lint, error) {
		calls++
		if calls <= stale {
			src := []byte(old)
			return Lint{Fixes: raisePool("config/database.yml", src), Read: map[string][]byte{"config/database.yml": src}}, nil
		}
		return honest(root, overlay)
	}
}

func TestRunRelintsAFileChangedSinceItsLint(t *testing.T) {
	// The file holds "pool: 7" with a comment above: offsets computed on
	// the old "pool: 5" text would land inside the comment.
	const now = "# tuned\nproduction:\n  pool: 7\n"
	root := writeTree(t, map[string]string{"config/database.yml": now})
	res, err := Run(Session{Root: root, Lint: staleLinter(t, 1, "production:\n  pool: 5\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "# tuned\nproduction:\n  pool: 10\n" {
		t.Errorf("content = %q, want the fix of the current content", got)
	}
	if len(res.Refused) != 0 || !res.Settled || res.Fixed != 1 {
		t.Errorf("got %+v", res)
	}
}

func TestRunRefusesAFileThatKeepsChanging(t *testing.T) {
	const now = "# tuned\nproduction:\n  pool: 7\n"
	root := writeTree(t, map[string]string{"config/database.yml": now})
	for _, run := range []func(Session) (Result, error){Run, Preview} {
		res, err := run(Session{Root: root, Lint: staleLinter(t, 100, "production:\n  pool: 5\n")})
		if err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != now {
			t.Errorf("content = %q, want it untouched", got)
		}
		if len(res.Refused) != 1 || res.Refused[0].Kind != Changed || !strings.Contains(res.Refused[0].Err.Error(), "changed on disk while poollint was fixing it") {
			t.Errorf("refused = %+v, want one Changed refusal", res.Refused)
		}
		if res.Fixed != 0 || len(res.Changes) != 0 {
			t.Errorf("fixed %d, changes %d", res.Fixed, len(res.Changes))
		}
	}
	noTempFiles(t, filepath.Join(root, "config"))
}

// deadPID returns the ID of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot start a process:", err)
	}
	return cmd.Process.Pid
}

func TestRunCleansStaleTemps(t *testing.T) {
	const db = "production:\n  pool: 10\n"
	dead := strconv.Itoa(deadPID(t))
	mine := strconv.Itoa(os.Getpid())
	temps := map[string]bool{ // name → stale
		".database.yml.poollint-tmp-" + dead + "-42": true,  // its process is gone
		".database.yml.poollint-tmp-" + mine + "-43": false, // a fix of this process in progress
		".database.yml.poollint-77":                  false, // an old version's, recent: maybe running
		".database.yml.poollint-78":                  true,  // an old version's, an hour old
		".database.yml.poollint-tmp-" + mine + "-44": true,  // an hour old, whoever made it
		"database.yml.orig":                          false, // not ours
	}
	for _, preview := range []bool{true, false} {
		files := map[string]string{"config/database.yml": db}
		for name := range temps {
			files["config/"+name] = "half a file"
		}
		root := writeTree(t, files)
		hourAgo := time.Now().Add(-time.Hour)
		for _, name := range []string{".database.yml.poollint-78", ".database.yml.poollint-tmp-" + mine + "-44"} {
			if err := os.Chtimes(filepath.Join(root, "config", name), hourAgo, hourAgo); err != nil {
				t.Fatal(err)
			}
		}
		run := Run
		if preview {
			run = Preview
		}
		res, err := run(Session{Root: root, Lint: linterOf(t, []string{"config/database.yml"}, new(int), raisePool)})
		if err != nil {
			t.Fatal(err)
		}
		var want []StaleTemp
		for name, stale := range temps {
			_, err := os.Stat(filepath.Join(root, "config", name))
			if stale {
				want = append(want, StaleTemp{File: "config/" + name, Removed: !preview})
			}
			if gone := os.IsNotExist(err); gone != (stale && !preview) {
				t.Errorf("preview %v: %s removed %v", preview, name, gone)
			}
		}
		byFile := func(a, b StaleTemp) int { return strings.Compare(a.File, b.File) }
		slices.SortFunc(want, byFile)
		slices.SortFunc(res.StaleTemps, byFile)
		if diff := cmp.Diff(want, res.StaleTemps); diff != "" {
			t.Errorf("preview %v: stale temps (-want +got):\n%s", preview, diff)
		}
	}
}

func TestRemoveTempsRemovesStagedFilesAndStopsStaging(t *testing.T) {
	root := writeTree(t, map[string]string{"config/database.yml": "pool: 5\n"})
	s, err := stage(root, "config/database.yml", []byte("pool: 5\n"), []byte("pool: 10\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(filepath.Base(s.temp), ".database.yml.poollint-tmp-"+strconv.Itoa(os.Getpid())+"-") {
		t.Errorf("temp file %s is not named recognisably", s.temp)
	}
	defer func() {
		live.Lock()
		live.stopped = false
		live.Unlock()
	}()
	if n := RemoveTemps(); n != 1 {
		t.Errorf("RemoveTemps removed %d, want 1", n)
	}
	noTempFiles(t, filepath.Join(root, "config"))
	if err := s.commit(nil); err == nil {
		t.Errorf("a rename went ahead after RemoveTemps")
	}
	if _, err := stage(root, "config/database.yml", []byte("pool: 5\n"), []byte("pool: 10\n"), nil); err == nil {
		t.Errorf("staging went ahead after RemoveTemps")
	}
	if got := readFile(t, filepath.Join(root, "config", "database.yml")); got != "pool: 5\n" {
		t.Errorf("content = %q, want it untouched", got)
	}
}
