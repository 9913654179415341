package fixer

import (
	"bytes"
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

// errChanged is a file whose content is no longer what the lint read:
// another --fix or an editor wrote it since. Edits computed on the old
// bytes would land at the wrong offsets of the new ones (`|| 166` for
// `|| 16`), so the file is not written.
var errChanged = errors.New("it changed on disk since poollint read it; not writing it")

// WriteFile replaces the file rel (app-relative, forward slashes) under
// root with data, provided it still holds old (the bytes data was computed
// from), atomically: data goes to a temp file in the file's own directory,
// which is then renamed over it, so a crash or a full disk leaves the old
// file or the new one, never half of each. The file keeps its owner,
// group, mode (setuid and setgid too) and UTF-8 byte order mark. It
// refuses, with a *FileError: a path outside root, a symlink that resolves
// outside root (the target belongs to something else, like a deploy's
// shared config), a file that does not exist, a read-only file (a rename
// would replace it even so, and the user made it read-only for a reason),
// a file with several hard links or whose owner or group the rewrite
// could not keep (ownership_unix.go), and a file that no longer holds old
// (errChanged).
func WriteFile(root, rel string, old, data []byte) error {
	s, err := stage(root, rel, old, data, nil)
	if err != nil {
		return err
	}
	return s.commit(nil)
}

// staged is a rewrite whose new content is on disk, beside its target,
// waiting to be renamed over it. Staging every file of a pass before
// renaming any catches full disks and unwritable directories while
// nothing has changed yet. In a Preview nothing is on disk: commit puts
// the content in the overlay.
type staged struct {
	rel    string
	target string // the real path: symlinks inside the app are written through
	temp   string // "" in a Preview
	old    []byte // what the file held when the lint read it
	data   []byte // what the file will hold
}

// stage writes data next to the file rel under root, checking first that
// the file may be rewritten and still holds old. With an overlay (a
// Preview) it writes nothing, but refuses what --fix would refuse.
func stage(root, rel string, old, data []byte, overlay Overlay) (*staged, error) {
	target, info, err := writableTarget(root, rel)
	if err != nil {
		return nil, &FileError{Path: rel, Err: err}
	}
	s := &staged{rel: rel, target: target, old: old, data: keepBOM(old, data)}
	if err := s.unchanged(overlay); err != nil {
		return nil, err
	}
	if overlay != nil {
		if err := dirWritable(filepath.Dir(target)); err != nil {
			return nil, &FileError{Path: rel, Err: fmt.Errorf("cannot create a temporary file beside it: %w", err)}
		}
		return s, nil
	}

	tmp, err := createTemp(target)
	if err != nil {
		return nil, &FileError{Path: rel, Err: fmt.Errorf("cannot create a temporary file beside it: %w", unwrapPath(err))}
	}
	s.temp = tmp.Name()
	_, err = tmp.Write(s.data)
	if err == nil {
		err = tmp.Sync() // the rename must not land before the data does
	}
	if err == nil {
		err = keepOwnerAndMode(tmp, info)
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

// unchanged checks that the file still holds the bytes its fixes were
// computed from, reading it again through a bounded read (in a Preview,
// the overlay's content stands for a file an earlier pass changed).
func (s *staged) unchanged(overlay Overlay) error {
	cur, ok := overlay[s.target]
	if !ok {
		var err error
		if cur, err = readBounded(s.target); err != nil {
			return &FileError{Path: s.rel, Err: fmt.Errorf("%w (reading it again: %w)", errChanged, unwrapPath(err))}
		}
	}
	if !bytes.Equal(cur, s.old) {
		return &FileError{Path: s.rel, Err: errChanged}
	}
	return nil
}

// commit renames the staged content over the file, after checking one
// last time that the file still holds what the fixes were computed from.
// What is left is the window between that read and the rename (DESIGN.md):
// a write landing in it is replaced by the fixed file.
func (s *staged) commit(overlay Overlay) error {
	if overlay != nil {
		overlay[s.target] = s.data
		return nil
	}
	if err := s.unchanged(nil); err != nil {
		s.discard()
		return err
	}
	if err := renameTemp(s.temp, s.target); err != nil {
		s.discard()
		return &FileError{Path: s.rel, Err: unwrapPath(err)}
	}
	return nil
}

// discard removes the staged content; the file stays as it was.
func (s *staged) discard() {
	if s.temp != "" {
		removeTemp(s.temp)
	}
}

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
	if err := keepable(info); err != nil {
		return "", nil, err
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
	real, err := filepath.EvalSymlinks(abs)
	if err != nil && !errors.As(err, new(*fs.PathError)) {
		// EvalSymlinks reports a loop as the bare "EvalSymlinks: too many
		// links"; the user gets the system's wording, as the gate gives.
		return "", errors.New("too many levels of symbolic links")
	}
	return real, err
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
