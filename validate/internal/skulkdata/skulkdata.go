// Package skulkdata finds, for tests, the documents and schemas Skulk's own
// code serves, kept beside the repository in ../shared/skulk.
package skulkdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the directory of Skulk's data (holding clusters/, diagnostics/
// and models/). Without it the test is skipped, or fails when
// FLIGHTLINE_REQUIRE_SUITES=1, as CI sets it. FLIGHTLINE_SHARED names the
// shared directory when it is elsewhere.
func Dir(t testing.TB) string {
	t.Helper()
	for _, dir := range candidates() {
		if info, err := os.Stat(filepath.Join(dir, "skulk", "clusters")); err == nil && info.IsDir() {
			return filepath.Join(dir, "skulk")
		}
	}
	if os.Getenv("FLIGHTLINE_REQUIRE_SUITES") == "1" {
		t.Fatalf("Skulk's data is missing: looked in %v (set FLIGHTLINE_SHARED)", candidates())
	}
	t.Skipf("Skulk's data is not here (looked in %v; set FLIGHTLINE_SHARED)", candidates())
	return ""
}

// candidates are the places the shared directory may be: FLIGHTLINE_SHARED,
// then ../shared beside the module root (and beside its parent, for a git
// worktree one level down).
func candidates() []string {
	var dirs []string
	if d := os.Getenv("FLIGHTLINE_SHARED"); d != "" {
		dirs = append(dirs, d)
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..") // validate/internal/skulkdata
	return append(dirs, filepath.Join(root, "..", "shared"), filepath.Join(root, "..", "..", "shared"))
}

// Scenarios lists the cluster scenarios that hold node dumps and a merged
// timeline: every folder of clusters/ but edge.
func Scenarios(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(Dir(t), "clusters"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "edge" {
			names = append(names, e.Name())
		}
	}
	return names
}
