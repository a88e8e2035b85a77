//go:build !unix

package main

import "errors"

var errUnsupported = errors.New("not supported on this system")

func mkfifo(string) error    { return errUnsupported }
func mknodNull(string) error { return errUnsupported }
func setUmask(int)           {}
