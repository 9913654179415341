package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wantListed(t *testing.T, r *Root, rel string, present, known bool) {
	t.Helper()
	if p, k := r.Listed(rel); p != present || k != known {
		t.Errorf("Listed(%q) = present %v, known %v; want %v, %v", rel, p, k, present, known)
	}
}

func TestListedAnswersFromOneListing(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Gemfile"), "")
	write(t, filepath.Join(dir, "config", "database.yml"), "")
	r := openRoot(t, dir)
	wantListed(t, r, "Gemfile", true, true)
	wantListed(t, r, "config/database.yml", true, true)
	wantListed(t, r, "./config/database.yml", true, true)
	wantListed(t, r, "config/database.yml.example", false, true)
	wantListed(t, r, "nowhere/database.yml", false, true) // the directory is absent
	// The listing is kept: a file created later is not seen by this Root
	// (a Root lives for one app's load).
	write(t, filepath.Join(dir, "config", "database.yml.example"), "")
	wantListed(t, r, "config/database.yml.example", false, true)
	if _, err := r.ReadFile("config/database.yml.example", 10); err != nil {
		t.Errorf("the read still goes to the file system: %v", err)
	}
}

// Where a stat could find what the listing spells otherwise, or fail
// for another reason than absence, the listing leaves the answer to it.
func TestListedLeavesDoubtsToTheStat(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config", "Database.yml"), "")
	write(t, filepath.Join(dir, "accents", "résumé.yml"), "")
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a-file"), "")
	r := openRoot(t, dir)
	wantListed(t, r, "config/database.yml", false, false)              // case-insensitive file systems
	wantListed(t, r, "accents/resume.yml", false, false)               // normalising file systems
	wantListed(t, r, "empty/x.yml", false, false)                      // maybe readable, not searchable
	wantListed(t, r, "config/"+strings.Repeat("x", 300), false, false) // too long, not absent
	wantListed(t, r, "a-file/x", false, false)                         // not a directory
	wantListed(t, r, "../x", false, false)
	wantListed(t, r, ".", false, false)
}

func TestListedOutsideTheRootIsUnknown(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.yml"), "")
	if err := os.Symlink(outside, filepath.Join(dir, "config")); err != nil {
		t.Skip("no symlinks:", err)
	}
	r := openRoot(t, dir)
	wantListed(t, r, "config/secret.yml", false, false)
	wantListed(t, r, "config/other.yml", false, false)
}

// A directory its parent's listing lacks is absent, worded as the system
// words it, without opening anything.
func TestReadDirOfAnAbsentDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config", "database.yml"), "")
	r := openRoot(t, dir)
	for _, rel := range []string{"config/initializers", "app", "app/models/concerns"} {
		_, err := r.ReadDir(rel)
		if KindOf(err) != Absent || err.Error() != "no such file or directory" {
			t.Errorf("ReadDir(%q): %v (kind %d), want absent", rel, err, KindOf(err))
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "config", "initializers"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := openRoot(t, dir).ReadDir("config/initializers"); err != nil {
		t.Errorf("a new Root lists afresh: %v", err)
	}
}
