package fixer

import (
	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/safefile"
)

// readBounded reads the file at p (a real path, already confined to the
// app by writableTarget) again before it is replaced, through the same
// gate and cap the loader read it with: a FIFO or device swapped in since
// is refused without blocking, and a file grown past the cap is not read
// whole.
func readBounded(p string) ([]byte, error) {
	return safefile.ReadFile(p, rails.MaxFileSize)
}
