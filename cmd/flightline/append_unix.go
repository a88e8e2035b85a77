//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// appending reports whether f was opened to append to (>> file in a shell).
func appending(f *os.File) bool {
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	return err == nil && flags&unix.O_APPEND != 0
}
