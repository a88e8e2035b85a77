package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/flightline-dev/flightline/validate/rule"
)

// transcript is a run as the golden files record it.
func transcript(args []string, r result) string {
	return fmt.Sprintf("$ flightline %s\n%sexit %d\n", strings.Join(args, " "), r.stdout, r.code)
}

// TestDumps validates every dump in testdata/dumps, in-process, and
// compares the output and exit code with the golden file beside it.
func TestDumps(t *testing.T) {
	t.Chdir(repoRoot)
	var inputs []string
	err := filepath.WalkDir(filepath.Join("testdata", "dumps"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(path, ".golden") && !strings.HasSuffix(path, ".md") {
			inputs = append(inputs, filepath.ToSlash(path))
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
			r := runIn(t, "", nil, args...)
			golden(t, in+".golden", transcript(args, r))
			if r.code != 0 && r.code != 1 {
				t.Errorf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

// TestJSONReportSchema: what validate --format json writes is valid under
// schema/validate_report.schema.json, for every dump of the corpus, an
// unreadable path and an other schema; and the schema lists every rule.
func TestJSONReportSchema(t *testing.T) {
	t.Chdir(repoRoot)
	c := jsonschema.NewCompiler()
	report, err := c.Compile(filepath.Join("schema", "validate_report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	runs := [][]string{
		{"validate", "--format", "json", "--max-findings", "0", "testdata/dumps"},
		{"validate", "--format", "json", "testdata/dumps/valid/skulk-example.ndjson", "testdata/dumps/no-such-file.ndjson"},
		{"validate", "--format", "json", "--schema", "schema/cluster_timeline_entry.schema.json", "testdata/dumps/invalid/rules.ndjson"},
	}
	for _, args := range runs {
		r := runIn(t, "", nil, args...)
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
	data, _ := os.ReadFile(filepath.Join("schema", "validate_report.schema.json"))
	json.Unmarshal(data, &s)
	var ids []string
	for _, r := range rule.All {
		ids = append(ids, r.Name)
	}
	if got := s.Defs.Finding.Properties.Rule.Enum; !slices.Equal(got, ids) {
		t.Errorf("the report schema's rules\n %q\nare not rule.All\n %q", got, ids)
	}
}

// TestUnreadable: a path that cannot be read is exit 2 with a one-line
// message, and the other paths are still checked. The faults are ones
// root meets too: a path through a file, and a socket where a dump is
// expected.
func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	ok, _ := filepath.Abs(filepath.Join(repoRoot, "testdata", "dumps", "valid", "skulk-example.ndjson"))
	file := filepath.Join(dir, "file.ndjson")
	writeTree(t, dir, map[string]string{"file.ndjson": "{}\n"})
	cases := []struct {
		path, want string
	}{
		{filepath.Join(file, "x.ndjson"), "not a directory"},
		{filepath.Join(dir, "missing.ndjson"), "no such file or directory"},
	}
	if sock, err := listenUnix(t, filepath.Join(dir, "socket.ndjson")); err == nil {
		cases = append(cases, struct{ path, want string }{sock, "no such device or address"})
	}
	for _, c := range cases {
		r := runIn(t, "", nil, "validate", c.path, ok)
		if r.code != 2 || !strings.Contains(r.stderr, c.path+": "+c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q", c.path, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "4 entries in 1 file") || !strings.Contains(r.stdout, "1 path could not be read") {
			t.Errorf("%s: the readable path was not checked: %s", c.path, r.stdout)
		}
	}
}

// listenUnix makes a Unix socket at path, which open(2) refuses even to
// root.
func listenUnix(t *testing.T, path string) (string, error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return "", err
	}
	t.Cleanup(func() { l.Close() })
	return path, nil
}

// failingFS is an fs.FS whose directory bad cannot be read.
type failingFS struct {
	fstest.MapFS
	bad string
}

func (f failingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == f.bad {
		return nil, &fs.PathError{Op: "readdirent", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.ReadDir(name)
}

// TestWalkDumps: a directory that cannot be read is reported and the walk
// goes on with the rest, instead of dropping every file of the argument.
func TestWalkDumps(t *testing.T) {
	fsys := failingFS{MapFS: fstest.MapFS{
		"a.ndjson":            {},
		"locked/b.ndjson":     {},
		"more/c.json.gz":      {},
		"more/notes.txt":      {},
		".hidden/d.ndjson":    {},
		"z/dir.ndjson/e.json": {},
	}, bad: "locked"}
	var found, bad []string
	walkDumps(fsys, func(name string, err error) {
		if err != nil {
			if !errors.Is(err, fs.ErrPermission) {
				t.Errorf("%s: %v", name, err)
			}
			bad = append(bad, name)
			return
		}
		found = append(found, name)
	})
	if want := []string{"a.ndjson", "more/c.json.gz", "z/dir.ndjson/e.json"}; !slices.Equal(found, want) {
		t.Errorf("found %q, want %q", found, want)
	}
	if !slices.Equal(bad, []string{"locked"}) {
		t.Errorf("unreadable %q, want [locked]", bad)
	}
}

// TestValidateUnreadableSubdirectory: as TestWalkDumps through the
// command, where permissions apply (not as root).
func TestValidateUnreadableSubdirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory; TestWalkDumps injects the fault instead")
	}
	dir := t.TempDir()
	dump, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "dumps", "valid", "skulk-example.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"a.ndjson": string(dump), "locked/b.ndjson": string(dump)})
	locked := filepath.Join(dir, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	r := runIn(t, "", nil, "validate", dir)
	if r.code != 2 || !strings.Contains(r.stderr, locked+": permission denied") || !strings.Contains(r.stdout, "4 entries in 1 file") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
