package report

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// spool holds the encoded elements of one JSON array while a stream runs:
// in a temporary file, so a report over ten thousand apps does not hold
// their findings in memory, or in memory when no file can be made. The
// documents that need it (JSON, SARIF) write the array after other members
// only known at the end.
type spool struct {
	file *os.File
	mem  bytes.Buffer
	w    *bufio.Writer
	n    int // elements written
}

func newSpool(pattern string) *spool {
	s := &spool{}
	if f, err := os.CreateTemp("", pattern); err == nil {
		s.file = f
		s.w = bufio.NewWriter(f)
	} else {
		s.w = bufio.NewWriter(&s.mem)
	}
	return s
}

// add appends one encoded element, comma-separated from the previous one.
func (s *spool) add(element []byte) error {
	if s.n > 0 {
		if _, err := s.w.WriteString(",\n"); err != nil {
			return err
		}
	}
	s.n++
	_, err := s.w.Write(element)
	return err
}

// reader returns the elements written so far, from the start.
func (s *spool) reader() (io.Reader, error) {
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	if s.file == nil {
		return &s.mem, nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.file, nil
}

// close removes the temporary file.
func (s *spool) close() {
	if s.file != nil {
		_ = s.file.Close()
		_ = os.Remove(s.file.Name())
	}
}
