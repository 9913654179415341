package rails

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/poollint/poollint/parser"
)

// MaxFileSize caps what poollint reads of one config file: real ones are a
// few kilobytes, so anything larger is not a config file worth parsing.
const MaxFileSize = 1 << 20

// errAbsent marks a file that does not exist (not a problem to report).
var errAbsent = errors.New("absent")

// cleanRel normalises an app-relative path as written on a command line
// ("./config/puma.rb") to the form Files uses ("config/puma.rb").
func cleanRel(p string) string {
	return strings.TrimPrefix(path.Clean(filepath.ToSlash(p)), "./")
}

// readFile reads an app-relative file once. A file that cannot be used is
// reported as a Problem naming it, and nil is returned; other files and
// apps are still linted.
func (a *App) readFile(rel string) *parser.File {
	rel = cleanRel(rel)
	if f, ok := a.Files[rel]; ok {
		return f
	}
	f, err := a.load(rel)
	if err != nil {
		if !errors.Is(err, errAbsent) {
			a.problem(parser.Span{File: rel}, err.Error(), false)
		}
		return nil
	}
	a.Files[rel] = f
	return f
}

func (a *App) load(rel string) (*parser.File, error) {
	if strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return nil, fmt.Errorf("%s is outside the app; not read", rel)
	}
	abs := filepath.Join(a.Root, filepath.FromSlash(rel))
	st, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errAbsent
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if err := a.checkLink(abs); err != nil {
			return nil, err
		}
		if st, err = os.Stat(abs); err != nil {
			return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
		}
	}
	if st.IsDir() {
		return nil, errAbsent
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes, over the %d-byte cap for a config file; not read", st.Size(), MaxFileSize)
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, errors.New("binary file (it contains NUL bytes); not read")
	}
	if !utf8.Valid(src) {
		return nil, errors.New("not UTF-8 text; not read")
	}
	return parser.NewFile(rel, abs, src), nil
}

// checkLink refuses a symlink that leads out of the app root.
func (a *App) checkLink(abs string) error {
	target, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return fmt.Errorf("broken symlink: %w", unwrapPathError(err))
	}
	root, err := filepath.EvalSymlinks(a.Root)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return errors.New("symlink to a file outside the app; not read")
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// listDir returns the app-relative paths of the regular files in dir with
// the given suffix, sorted.
func (a *App) listDir(dir, suffix string) []string {
	entries, err := os.ReadDir(filepath.Join(a.Root, filepath.FromSlash(dir)))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), suffix) {
			out = append(out, dir+"/"+e.Name())
		}
	}
	return out
}

func (a *App) exists(rel string) bool {
	_, err := os.Lstat(filepath.Join(a.Root, filepath.FromSlash(rel)))
	return err == nil
}

func (a *App) problem(span parser.Span, msg string, assumed bool) {
	a.Problems = append(a.Problems, Problem{Span: span, Message: msg, Assumed: assumed})
}
