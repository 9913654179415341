package safefile

import (
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
// reads it through a LimitReader.
func readOpened(f *os.File, limit int64) ([]byte, error) {
	st, err := f.Stat() // fstat on the descriptor
	if err != nil {
		return nil, classify(err)
	}
	if err := regularOnly(st); err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, tooLarge(st.Size(), limit)
	}
	// Size is only a hint: the file may grow while it is read.
	src, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, classify(err)
	}
	if int64(len(src)) > limit {
		return nil, refuse(TooLarge, fmt.Sprintf("file is over the %d-byte cap for a config file; not read", limit))
	}
	return src, nil
}

func tooLarge(size, limit int64) error {
	return refuse(TooLarge, fmt.Sprintf("file is %d bytes, over the %d-byte cap for a config file; not read", size, limit))
}

// regularOnly refuses every file type but a regular file, saying which.
func regularOnly(st fs.FileInfo) error {
	m := st.Mode()
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
