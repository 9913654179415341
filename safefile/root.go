package safefile

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Root reads files confined to one directory, the app root. Every
// component of a path is resolved inside it (os.Root): `config/etc ->
// /etc`, `config/initializers -> /elsewhere` and `.poollint.yml ->
// /etc/shadow` are refused as leading outside the app, whichever
// component is the link. A path the listings show to be plain is opened
// more cheaply, with the kernel enforcing the same confinement
// (direct_linux.go).
type Root struct {
	dir string
	fd  int // the root for openat2, -1 without the direct path

	rootOnce sync.Once
	root     *os.Root // opened when first needed (always without fd)
	rootErr  error

	mu   sync.Mutex
	dirs map[string]*listing // ReadDir's answers, by slash path (listing.go)

	dotMu     sync.Mutex // fd's offset, moved by listing "."
	dotListed bool
}

// OpenRoot opens dir for confined reads. Close it when done: it holds a
// descriptor.
func OpenRoot(dir string) (*Root, error) {
	if directAvailable && !noOpenat2.Load() {
		if fd, err := openRootFD(dir); err == nil {
			return &Root{dir: dir, fd: fd}, nil
		}
		// Whatever failed, os.OpenRoot gives the answer it always gave.
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, classify(err)
	}
	return &Root{dir: dir, fd: -1, root: r}, nil
}

// osRoot is the os.Root for every access the direct path does not make.
// Without the direct path it was opened by OpenRoot; with it, it is
// opened on the first access that needs it (a symlink on the path, a
// directory not listed), by the same name.
func (r *Root) osRoot() (*os.Root, error) {
	r.rootOnce.Do(func() {
		if r.root != nil {
			return
		}
		root, err := os.OpenRoot(r.dir)
		r.root, r.rootErr = root, classify(err)
	})
	return r.root, r.rootErr
}

// Close releases the root's descriptors.
func (r *Root) Close() error {
	if r.fd >= 0 {
		closeFD(r.fd)
		r.fd = -1
	}
	r.rootOnce.Do(func() { r.rootErr = refuse(Unreadable, "read after the app root was closed; not read") })
	if r.root != nil {
		return r.root.Close()
	}
	return nil
}

// local turns an app-relative slash path into one os.Root accepts; ".."
// or an absolute path is refused before any system call.
func local(rel string) (string, error) {
	clean := path.Clean(filepath.ToSlash(rel))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", refuse(Outside, "it is outside the app; not read")
	}
	return filepath.FromSlash(clean), nil
}

// ReadFile reads the regular file rel (slash-separated, relative to the
// root), at most limit bytes.
func (r *Root) ReadFile(rel string, limit int64) ([]byte, error) {
	name, err := local(rel)
	if err != nil {
		return nil, err
	}
	if clean := path.Clean(filepath.ToSlash(rel)); r.plain(clean, false) {
		if src, taken, err := readDirect(r.fd, clean, limit); taken {
			return src, err
		}
	}
	root, err := r.osRoot()
	if err != nil {
		return nil, err
	}
	f, err := root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, classify(err)
	}
	defer f.Close()
	return readOpened(f, limit)
}

// Stat describes rel, following symlinks inside the root only.
func (r *Root) Stat(rel string) (fs.FileInfo, error) {
	name, err := local(rel)
	if err != nil {
		return nil, err
	}
	root, err := r.osRoot()
	if err != nil {
		return nil, err
	}
	st, err := root.Stat(name)
	return st, classify(err)
}

// Lstat describes rel itself (a symlink as a symlink); the directories
// above it are still resolved inside the root.
func (r *Root) Lstat(rel string) (fs.FileInfo, error) {
	name, err := local(rel)
	if err != nil {
		return nil, err
	}
	root, err := r.osRoot()
	if err != nil {
		return nil, err
	}
	st, err := root.Lstat(name)
	return st, classify(err)
}

// ReadDir lists the directory rel, sorted by name, through the same
// confinement as ReadFile: a listed directory reached through a symlink
// out of the app is refused, not listed. Each directory is listed once
// per Root; the entries are shared, so callers must not change them.
// An entry carries its name and type (as the directory gives them, no
// stat per entry); Info stats it through the root.
func (r *Root) ReadDir(rel string) ([]fs.DirEntry, error) {
	if _, err := local(rel); err != nil {
		return nil, err
	}
	l := r.list(path.Clean(filepath.ToSlash(rel)))
	return l.entries, l.err
}

// list returns the listing of dir (a clean slash path), listing it the
// first time it is asked for. A directory its parent's listing shows to
// be absent is answered without a system call: an app without
// config/initializers/, app/ or lib/ is asked about each of them.
func (r *Root) list(dir string) *listing {
	r.mu.Lock()
	l, ok := r.dirs[dir]
	r.mu.Unlock()
	if ok {
		return l
	}
	if parent, base := path.Split(dir); dir != "." && base != "" {
		if parent = strings.TrimSuffix(parent, "/"); parent == "" {
			parent = "."
		}
		pl := r.list(parent)
		if present, known := pl.has(base); (known && !present) || KindOf(pl.err) == Absent {
			l = newListing(nil, refuse(Absent, "no such file or directory"))
		}
	}
	if l == nil {
		l = newListing(r.readDir(dir))
	}
	r.mu.Lock()
	if r.dirs == nil {
		r.dirs = map[string]*listing{}
	}
	r.dirs[dir] = l
	r.mu.Unlock()
	return l
}

// readDir lists the directory rel through the root, sorted by name.
func (r *Root) readDir(rel string) ([]fs.DirEntry, error) {
	entries, taken, err := r.readDirDirect(rel)
	if !taken {
		entries, err = r.readDirRoot(rel)
	}
	if err != nil {
		return entries, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

func (r *Root) readDirDirect(rel string) ([]fs.DirEntry, bool, error) {
	if rel == "." && r.fd >= 0 {
		r.dotMu.Lock()
		defer r.dotMu.Unlock()
		entries, taken, err := listDirect(r, r.fd, ".", r.dotListed)
		r.dotListed = r.dotListed || taken
		return entries, taken, err
	}
	if !r.plain(rel, true) {
		return nil, false, nil
	}
	return listDirect(r, r.fd, rel, false)
}

// readDirRoot lists rel through os.Root, whose listing of a directory it
// opened lstats every entry (that is what the direct path saves).
func (r *Root) readDirRoot(rel string) ([]fs.DirEntry, error) {
	name, err := local(rel)
	if err != nil {
		return nil, err
	}
	root, err := r.osRoot()
	if err != nil {
		return nil, err
	}
	f, err := root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, classify(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, classify(err)
	}
	if !st.IsDir() {
		return nil, refuse(NotRegular, "it is not a directory; not listed")
	}
	entries, err := f.ReadDir(-1)
	if err != nil {
		return entries, classify(err)
	}
	return entries, nil
}
