package safefile

import (
	"io/fs"
	"sort"
	"strings"
	"sync/atomic"
)

// noOpenat2 is set once openat2 turns out to be missing or forbidden (a
// kernel before 5.6, a seccomp filter): everything then goes through
// os.Root.
var noOpenat2 atomic.Bool

// plain reports whether rel (clean, slash-separated) may take the direct
// path (direct_linux.go): every directory on it is already listed, each
// listing succeeded, and each component is in its directory's listing
// and not a symlink (a directory, for all but the last; for the last
// too when dir is set). Then os.Root would have opened each directory
// on the path as it is and the last component without a link to
// follow, and that is all the direct open does; the listings also show
// each directory readable, as os.Root's opens of them need. Anything
// else — a symlink anywhere, a directory not listed or unreadable, a
// name the listing spells differently — goes through os.Root. The
// check makes no system call.
func (r *Root) plain(rel string, dir bool) bool {
	if r.fd < 0 || noOpenat2.Load() || rel == "." || rel == "" {
		return false
	}
	parent := "."
	for i := 0; ; {
		l := r.cached(parent)
		if l == nil || l.err != nil {
			return false
		}
		j := strings.IndexByte(rel[i:], '/')
		last := j < 0
		name := rel[i:]
		if !last {
			name = rel[i : i+j]
		}
		e := l.lookup(name)
		if e == nil || e.Type()&fs.ModeSymlink != 0 {
			return false
		}
		if last {
			return !dir || e.IsDir()
		}
		if !e.IsDir() {
			return false
		}
		parent = rel[:i+j]
		i += j + 1
	}
}

// cached is dir's listing if it was made, else nil; it lists nothing.
func (r *Root) cached(dir string) *listing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dirs[dir]
}

// lookup is the entry named name exactly, or nil.
func (l *listing) lookup(name string) fs.DirEntry {
	i := sort.Search(len(l.entries), func(i int) bool { return l.entries[i].Name() >= name })
	if i < len(l.entries) && l.entries[i].Name() == name {
		return l.entries[i]
	}
	return nil
}
