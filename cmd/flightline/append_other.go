//go:build !unix

package main

import "os"

// appending reports whether f was opened to append to; it cannot tell
// here, and says no.
func appending(*os.File) bool { return false }
