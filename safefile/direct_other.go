//go:build !linux

package safefile

import (
	"errors"
	"io/fs"
)

// Without openat2 every path goes through os.Root (direct_linux.go).
const directAvailable = false

var errNoDirect = errors.New("no direct path on this system")

func openRootFD(string) (int, error) { return -1, errNoDirect }

func closeFD(int) {}

func readDirect(int, string, int64) ([]byte, bool, error) { return nil, false, nil }

func listDirect(*Root, int, string, bool) ([]fs.DirEntry, bool, error) { return nil, false, nil }
