//go:build linux

package safefile

import (
	"encoding/binary"
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// The direct path: where the listings already show a path to be plain
// (every directory on it listed, no component a symlink), the file is
// opened with one openat2 relative to the root's descriptor and read
// with raw read(2)s. RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS make the
// kernel refuse what os.Root would have had to resolve: a component
// turned into a symlink since it was listed fails, and every failure
// falls back to os.Root, which then gives the answer (and the message)
// it always gave. os.Root costs an open, an epoll registration attempt
// and a close per directory of the path, and its listings lstat every
// entry; here a file is openat2, fstat, read, close.

const directAvailable = true

// openRootFD opens dir for use as the root of openat2 calls, as "dir/."
// so that the open needs search permission on it (see listDirect): the
// root's own listing then needs no other proof that names in it can be
// opened.
func openRootFD(dir string) (int, error) {
	return unix.Open(dir+"/.", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

func closeFD(fd int) { _ = unix.Close(fd) }

// openBeneath opens rel (a clean, local, slash path) under dirfd without
// following any symlink and without leaving dirfd.
func openBeneath(dirfd int, rel string, flags int) (int, error) {
	if noOpenat2.Load() {
		return -1, unix.ENOSYS
	}
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_NOFOLLOW | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for {
		fd, err := openat2Hook(dirfd, rel, &how)
		switch err {
		case nil:
			return fd, nil
		case unix.EINTR:
			continue
		case unix.ENOSYS, unix.EPERM:
			noOpenat2.Store(true)
		}
		return -1, err
	}
}

// readDirect reads the file rel under dirfd through the same checks as
// readOpened: a regular file by fstat on the opened descriptor, bounded.
// taken is false when rel could not be opened this way; the caller then
// goes through os.Root.
func readDirect(dirfd int, rel string, limit int64) (src []byte, taken bool, err error) {
	fd, err := openBeneath(dirfd, rel, unix.O_RDONLY|unix.O_NONBLOCK)
	if err != nil {
		return nil, false, nil
	}
	defer closeFD(fd)
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return nil, true, classify(err)
	}
	if err := regularOnlyMode(modeOf(st.Mode)); err != nil {
		return nil, true, err
	}
	src, err = readBounded(fdReader(fd), st.Size, limit)
	return src, true, err
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		if err := unix.Fstat(fd, st); err != unix.EINTR {
			return err
		}
	}
}

// fdReader reads fd with read(2): (0, nil) at the end of the file.
func fdReader(fd int) func([]byte) (int, error) {
	return func(b []byte) (int, error) {
		for {
			n, err := unix.Read(fd, b)
			if err == unix.EINTR {
				continue
			}
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// listDirect lists the directory rel under dirfd. "." lists dirfd
// itself (the caller serialises that, and says whether an earlier
// listing moved its offset). taken is false when the directory could not
// be opened this way.
func listDirect(root *Root, dirfd int, rel string, rewind bool) (entries []fs.DirEntry, taken bool, err error) {
	fd := dirfd
	if rel != "." {
		// "rel/." and not rel: looking "." up in rel needs search
		// permission on it, so a directory that can be read but not
		// searched (mode r--) fails here and goes through os.Root, whose
		// lstat of each entry fails with "permission denied": such a
		// directory stays unreadable rather than listing names no open
		// could reach.
		fd, err = openBeneath(dirfd, rel+"/.", unix.O_RDONLY|unix.O_DIRECTORY)
		if err != nil {
			return nil, false, nil
		}
		defer closeFD(fd)
	} else if rewind {
		if _, err := unix.Seek(fd, 0, 0); err != nil {
			return nil, false, nil
		}
	}
	entries, err = readDirents(fd, root, rel)
	return entries, true, err
}

// direntBufs are getdents buffers, reused: a run lists thousands of
// directories.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 8192); return &b }}

// fstatatHook and openat2Hook are the system calls, replaced by tests
// that count them.
var (
	fstatatHook = unix.Fstatat
	openat2Hook = unix.Openat2
)

// readDirents reads a directory's entries with the type getdents already
// gives (d_type), where os.File.ReadDir on a directory opened through
// os.Root lstats every entry. Only an entry of unknown type (a file
// system without d_type) is stat'ed, as os.File.ReadDir does.
func readDirents(fd int, root *Root, dir string) ([]fs.DirEntry, error) {
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	var entries []fs.DirEntry
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, classify(err)
		}
		if n <= 0 {
			break
		}
		for rec := buf[:n]; len(rec) >= direntNameOffset; {
			reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
			if reclen < direntNameOffset || reclen > len(rec) {
				break
			}
			ino, typ, name := binary.NativeEndian.Uint64(rec[0:8]), rec[18], direntName(rec[direntNameOffset:reclen])
			rec = rec[reclen:]
			if ino == 0 || name == "." || name == ".." {
				continue
			}
			mode, known := dtMode(typ)
			if !known {
				var st unix.Stat_t
				err := fstatatHook(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
				for err == unix.EINTR {
					err = fstatatHook(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
				}
				switch err {
				case nil:
					mode = modeOf(st.Mode).Type()
				case unix.ENOENT:
					continue // removed since it was listed: skipped, as os.File.ReadDir does
				default:
					return nil, classify(err)
				}
			}
			entries = append(entries, &dirEntry{name: name, typ: mode, root: root, dir: dir})
		}
	}
	return entries, nil
}

// direntNameOffset is where d_name starts in a linux_dirent64 (d_ino 8,
// d_off 8, d_reclen 2, d_type 1).
const direntNameOffset = 19

func direntName(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// dtMode is the file type of a d_type; known is false for DT_UNKNOWN.
func dtMode(t byte) (fs.FileMode, bool) {
	switch t {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

// modeOf turns st_mode into the fs.FileMode os.Stat would give (type
// bits and permissions; what the checks here look at).
func modeOf(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
