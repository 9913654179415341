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

// Discover returns the app roots at or under path, sorted. A path that is
// itself an app root is returned alone (apps are not nested in apps). The
// walk does not follow symlinked directories, so a link cannot loop it.
func Discover(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, errors.New("not a directory")
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
