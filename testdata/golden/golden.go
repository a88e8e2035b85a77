// Package golden compares test output with golden files, for tests.
package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with the file at path, or with update writes it
// there; command is what rewrites the files, for the failure's message.
func Check(t testing.TB, path, got string, update bool, command string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%s writes it)", err, command)
	}
	if got != string(want) {
		t.Errorf("the output differs from %s (%s rewrites it; review the diff):\n--- got\n%s--- want\n%s", path, command, got, want)
	}
}
