package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/flightline-dev/flightline/validate/rule"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// repoRoot is where the end-to-end tests run the binary, so that the paths
// in its output read as a user would type them.
const repoRoot = "../.."

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join(repoRoot, file)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/flightline -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/flightline -update and review the diff):\n--- got\n%s--- want\n%s", file, got, want)
	}
}

// transcript is a run as the golden files record it.
func transcript(args []string, r result) string {
	return fmt.Sprintf("$ flightline %s\n%sexit %d\n", strings.Join(args, " "), r.stdout, r.code)
}

// TestDumps validates every dump in testdata/dumps and compares the
// output and exit code with the golden file beside it.
func TestDumps(t *testing.T) {
	var inputs []string
	err := filepath.WalkDir(filepath.Join(repoRoot, "testdata", "dumps"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(path, ".golden") && !strings.HasSuffix(path, ".md") {
			rel, _ := filepath.Rel(repoRoot, path)
			inputs = append(inputs, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(inputs)
	if len(inputs) == 0 {
		t.Fatal("no dumps in testdata/dumps")
	}
	for _, in := range inputs {
		t.Run(strings.TrimPrefix(in, "testdata/dumps/"), func(t *testing.T) {
			args := []string{"validate", in}
			r := flightline(t, repoRoot, "", args...)
			golden(t, in+".golden", transcript(args, r))
			if r.code != 0 && r.code != 1 {
				t.Errorf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

// TestValidateCLI covers the flags, formats and exit codes.
func TestValidateCLI(t *testing.T) {
	stdin, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "dumps", "valid", "skulk-example.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"directory", []string{"validate", "testdata/dumps/valid"}, ""},
		{"stdin", []string{"validate", "-"}, string(stdin)},
		{"format-json", []string{"validate", "--format", "json", "testdata/dumps/invalid/rules.ndjson"}, ""},
		{"format-github", []string{"validate", "--format", "github", "testdata/dumps/invalid/rules.ndjson"}, ""},
		{"max-findings", []string{"validate", "--max-findings", "2", "testdata/dumps/invalid/rules.ndjson"}, ""},
		{"strict-warnings", []string{"validate", "--strict", "testdata/dumps/valid/empty.ndjson"}, ""},
		{"schema-flag", []string{"validate", "--schema", "schema/cluster_timeline_entry.schema.json", "testdata/dumps/invalid/rules.ndjson"}, ""},
		{"missing-file", []string{"validate", "testdata/dumps/valid/skulk-example.ndjson", "testdata/dumps/no-such-file.ndjson"}, ""},
		{"bad-format-flag", []string{"validate", "--format", "xml", "testdata/dumps/valid"}, ""},
		{"no-paths", []string{"validate"}, ""},
		{"jobs-1", []string{"validate", "--jobs", "1", "testdata/dumps/invalid/rules.ndjson"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := flightline(t, repoRoot, c.stdin, c.args...)
			out := transcript(c.args, r)
			if r.stderr != "" {
				out += "stderr: " + r.stderr
			}
			golden(t, "testdata/dumps/cli/"+c.name+".golden", out)
		})
	}
}

// TestUnreadable: a path that cannot be read is exit 2 with a one-line
// message, and the other paths are still checked.
func TestUnreadable(t *testing.T) {
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		t.Skip("permissions do not apply")
	}
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked.ndjson")
	os.WriteFile(locked, []byte("{}\n"), 0o000)
	ok, _ := filepath.Abs(filepath.Join(repoRoot, "testdata", "dumps", "valid", "skulk-example.ndjson"))
	r := flightline(t, dir, "", "validate", locked, ok)
	if r.code != 2 || !strings.Contains(r.stderr, "permission denied") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "4 entries in 1 file") {
		t.Errorf("the readable path was not checked: %s", r.stdout)
	}
}

// TestJSONReportSchema: what validate --format json writes is valid under
// schema/validate_report.schema.json, for every dump of the corpus, an
// unreadable path and an other schema; and the schema lists every rule.
func TestJSONReportSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	report, err := c.Compile(filepath.Join(repoRoot, "schema", "validate_report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]string{
		{"validate", "--format", "json", "--max-findings", "0", "testdata/dumps"},
		{"validate", "--format", "json", "testdata/dumps/valid/skulk-example.ndjson", "testdata/dumps/no-such-file.ndjson"},
		{"validate", "--format", "json", "--schema", "schema/cluster_timeline_entry.schema.json", "testdata/dumps/invalid/rules.ndjson"},
	}
	for _, args := range runs {
		r := flightline(t, repoRoot, "", args...)
		var doc any
		d := json.NewDecoder(strings.NewReader(r.stdout))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil {
			t.Fatalf("%v: not JSON: %v\n%s", args, err, r.stdout)
		}
		if err := report.Validate(doc); err != nil {
			t.Errorf("%v: the report breaks its schema: %#v", args, err)
		}
	}

	var s struct {
		Defs struct {
			Finding struct {
				Properties struct {
					Rule struct {
						Enum []string `json:"enum"`
					} `json:"rule"`
				} `json:"properties"`
			} `json:"Finding"`
		} `json:"$defs"`
	}
	data, _ := os.ReadFile(filepath.Join(repoRoot, "schema", "validate_report.schema.json"))
	json.Unmarshal(data, &s)
	var ids []string
	for _, r := range rule.All {
		ids = append(ids, r.Name)
	}
	if got := s.Defs.Finding.Properties.Rule.Enum; !slices.Equal(got, ids) {
		t.Errorf("the report schema's rules\n %q\nare not rule.All\n %q", got, ids)
	}
}
