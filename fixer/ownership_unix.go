//go:build unix

package fixer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// keepable refuses a file whose rewrite could not keep what it is: a new
// inode renamed over the old one splits hard links (the other names keep
// the old content), and belongs to whoever writes it unless root hands it
// back. Writing in place instead would keep both, but a crash or a full
// disk could then leave half a file, which is worse for a config file.
func keepable(info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if st.Nlink > 1 {
		return fmt.Errorf("it has %d hard links; replacing it would leave the other links with the old content; not changing it", st.Nlink)
	}
	if os.Geteuid() == 0 {
		return nil // root gives the new file the old owner and group
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("it belongs to user %d and poollint runs as user %d: the rewritten file would change owner; not changing it (run as its owner)", st.Uid, os.Geteuid())
	}
	if !inGroup(int(st.Gid)) {
		return fmt.Errorf("its group %d is not one of poollint's: the rewritten file would change group; not changing it", st.Gid)
	}
	return nil
}

// inGroup reports whether the process may give a file the group gid.
func inGroup(gid int) bool {
	if gid == os.Getegid() {
		return true
	}
	groups, err := os.Getgroups()
	return err == nil && slices.Contains(groups, gid)
}

// keepOwnerAndMode gives the temp file f the owner, group and mode of the
// file it replaces, setuid, setgid and sticky bits included: the owner
// first, since a change of owner clears those bits. It fails when the
// result is not the same (a file system that ignores modes).
func keepOwnerAndMode(f *os.File, old fs.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if ok {
		uid := -1
		if os.Geteuid() == 0 {
			uid = int(st.Uid)
		}
		if err := f.Chown(uid, int(st.Gid)); err != nil {
			return fmt.Errorf("cannot keep its owner and group: %w", unwrapPath(err))
		}
	}
	want := old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err := f.Chmod(want); err != nil {
		return fmt.Errorf("cannot keep its mode: %w", unwrapPath(err))
	}
	got, err := f.Stat()
	if err != nil {
		return err
	}
	if have := got.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky); have != want {
		return fmt.Errorf("cannot keep its mode %v (the new file got %v)", want, have)
	}
	return nil
}

// dirWritable reports why a temp file could not be created in dir, for a
// Preview that creates none.
func dirWritable(dir string) error {
	if err := syscall.Access(dir, 0o2|0o1); err != nil { // W_OK|X_OK
		return err
	}
	return nil
}

// processAlive reports whether a process with the ID pid exists (one of
// another user counts).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
