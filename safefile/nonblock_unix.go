//go:build unix

package safefile

import "syscall"

// openFlags open for reading without blocking on a FIFO that has no
// writer: the open returns at once and Fstat then refuses the FIFO.
const openFlags = syscall.O_RDONLY | syscall.O_NONBLOCK
