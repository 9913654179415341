//go:build linux

package safefile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// countCalls counts the stats and openat2 calls the direct path makes
// until the test ends.
func countCalls(t *testing.T) (stats, opens *int) {
	t.Helper()
	stats, opens = new(int), new(int)
	fstatat, openat2 := fstatatHook, openat2Hook
	fstatatHook = func(fd int, p string, st *unix.Stat_t, flags int) error { *stats++; return fstatat(fd, p, st, flags) }
	openat2Hook = func(fd int, p string, how *unix.OpenHow) (int, error) { *opens++; return openat2(fd, p, how) }
	t.Cleanup(func() { fstatatHook, openat2Hook = fstatat, openat2 })
	return stats, opens
}

// A listing takes each entry's type from the directory itself (d_type):
// os.File.ReadDir on a directory opened through os.Root made an lstat
// per entry, 4% of a run's CPU.
func TestListingStatsNoEntry(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		write(t, filepath.Join(dir, "d", fmt.Sprintf("f%02d.rb", i)), "")
	}
	if err := os.Mkdir(filepath.Join(dir, "d", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f00.rb", filepath.Join(dir, "d", "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "d", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := openRoot(t, dir)
	stats, opens := countCalls(t)
	es, err := r.ReadDir("d")
	if err != nil || len(es) != 43 {
		t.Fatalf("got %d entries, %v", len(es), err)
	}
	if noOpenat2.Load() {
		t.Skip("no openat2 here: every listing goes through os.Root")
	}
	if *stats == len(es) {
		t.Skip("this file system gives no d_type: each entry is stat'ed")
	}
	if *stats != 0 || *opens != 1 {
		t.Errorf("listing 43 entries made %d stats and %d openat2 calls, want 0 and 1", *stats, *opens)
	}
	types := map[string]fs.FileMode{"f00.rb": 0, "sub": fs.ModeDir, "link": fs.ModeSymlink, "pipe": fs.ModeNamedPipe}
	for _, e := range es {
		if _, ok := e.(*dirEntry); !ok {
			t.Fatalf("%s was listed through os.Root, which lstats every entry", e.Name())
		}
		if want, ok := types[e.Name()]; ok && e.Type() != want {
			t.Errorf("%s: type %v, want %v", e.Name(), e.Type(), want)
		}
	}
	if info, err := r.list("d").lookup("link").Info(); err != nil || info.Mode().Type() != fs.ModeSymlink {
		t.Errorf("Info of the link: %v, %v", info, err)
	}
}

// hostileTree holds every kind of path the gate must judge, for
// comparing the direct path with os.Root.
func hostileTree(t *testing.T) (dir string, rels []string) {
	dir = t.TempDir()
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.yml"), "password: hunter2\n")
	files := map[string]string{
		"Gemfile":              "source 'https://rubygems.org'\n",
		"config/database.yml":  "production:\n  pool: 5\n",
		"config/puma/web.rb":   "threads 5, 5\n",
		"config/empty.yml":     "",
		"config/Case.yml":      "a: 1\n",
		"config/exact.yml":     strings.Repeat("x", 100),
		"config/big.yml":       strings.Repeat("x", 101),
		"shared/db.yml":        "pool: 6\n",
		"config/dir.yml/x.yml": "",
		"bin/start":            "#!/bin/sh\n",
	}
	for rel, s := range files {
		write(t, filepath.Join(dir, rel), s)
	}
	links := map[string]string{
		"config/link.yml":    "../shared/db.yml",
		"linkdir":            "shared",
		"config/out":         outside,
		"config/etc":         "/etc",
		"abs.yml":            filepath.Join(dir, "Gemfile"),
		"config/up":          "../..",
		"loop":               "loop",
		"dangling.yml":       "nowhere.yml",
		"config/puma/sib.rb": "web.rb",
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "config", "fifo.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 { // root reads and searches everything
		for rel, mode := range map[string]os.FileMode{"ronly": 0o444, "xonly": 0o111, "none": 0} {
			write(t, filepath.Join(dir, rel, "f.yml"), "a: 1\n")
			write(t, filepath.Join(dir, rel, "sub", "g.yml"), "a: 1\n")
			if err := os.Chmod(filepath.Join(dir, rel), mode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(filepath.Join(dir, rel), 0o755) })
			rels = append(rels, rel+"/f.yml", rel+"/sub/g.yml", rel+"/missing.yml", rel+"/sub")
		}
		write(t, filepath.Join(dir, "config", "secret.yml"), "a: 1\n")
		if err := os.Chmod(filepath.Join(dir, "config", "secret.yml"), 0); err != nil {
			t.Fatal(err)
		}
	}
	for rel := range files {
		rels = append(rels, rel)
	}
	for rel := range links {
		rels = append(rels, rel)
	}
	rels = append(rels, "config/fifo.yml", "config/dir.yml", "config/case.yml", "CONFIG/database.yml",
		"linkdir/db.yml", "config/out/secret.yml", "config/etc/hostname", "config/up/etc/passwd",
		"missing.yml", "config/missing/x.yml", "Gemfile/x", "emptydir/x", "../x", "/etc/passwd",
		"./config/database.yml", "config/../Gemfile", "config/puma/../database.yml", ".", "config", "config/puma", "config/secret.yml")
	return dir, rels
}

// observe is everything a Root answers about rels: listings, existence
// and reads, with the content or the error each gives. The listings are
// made in the same order each time: the direct path depends on them.
func observe(rels []string, r *Root) []string {
	var out []string
	for _, d := range []string{".", "config", "config/puma", "bin", "linkdir", "config/out", "emptydir", "config/dir.yml", "config/fifo.yml", "nowhere",
		"ronly", "xonly", "none", "ronly/sub", "xonly/sub", "none/sub"} {
		es, err := r.ReadDir(d)
		line := fmt.Sprintf("ReadDir %s: %v kind %d:", d, err, KindOf(err))
		if err == nil {
			for _, e := range es {
				line += fmt.Sprintf(" %s(%v)", e.Name(), e.Type())
			}
		}
		out = append(out, line)
	}
	for _, rel := range rels {
		present, known := r.Listed(rel)
		src, err := r.ReadFile(rel, 100)
		out = append(out, fmt.Sprintf("%s: listed %v/%v, read %q, %v kind %d", rel, present, known, src, err, KindOf(err)))
	}
	return out
}

// The direct path must change no answer: every path of a hostile tree
// reads, lists and fails exactly as through os.Root alone.
func TestDirectPathAgreesWithOSRoot(t *testing.T) {
	dir, rels := hostileTree(t)
	_, opens := countCalls(t)
	direct := observe(rels, openRoot(t, dir))
	if noOpenat2.Load() {
		t.Skip("no openat2 here: every read goes through os.Root")
	}
	if *opens == 0 {
		t.Fatal("the direct path was not taken")
	}
	noOpenat2.Store(true)
	t.Cleanup(func() { noOpenat2.Store(false) })
	viaRoot := observe(rels, openRoot(t, dir))
	if len(direct) != len(viaRoot) {
		t.Fatalf("%d answers against %d", len(direct), len(viaRoot))
	}
	for i := range direct {
		if direct[i] != viaRoot[i] {
			t.Errorf("direct:  %s\nos.Root: %s", direct[i], viaRoot[i])
		}
	}
}
