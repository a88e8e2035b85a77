// Package shared finds the data that tests share with other projects:
// Skulk's documents and schemas, and the JSON Schema Test Suite.
package shared

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Find returns the shared data directory, as an absolute path:
// $FLIGHTLINE_SHARED, else shared beside the module root or beside its
// parent (a git worktree one level down), else /work/shared; "" when none
// of them holds skulk/.
func Find() string {
	candidates := []string{os.Getenv("FLIGHTLINE_SHARED")}
	for _, root := range moduleRoots() {
		candidates = append(candidates, filepath.Join(root, "..", "shared"), filepath.Join(root, "..", "..", "shared"))
	}
	candidates = append(candidates, "/work/shared")
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if info, err := os.Stat(filepath.Join(c, "skulk")); err == nil && info.IsDir() {
			if abs, err := filepath.Abs(c); err == nil {
				return abs
			}
			return c
		}
	}
	return ""
}

// Dir is Find for a test that needs the data: without it the test is
// skipped, or fails when FLIGHTLINE_REQUIRE_SUITES=1 (as in CI).
func Dir(t testing.TB) string {
	t.Helper()
	if dir := Find(); dir != "" {
		return dir
	}
	if os.Getenv("FLIGHTLINE_REQUIRE_SUITES") == "1" {
		t.Fatal("the shared data is not found: set FLIGHTLINE_SHARED")
	}
	t.Skip("the shared data is not found; set FLIGHTLINE_SHARED to run this test")
	return ""
}

// moduleRoots are the module root this file was compiled in, whatever
// directory a test has moved to, and the one above the working directory.
func moduleRoots() []string {
	var roots []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		roots = append(roots, filepath.Join(filepath.Dir(file), "..", "..")) // testdata/shared
	}
	if dir, err := os.Getwd(); err == nil {
		if root := moduleRoot(dir); root != "" {
			roots = append(roots, root)
		}
	}
	return roots
}

// moduleRoot is the directory of flightline's go.mod at or above dir, or "".
func moduleRoot(dir string) string {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte("module github.com/flightline-dev/flightline\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
