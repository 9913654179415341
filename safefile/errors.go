package safefile

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// Error is a file the gate refused or could not read. Its message is a
// sentence fit to print after the file's name ("config/database.yml: it
// is a named pipe (FIFO), not a regular file; not read").
type Error struct {
	Kind Kind
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Is makes errors.Is(err, fs.ErrNotExist) true for an absent file, so
// callers can treat absence as "nothing to read" without parsing text.
func (e *Error) Is(target error) bool {
	return e.Kind == Absent && target == fs.ErrNotExist
}

// Kind says why a file was not read.
type Kind int

const (
	// Absent: the file does not exist (callers usually say nothing).
	Absent Kind = iota + 1
	// NotRegular: a FIFO, a device, a socket or a directory.
	NotRegular
	// TooLarge: over the byte limit the caller gave.
	TooLarge
	// Outside: the path, through a symlink or "..", leaves the app root.
	Outside
	// Unreadable: permissions, a symlink loop, a path too long, I/O.
	Unreadable
)

// KindOf returns the Kind of an error from this package, 0 for others.
func KindOf(err error) Kind {
	if err == nil {
		return 0
	}
	if e, ok := err.(*Error); ok { // no allocation for errors.As's target
		return e.Kind
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func refuse(k Kind, msg string) error { return &Error{Kind: k, msg: msg} }

// classify turns an error of the os package into an Error with a plain
// message: the "openat PATH:" prefix and the package's internal wording
// ("path escapes from parent", "EvalSymlinks: too many links") never
// reach the user.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var errno syscall.Errno
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return refuse(Absent, "no such file or directory")
	case errors.As(err, &errno):
		return refuse(Unreadable, "cannot read: "+errnoText(errno))
	case strings.Contains(err.Error(), "escapes"):
		// os.Root's refusal of a path or symlink that leaves the root.
		return refuse(Outside, "it leads outside the app (through a symlink or \"..\"); not read")
	}
	return refuse(Unreadable, "cannot read this file")
}

// errnoText words the errors a hostile tree can provoke.
func errnoText(errno syscall.Errno) string {
	switch errno {
	case syscall.EACCES, syscall.EPERM:
		return "permission denied"
	case syscall.ELOOP:
		return "too many levels of symbolic links"
	case syscall.ENAMETOOLONG:
		return "the path is too long for the system"
	case syscall.ENOTDIR:
		return "a component of the path is not a directory"
	case syscall.EISDIR:
		return "it is a directory"
	}
	return errno.Error()
}
