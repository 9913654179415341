package safefile

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// A Root remembers each directory it lists, for as long as it is open (an
// app's load): a loader asks whether some thirty sample names exist per
// config file, and answering from one listing costs one getdents where a
// stat costs an open of the directory, an fstatat and a close per name.
// A listing only ever answers which names exist; every read still opens
// the file through the root, with all its checks.

// maxName is the longest file name the common file systems take (Linux
// NAME_MAX, and macOS's and Windows' limits in bytes of ASCII).
const maxName = 255

// maxPath is Linux's PATH_MAX: a longer path is left to the stat.
const maxPath = 4096

// listing is one directory's ReadDir result, kept.
type listing struct {
	entries []fs.DirEntry // sorted by name
	err     error
	// lower holds the names folded to lower case, and nonASCII says a
	// name is not ASCII: on a case-insensitive or normalising file system
	// (macOS, ext4 casefold) a stat may find a name the listing spells
	// differently, so such a near match leaves the answer to the stat.
	lower    map[string]bool
	nonASCII bool
}

func newListing(entries []fs.DirEntry, err error) *listing {
	l := &listing{entries: entries, err: err}
	if err != nil {
		return l
	}
	l.lower = make(map[string]bool, len(entries))
	for _, e := range entries {
		name := e.Name()
		if !isASCII(name) {
			l.nonASCII = true
		}
		l.lower[strings.ToLower(name)] = true
	}
	return l
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// has says whether name is listed: known is false when the listing alone
// cannot tell (it failed, or a name differs only in case or is not ASCII).
func (l *listing) has(name string) (present, known bool) {
	// An empty listing may be a directory that can be read but not
	// searched (mode r--), where opening any name fails with "permission
	// denied" rather than "absent". A non-empty one is searchable: the
	// direct path opened it as "dir/." (a lookup in it), and os.Root's
	// listing lstat'ed every entry.
	if l.err != nil || len(l.entries) == 0 {
		return false, false
	}
	if l.lookup(name) != nil {
		return true, true
	}
	// A name over NAME_MAX fails to open as too long, not as absent.
	if len(name) > maxName || l.nonASCII || !isASCII(name) || l.lower[strings.ToLower(name)] {
		return false, false
	}
	return false, true
}

// Listed says whether rel (slash-separated, relative to the root) is an
// entry of its directory's listing, without a system call once that
// directory is listed. known is false when the listing cannot tell: the
// directory cannot be listed (except that a directory that does not
// exist holds nothing), or a name differs only in case; ask Lstat then.
// A present name may still be unreadable, a symlink out of the app or a
// FIFO: reading it goes through ReadFile's checks.
func (r *Root) Listed(rel string) (present, known bool) {
	if _, err := local(rel); err != nil {
		return false, false
	}
	clean := path.Clean(filepath.ToSlash(rel))
	if clean == "." {
		return false, false
	}
	if len(clean) >= maxPath {
		return false, false // too long a path fails as such, not as absent
	}
	dir, base := path.Split(clean)
	if dir == "" {
		dir = "."
	}
	l := r.list(strings.TrimSuffix(dir, "/"))
	if KindOf(l.err) == Absent {
		return false, true
	}
	return l.has(base)
}
