package fixer

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Preview does what Run would do to the app at s.Root, on a scratch copy of
// it, and leaves s.Root untouched: --diff shows the changes of every pass,
// and the passes after the first must lint the files as the first left
// them. Copying lets the loader read them from disk as always, instead of
// teaching it an in-memory overlay. The Linter is called with the copy's
// root; Changes hold the original content (Before) and the fixed one.
func Preview(s Session) (Result, error) {
	scratch, err := os.MkdirTemp("", "poollint-diff-")
	if err != nil {
		return Result{}, fmt.Errorf("creating a scratch directory for --diff: %w", err)
	}
	defer removeScratch(scratch)
	app := filepath.Join(scratch, "app")
	if err := copyApp(s.Root, app); err != nil {
		return Result{}, fmt.Errorf("copying the app to a scratch directory for --diff: %w", err)
	}
	s.Root = app
	return Run(s)
}

// skippedDirs are not copied: dependencies, VCS data, logs and temp files
// are never app configuration (rails.Discover skips the same ones), and
// can be far bigger than the app.
var skippedDirs = map[string]bool{"vendor": true, "node_modules": true, ".git": true, "tmp": true, "log": true}

// copyApp copies the tree at root to dst, keeping file and directory
// modes, so that writing in the copy meets the same refusals as writing in
// the app (a read-only file stays read-only). A symlink that stays inside
// the app points to the copy of its target; one that leaves the app keeps
// pointing at the same place, where the fixer refuses to write in both.
func copyApp(root, dst string) error {
	realRoot, err := resolve(root)
	if err != nil {
		return err
	}
	type dirMode struct {
		path string
		mode fs.FileMode
	}
	var dirs []dirMode
	err = filepath.WalkDir(realRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != realRoot && d != nil && d.IsDir() {
				return fs.SkipDir // an unreadable directory is copied empty, as the loader sees it
			}
			return err
		}
		rel, err := filepath.Rel(realRoot, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if p != realRoot && skippedDirs[d.Name()] {
				return fs.SkipDir
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			// Writable while it is filled; its own mode is set afterwards.
			dirs = append(dirs, dirMode{out, info.Mode().Perm()})
			return os.Mkdir(out, 0o700)
		case d.Type()&fs.ModeSymlink != 0:
			return copySymlink(realRoot, dst, p, out)
		case d.Type().IsRegular():
			return copyFile(p, out)
		}
		return nil // sockets, pipes and devices are not configuration
	})
	if err != nil {
		return err
	}
	for _, d := range slices.Backward(dirs) {
		if err := os.Chmod(d.path, d.mode); err != nil {
			return err
		}
	}
	return nil
}

// copySymlink recreates the symlink at p (in the app at realRoot) as out
// (in the copy at dst).
func copySymlink(realRoot, dst, p, out string) error {
	target, err := resolve(p)
	if err != nil { // dangling: keep it dangling the same way
		link, err := os.Readlink(p)
		if err != nil {
			return err
		}
		return os.Symlink(link, out)
	}
	if within(realRoot, target) {
		rel, err := filepath.Rel(realRoot, target)
		if err != nil {
			return err
		}
		link, err := filepath.Rel(filepath.Dir(out), filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		return os.Symlink(link, out)
	}
	return os.Symlink(target, out)
}

// copyFile copies the regular file src to dst with its mode. A file that
// cannot be read is copied empty with its mode, so the loader meets the
// same unreadable file in the copy.
func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		info, serr := os.Stat(src)
		if serr != nil {
			return err
		}
		return os.WriteFile(dst, nil, info.Mode().Perm())
	}
	defer func() { _ = in.Close() }()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Chmod(info.Mode().Perm())
}

// removeScratch deletes the scratch copy, first making its directories
// writable again: a read-only directory copied from the app would stop
// the removal of what is inside.
func removeScratch(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}
