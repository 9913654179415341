package rails

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().IsRegular() {
		root, ok := AppRootOf(path)
		if !ok {
			return nil, ErrNotInApp
		}
		return []string{root}, nil
	}
	if !st.IsDir() {
		return nil, errors.New("not a directory or a regular file")
	}
	if IsAppRoot(path) {
		return []string{path}, nil
	}
	var roots []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == path {
				return err
			}
			return fs.SkipDir // unreadable subdirectory: skip it, keep walking
		}
		if !d.IsDir() {
			return nil
		}
		if p != path && skippedDirs[d.Name()] {
			return fs.SkipDir
		}
		if IsAppRoot(p) {
			roots = append(roots, p)
			return fs.SkipDir
		}
		return nil
	})
	sort.Strings(roots)
	return roots, err
}
