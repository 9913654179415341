package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadFile reads the regular file at path, at most limit bytes; it does
// not confine the path (for --config, a file the user named). Use
// Root.ReadFile for anything a repository supplies.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, classify(err)
	}
	defer f.Close()
	return readOpened(f, limit)
}

// readOpened checks what was opened (not what the path named before) and
// reads it, bounded.
func readOpened(f *os.File, limit int64) ([]byte, error) {
	st, err := f.Stat() // fstat on the descriptor
	if err != nil {
		return nil, classify(err)
	}
	if err := regularOnlyMode(st.Mode()); err != nil {
		return nil, err
	}
	return readBounded(func(b []byte) (int, error) {
		n, err := f.Read(b)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return n, err
	}, st.Size(), limit)
}

// readBounded reads a regular file of the given fstat size through read
// ((0, nil) at its end), never more than limit+1 bytes: the cap is
// enforced on what is read, the size is only a hint (the file may grow
// while it is read, and a file of /proc says 0). The buffer is sized
// from the hint, so a file that stays as stat'ed is read with one
// read(2) into one allocation: a short read that brings exactly the
// stat'ed size is taken as the end, content and size agreeing at that
// moment. A longer file is read on, to its end or past the cap.
func readBounded(read func([]byte) (int, error), size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, tooLarge(size, limit)
	}
	buf := make([]byte, 0, max(size, 0)+1)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, refuse(TooLarge, fmt.Sprintf("file is over the %d-byte cap for a config file; not read", limit))
			}
			grown := make([]byte, len(buf), min(int64(2*cap(buf))+512, limit+1))
			copy(grown, buf)
			buf = grown
		}
		want := cap(buf) - len(buf)
		n, err := read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return nil, classify(err)
		}
		if n == 0 || (n < want && int64(len(buf)) == size) {
			if int64(len(buf)) > limit {
				return nil, refuse(TooLarge, fmt.Sprintf("file is over the %d-byte cap for a config file; not read", limit))
			}
			return buf, nil
		}
	}
}

func tooLarge(size, limit int64) error {
	return refuse(TooLarge, fmt.Sprintf("file is %d bytes, over the %d-byte cap for a config file; not read", size, limit))
}

// regularOnlyMode refuses every file type but a regular file, saying which.
func regularOnlyMode(m fs.FileMode) error {
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return refuse(NotRegular, "it is a directory, not a file; not read")
	case m&fs.ModeNamedPipe != 0:
		return refuse(NotRegular, "it is a named pipe (FIFO), not a regular file; not read")
	case m&fs.ModeCharDevice != 0:
		return refuse(NotRegular, "it is a character device, not a regular file; not read")
	case m&fs.ModeDevice != 0:
		return refuse(NotRegular, "it is a block device, not a regular file; not read")
	case m&fs.ModeSocket != 0:
		return refuse(NotRegular, "it is a socket, not a regular file; not read")
	}
	return refuse(NotRegular, "it is not a regular file; not read")
}
