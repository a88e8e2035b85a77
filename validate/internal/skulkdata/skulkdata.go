// Package skulkdata finds, for tests, the documents and schemas Skulk's own
// code serves, in the shared data testdata/shared finds.
package skulkdata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/flightline-dev/flightline/testdata/shared"
)

// Dir returns the directory of Skulk's data (holding clusters/, diagnostics/
// and models/). Without it the test is skipped, or fails when
// FLIGHTLINE_REQUIRE_SUITES=1, as CI sets it.
func Dir(t testing.TB) string {
	t.Helper()
	return filepath.Join(shared.Dir(t), "skulk")
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
