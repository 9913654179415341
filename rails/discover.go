package rails

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// skippedDirs are never searched for apps: dependencies and VCS data.
var skippedDirs = map[string]bool{"vendor": true, "node_modules": true, ".git": true, "tmp": true, "log": true}

// IsAppRoot reports whether dir looks like a Rails app root: a config/
// directory plus a Gemfile or config/application.rb.
func IsAppRoot(dir string) bool {
	if st, err := os.Stat(filepath.Join(dir, "config")); err != nil || !st.IsDir() {
		return false
	}
	for _, marker := range []string{"Gemfile", filepath.Join("config", "application.rb")} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			return true
		}
	}
	return false
}

// ErrNotInApp is Discover's answer for a file that no app contains.
var ErrNotInApp = errors.New("not inside a Rails app (no directory above it has config/ plus Gemfile or config/application.rb)")

// AppRootOf returns the app root that contains file: the nearest directory
// above it that IsAppRoot. pre-commit passes the changed files, not app
// roots, so a file names the app it belongs to. The root is spelled like
// file (relative stays relative, going above "." as "..") so that reports
// name paths the way the user, or pre-commit, wrote them.
func AppRootOf(file string) (string, bool) {
	dir := filepath.Dir(filepath.Clean(file))
	for {
		if IsAppRoot(dir) {
			return dir, true
		}
		abs, err := filepath.Abs(dir)
		if err != nil || filepath.Dir(abs) == abs {
			return "", false // reached the file-system root
		}
		// filepath.Dir stops at "." and cannot climb out of "..".
		if dir == "." || filepath.Base(dir) == ".." {
			dir = filepath.Join(dir, "..")
		} else {
			dir = filepath.Dir(dir)
		}
	}
}

// Discover returns the app roots at or under path, sorted. A path that is
// itself an app root is returned alone (apps are not nested in apps); a
// regular file stands for the app that contains it (ErrNotInApp when none
// does). The walk does not follow symlinked directories, so a link cannot
// loop it. Callers given several paths dedupe the roots.
func Discover(path string) ([]string, error) {
	var roots []string
	err := DiscoverEach(path, func(root string) { roots = append(roots, root) })
	return roots, err
}

// DiscoverEach is Discover handing each root to found as the walk finds
// it, already in sorted order, so checks can start before the walk ends.
//
// The order: apps are not nested, so a directory's children are visited
// in the order of their paths' strings if an app root sorts by its name
// and any other directory by its name plus "/" (all that is found under
// "a" starts with "a/", which sorts after "a-b" but before "a0"). Which
// of the two a child is matters only when its name begins another
// child's name ("a" and "a-b"); only those children are told apart
// before the others are visited, so the first app of a directory of
// 10,000 is handed on after one listing, not after 10,000 checks.
func DiscoverEach(path string, found func(root string)) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().IsRegular() {
		root, ok := AppRootOf(path)
		if !ok {
			return ErrNotInApp
		}
		found(root)
		return nil
	}
	if !st.IsDir() {
		return errors.New("not a directory or a regular file")
	}
	if IsAppRoot(path) {
		found(path)
		return nil
	}
	return discoverUnder(path, found, true)
}

// discoverUnder visits the directories in dir; an unreadable directory
// below the top is skipped, the walk goes on.
func discoverUnder(dir string, found func(string), top bool) error {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		if top {
			return err
		}
		return nil
	}
	type child struct {
		path, key string
		root      int8 // 1 an app root, -1 not, 0 not checked yet
	}
	var children []child
	for _, e := range entries {
		if e.IsDir() && !skippedDirs[e.Name()] { // files, symlinks (never followed), dependencies
			children = append(children, child{path: filepath.Join(dir, e.Name()), key: e.Name()})
		}
	}
	// A name that begins another begins the next one in name order.
	reordered := false
	for i := 0; i+1 < len(children); i++ {
		if strings.HasPrefix(children[i+1].key, children[i].key) {
			children[i].root = -1
			if IsAppRoot(children[i].path) {
				children[i].root = 1
			} else {
				children[i].key += string(filepath.Separator)
				reordered = true
			}
		}
	}
	if reordered {
		sort.SliceStable(children, func(i, j int) bool { return children[i].key < children[j].key })
	}
	for _, c := range children {
		if c.root == 1 || c.root == 0 && IsAppRoot(c.path) {
			found(c.path)
		} else {
			_ = discoverUnder(c.path, found, false)
		}
	}
	return nil
}
