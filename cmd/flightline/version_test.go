package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/schema"
)

// TestVersion: flightline version names the schema by a hash of the
// schema files as they are in schema/, in text and in JSON, and validate
// --format json names the same one.
func TestVersion(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range schema.BuiltinFiles {
		data, err := os.ReadFile(filepath.Join(repoRoot, "schema", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	want := schema.Identity(files, schema.BuiltinFiles...)
	if !strings.HasPrefix(want, "sha256:") || len(want) != len("sha256:")+64 {
		t.Fatalf("identity %q", want)
	}

	r := flightline(t, ".", "", "version")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "flightline ") || !strings.HasPrefix(lines[1], "schema "+want+" (") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}

	r = flightline(t, ".", "", "version", "--format", "json")
	var v versionInfo
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Schema != want || v.Version == "" || v.Module == "" {
		t.Errorf("exit %d, %v: %s", r.code, err, r.stdout)
	}

	r = flightline(t, repoRoot, "", "validate", "--format", "json", "testdata/dumps/valid/skulk-example.ndjson")
	var report struct {
		Schema reportSchema `json:"schema"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || report.Schema != (reportSchema{"built-in", want}) {
		t.Errorf("validate report: %v %+v", err, report.Schema)
	}

	for _, args := range [][]string{{"version", "extra"}, {"version", "--format", "xml"}} {
		if r := flightline(t, ".", "", args...); r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
