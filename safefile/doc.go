// Package safefile is the one gate every file poollint reads passes
// through. poollint runs in pre-commit hooks and CI jobs on whatever a pull
// request contains, so a file is hostile until shown otherwise:
//
//   - only regular files are read: the file is opened with O_NONBLOCK (a
//     FIFO cannot block the open) and the opened descriptor is Fstat'ed, so
//     a FIFO, a device, a socket or a directory is refused by what was
//     actually opened, not by what a path named a moment earlier;
//   - reads are bounded by the cap on what is read (never more than
//     cap+1 bytes asked for), never by Stat().Size(), which is 0 for a
//     device that streams forever;
//   - app files are read through an os.Root, which resolves every path
//     component (not just the last) and refuses any symlink that leads out
//     of the app root, absolute symlinks included;
//   - errors are short sentences about the file, never Go-internal text
//     and never the contents of a refused file;
//   - where the directory listings show a path to be plain (no symlink,
//     every directory on it listed and readable), Linux opens it with one
//     openat2 under the root (RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS):
//     the kernel enforces the confinement, any failure goes back through
//     os.Root, and the same checks apply to what was opened.
//
// It imports only the standard library and golang.org/x/sys/unix: it
// sits below parser, rails, lintconfig and cmd/poollint.
package safefile
