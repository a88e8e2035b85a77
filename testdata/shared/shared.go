// Package shared finds the data that tests share with other projects:
// Skulk's documents and schemas, and the JSON Schema Test Suite.
package shared

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Find returns the shared data directory: $FLIGHTLINE_SHARED, else shared
// or ../shared beside the module root, else /work/shared; "" when none of
// them holds skulk/.
func Find() string {
	candidates := []string{os.Getenv("FLIGHTLINE_SHARED")}
	if root := moduleRoot(); root != "" {
		candidates = append(candidates, filepath.Join(root, "..", "shared"), filepath.Join(root, "..", "..", "shared"))
	}
	candidates = append(candidates, "/work/shared")
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if info, err := os.Stat(filepath.Join(c, "skulk")); err == nil && info.IsDir() {
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

// moduleRoot is the directory of flightline's go.mod, above the working
// directory, or "".
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
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
