package safefile

import (
	"io/fs"
	"path"
)

// dirEntry is an entry of a listing read with its d_type
// (direct_linux.go): its name and type, without a stat.
type dirEntry struct {
	name string
	typ  fs.FileMode
	root *Root
	dir  string // the listed directory, relative to root
}

func (e *dirEntry) Name() string      { return e.name }
func (e *dirEntry) IsDir() bool       { return e.typ.IsDir() }
func (e *dirEntry) Type() fs.FileMode { return e.typ }

// Info lstats the entry through the root, confined like every access
// (while the root is open).
func (e *dirEntry) Info() (fs.FileInfo, error) { return e.root.Lstat(path.Join(e.dir, e.name)) }

func (e *dirEntry) String() string { return fs.FormatDirEntry(e) }
