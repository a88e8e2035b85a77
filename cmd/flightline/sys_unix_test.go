//go:build unix

package main

import "syscall"

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }

// mknodNull makes a character device with /dev/null's numbers (1, 3 on
// Linux), which only root may do.
func mknodNull(path string) error {
	return syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3)
}

func setUmask(mask int) { syscall.Umask(mask) }
