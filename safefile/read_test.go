package safefile

import (
	"bytes"
	"errors"
	"strings"
	"syscall"
	"testing"
)

// fakeFile serves data through read calls of at most chunk bytes ((0, nil)
// at the end), counting the calls.
type fakeFile struct {
	data  []byte
	chunk int
	calls int
	err   error // returned once data is spent, instead of the end
}

func (f *fakeFile) read(b []byte) (int, error) {
	f.calls++
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := min(len(b), len(f.data), f.chunk)
	copy(b, f.data[:n])
	f.data = f.data[n:]
	return n, nil
}

func TestReadBoundedReadsAFileAsStatedInOneRead(t *testing.T) {
	data := []byte(strings.Repeat("pool: 5\n", 300))
	f := &fakeFile{data: bytes.Clone(data), chunk: 1 << 20}
	got, err := readBounded(f.read, int64(len(data)), 1<<20)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
	if f.calls != 1 {
		t.Errorf("%d reads for a file of the stat'ed size, want 1", f.calls)
	}
}

// The size is a hint: short reads, a file that grew or shrank since the
// fstat, or one that says 0 (as /proc files do) are read to their end.
func TestReadBoundedTrustsTheSizeOnlyAsAHint(t *testing.T) {
	data := []byte(strings.Repeat("x", 3000))
	for _, c := range []struct {
		name  string
		hint  int64
		chunk int
	}{
		{"short reads", 3000, 7},
		{"grew", 1000, 1 << 20},
		{"shrank", 5000, 1 << 20},
		{"says 0", 0, 1 << 20},
		{"says 0, short reads", 0, 100},
	} {
		f := &fakeFile{data: bytes.Clone(data), chunk: c.chunk}
		got, err := readBounded(f.read, c.hint, 1<<20)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: got %d bytes, %v", c.name, len(got), err)
		}
	}
}

func TestReadBoundedEnforcesTheCapOnWhatIsRead(t *testing.T) {
	f := &fakeFile{data: []byte(strings.Repeat("x", 101)), chunk: 1 << 20}
	_, err := readBounded(f.read, 0, 100)
	wantRefused(t, err, TooLarge, "over the 100-byte cap")
	if len(f.data) != 0 {
		t.Errorf("read %d bytes past the cap", 101-len(f.data))
	}
	endless := &fakeFile{data: bytes.Repeat([]byte{0}, 10<<20), chunk: 1 << 20}
	if _, err := readBounded(endless.read, 0, 1000); KindOf(err) != TooLarge || 10<<20-len(endless.data) > 1001 {
		t.Errorf("a stream that says 0 bytes: %v, %d bytes read (never more than the cap + 1)", err, 10<<20-len(endless.data))
	}
	_, err = readBounded((&fakeFile{chunk: 1}).read, 200, 100)
	wantRefused(t, err, TooLarge, "file is 200 bytes, over the 100-byte cap")
	at := &fakeFile{data: []byte(strings.Repeat("x", 100)), chunk: 1 << 20}
	if got, err := readBounded(at.read, 0, 100); err != nil || len(got) != 100 {
		t.Errorf("a file at the cap: %d bytes, %v", len(got), err)
	}
}

func TestReadBoundedReportsAReadError(t *testing.T) {
	f := &fakeFile{data: []byte("abc"), chunk: 1, err: syscall.EIO}
	_, err := readBounded(f.read, 10, 100)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Unreadable || !strings.Contains(err.Error(), "input/output error") {
		t.Errorf("got %v", err)
	}
}
