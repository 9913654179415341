package rails

import (
	"bytes"
	"errors"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/safefile"
)

// MaxFileSize caps what poollint reads of one config file: real ones are a
// few kilobytes, so anything larger is not a config file worth parsing.
const MaxFileSize = 1 << 20

// errAbsent marks a file that does not exist (not a problem to report).
var errAbsent = errors.New("absent")

// errReported marks a file whose failure was already reported (by itself
// or through the directory above it).
var errReported = errors.New("reported")

// cleanRel normalises an app-relative path as written on a command line
// ("./config/puma.rb") to the form Files uses ("config/puma.rb").
func cleanRel(p string) string {
	return strings.TrimPrefix(path.Clean(filepath.ToSlash(p)), "./")
}

// readFile reads an app-relative file once, through the safefile gate
// (regular files only, bounded, confined to the app root). A file that
// cannot be used is reported once as a Problem naming it, and nil is
// returned; other files and apps are still linted.
func (a *App) readFile(rel string) *parser.File {
	rel = cleanRel(rel)
	if f, ok := a.Files[rel]; ok {
		return f
	}
	if a.refused[rel] {
		return nil
	}
	f, err := a.load(rel)
	if err != nil {
		if !errors.Is(err, errAbsent) && !errors.Is(err, errReported) {
			a.refuse(rel, err.Error(), false)
		}
		return nil
	}
	a.Files[rel] = f
	return f
}

func (a *App) load(rel string) (*parser.File, error) {
	if a.fsys == nil {
		return nil, errors.New("read after the app was loaded; not read")
	}
	if present, known := a.fsys.Listed(rel); known && !present {
		return nil, errAbsent // not in its directory's listing: no open to fail
	}
	src, err := a.readThroughOverlay(rel)
	switch safefile.KindOf(err) {
	case 0:
	case safefile.Absent:
		return nil, errAbsent
	case safefile.Unreadable:
		if a.blameDir(rel) {
			return nil, errReported
		}
		return nil, err
	default:
		return nil, err
	}
	return a.keep(rel, src)
}

// readThroughOverlay reads rel through the gate, then returns the
// overlay's content instead when it has the file (Options.Overlay): the
// gate still decides whether the file may be read at all.
func (a *App) readThroughOverlay(rel string) ([]byte, error) {
	src, err := a.fsys.ReadFile(rel, MaxFileSize)
	if err != nil || len(a.overlay) == 0 {
		return src, err
	}
	abs, aerr := filepath.Abs(filepath.Join(a.Root, filepath.FromSlash(rel)))
	if aerr != nil {
		return src, nil
	}
	if real, rerr := filepath.EvalSymlinks(abs); rerr == nil {
		if over, ok := a.overlay[real]; ok {
			return over, nil
		}
	}
	return src, nil
}

// keep turns bytes read for rel into a File, refusing what is not text.
func (a *App) keep(rel string, src []byte) (*parser.File, error) {
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, errors.New("binary file (it contains NUL bytes); not read")
	}
	if !utf8.Valid(src) {
		return nil, errors.New("not UTF-8 text; not read")
	}
	return parser.NewFile(rel, filepath.Join(a.Root, filepath.FromSlash(rel)), src), nil
}

// blameDir reports an unreadable directory above rel once, in place of
// every file under it: an unreadable config/ is one problem, not a
// warning per sample file that may not even exist. It returns false when
// every directory above rel can be listed (the file itself is at fault).
func (a *App) blameDir(rel string) bool {
	for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
		if a.refused[dir] {
			return true
		}
	}
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		if _, err := a.fsys.ReadDir(dir); safefile.KindOf(err) == safefile.Unreadable {
			a.refuse(dir, err.Error()+"; nothing under it was read", false)
			return true
		}
	}
	return false
}

// refuse reports rel as a Problem once, however many loaders ask for it.
func (a *App) refuse(rel, msg string, assumed bool) {
	if a.refused == nil {
		a.refused = map[string]bool{}
	}
	if a.refused[rel] {
		return
	}
	a.refused[rel] = true
	a.problem(parser.Span{File: rel}, msg, assumed)
}

// listDir returns the app-relative paths of the entries of dir with the
// given suffix that are not directories, sorted. A directory that exists
// but cannot be listed (unreadable, a symlink out of the app, not a
// directory) is reported once; the files it holds may matter.
func (a *App) listDir(dir, suffix string) []string {
	if a.fsys == nil {
		return nil
	}
	entries, err := a.fsys.ReadDir(dir)
	switch safefile.KindOf(err) {
	case 0:
	case safefile.Absent:
		return nil
	case safefile.Unreadable:
		if !a.blameDir(dir + "/x") {
			a.refuse(dir, err.Error(), false)
		}
		return nil
	default:
		a.refuse(dir, err.Error(), false)
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

// exists reports whether rel may exist: only a file known to be absent
// is not. A file behind an unreadable directory "exists" so that loaders
// do not go on to look for its .sample variants; the reading reports it.
func (a *App) exists(rel string) bool {
	if a.fsys == nil {
		return false
	}
	rel = cleanRel(rel)
	if present, known := a.fsys.Listed(rel); known {
		return present // answered by the directory's listing, no stat
	}
	_, err := a.fsys.Lstat(rel)
	return safefile.KindOf(err) != safefile.Absent
}

func (a *App) problem(span parser.Span, msg string, assumed bool) {
	a.Problems = append(a.Problems, Problem{Span: span, Message: msg, Assumed: assumed})
}
