package fixer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileError is a file the fixer would not or could not change. Path is
// app-relative; Err says why, without repeating the path.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// WriteFile replaces the file rel (app-relative, forward slashes) under
// root with data, atomically: data goes to a temp file in the file's own
// directory, which is then renamed over it, so a crash or a full disk
// leaves the old file or the new one, never half of each. The file keeps
// its mode and its UTF-8 byte order mark. It refuses, with a *FileError:
// a path outside root, a symlink that resolves outside root (the target
// belongs to something else, like a deploy's shared config), a file that
// does not exist, and a read-only file (a rename would replace it even so,
// and the user made it read-only for a reason).
func WriteFile(root, rel string, data []byte) error {
	s, err := stage(root, rel, data)
	if err != nil {
		return err
	}
	return s.commit()
}

// staged is a rewrite whose new content is on disk, beside its target,
// waiting to be renamed over it. Staging every file of a pass before
// renaming any catches full disks and unwritable directories while
// nothing has changed yet.
type staged struct {
	rel    string
	target string // the real path: symlinks inside the app are written through
	temp   string
	data   []byte // what the file will hold
}

// stage writes data next to the file rel under root, checking first that
// the file may be rewritten.
func stage(root, rel string, data []byte) (*staged, error) {
	target, info, err := writableTarget(root, rel)
	if err != nil {
		return nil, &FileError{Path: rel, Err: err}
	}
	old, err := os.ReadFile(target)
	if err != nil {
		return nil, &FileError{Path: rel, Err: err}
	}
	data = keepBOM(old, data)

	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".poollint-*")
	if err != nil {
		return nil, &FileError{Path: rel, Err: fmt.Errorf("cannot create a temporary file beside it: %w", unwrapPath(err))}
	}
	s := &staged{rel: rel, target: target, temp: tmp.Name(), data: data}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync() // the rename must not land before the data does
	}
	if err == nil {
		err = tmp.Chmod(info.Mode().Perm())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.discard()
		return nil, &FileError{Path: rel, Err: fmt.Errorf("writing the new content: %w", unwrapPath(err))}
	}
	return s, nil
}

// commit renames the staged content over the file.
func (s *staged) commit() error {
	if err := os.Rename(s.temp, s.target); err != nil {
		s.discard()
		return &FileError{Path: s.rel, Err: unwrapPath(err)}
	}
	return nil
}

// discard removes the staged content; the file stays as it was.
func (s *staged) discard() { _ = os.Remove(s.temp) }

// writableTarget returns the real path of rel under root and its file
// info, or why the fixer must not write it.
func writableTarget(root, rel string) (string, fs.FileInfo, error) {
	local := filepath.FromSlash(rel)
	if !filepath.IsLocal(local) {
		return "", nil, errors.New("the path is outside the app; not writing it")
	}
	realRoot, err := resolve(root)
	if err != nil {
		return "", nil, fmt.Errorf("cannot resolve the app root: %w", unwrapPath(err))
	}
	target, err := resolve(filepath.Join(root, local))
	if err != nil {
		return "", nil, unwrapPath(err)
	}
	if !within(realRoot, target) {
		return "", nil, fmt.Errorf("it is a symlink to %s, outside the app; not writing through it", target)
	}
	info, err := os.Stat(target)
	if err != nil {
		return "", nil, unwrapPath(err)
	}
	if !info.Mode().IsRegular() {
		return "", nil, errors.New("not a regular file")
	}
	// The owner's write bit is what a user clears to protect a file; the
	// open catches the rest (another owner, ACLs), and writes nothing.
	if info.Mode().Perm()&0o200 == 0 {
		return "", nil, errors.New("the file is read-only; not changing it")
	}
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return "", nil, fmt.Errorf("the file is not writable: %w", unwrapPath(err))
	}
	_ = f.Close() // opened only to test the permission
	return target, info, nil
}

// resolve returns the absolute path of p with every symlink followed, so
// that two resolved paths compare whatever the links or the working
// directory.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// within reports whether path is root or below it (both resolved).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && filepath.IsLocal(rel)
}

// unwrapPath drops the "op PATH:" of a file-system error: the FileError
// names the file as the app knows it, not by a temp or resolved path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
