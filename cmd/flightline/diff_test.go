package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/schema/compat"
)

// diffCase is one run of flightline diff, recorded in a golden file under
// testdata/diff/cli.
type diffCase struct {
	name string
	dir  string // relative to the test's directory; "" for its root
	args []string
	code int
}

// runDiffCases runs each case in root and compares its transcript, with
// standard error, with the golden file. An exit 2 must come with a
// one-line message.
func runDiffCases(t *testing.T, root string, cases []diffCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"diff"}, c.args...)
			r := flightline(t, filepath.Join(root, c.dir), "", args...)
			out := transcript(args, r)
			if r.stderr != "" {
				out += "stderr: " + r.stderr
			}
			golden(t, "testdata/diff/cli/"+c.name+".golden", out)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, c.code, r.stdout, r.stderr)
			}
			if r.code == exitUsage && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("want a one-line error, got %q", r.stderr)
			}
		})
	}
}

// TestDiffCLI covers the output formats, flags and exit codes on the
// schema versions in testdata/diff.
func TestDiffCLI(t *testing.T) {
	const (
		old        = "testdata/diff/old.schema.json"
		breaking   = "testdata/diff/breaking.schema.json"
		forward    = "testdata/diff/forward.schema.json"
		compatible = "testdata/diff/compatible.schema.json"
		openapi    = "testdata/openapi/skulk.openapi.json"
	)
	runDiffCases(t, repoRoot, []diffCase{
		{"breaking", "", []string{old, breaking}, 1},
		{"breaking-json", "", []string{"--format", "json", old, breaking}, 1},
		{"allow-breaking", "", []string{"--allow-breaking", old, breaking}, 0},
		{"forward-warnings", "", []string{old, forward}, 0},
		{"forward-flag", "", []string{"--forward", old, forward}, 1},
		{"compatible", "", []string{"--forward", old, compatible}, 0},
		{"no-changes", "", []string{old, old}, 0},
		{"openapi", "", []string{"--component", "ClusterTimelineEntry", openapi, openapi}, 0},
		// The runner entry's lift names a type of the file it references.
		{"lift-across-files", "", []string{"schema/runner_flight_recorder_entry.schema.json", "schema/runner_flight_recorder_entry.schema.json"}, 0},
		{"missing-file", "", []string{old, "testdata/diff/no-such.schema.json"}, 2},
		{"invalid-json", "", []string{old, "testdata/diff/invalid.schema.json"}, 2},
		{"allow-breaking-invalid", "", []string{"--allow-breaking", "testdata/diff/invalid.schema.json", old}, 2},
		{"one-argument", "", []string{old}, 2},
		{"bad-format", "", []string{"--format", "xml", old, breaking}, 2},
		{"bad-git-spec", "", []string{"git:HEAD", old}, 2},
	})
}

// TestDiffJSON checks the JSON document: each change with its pointer,
// kind, directions, message and locations, and the summary.
func TestDiffJSON(t *testing.T) {
	r := flightline(t, repoRoot, "", "diff", "--format", "json", "testdata/diff/old.schema.json", "testdata/diff/breaking.schema.json")
	var doc struct {
		Comparisons []struct {
			Old, New string
			Changes  []compat.Change
			Summary  diffSummary
		}
		Summary diffSummary
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(doc.Comparisons) != 1 {
		t.Fatalf("%d comparisons, want 1", len(doc.Comparisons))
	}
	c := doc.Comparisons[0]
	if c.Old != "testdata/diff/old.schema.json" || c.New != "testdata/diff/breaking.schema.json" {
		t.Errorf("old %q, new %q", c.Old, c.New)
	}
	var phaseRemoved *compat.Change
	for i, ch := range c.Changes {
		if ch.Pointer == "/phase" && ch.Kind == compat.EnumValueRemoved {
			phaseRemoved = &c.Changes[i]
		}
	}
	switch {
	case phaseRemoved == nil:
		t.Fatalf("no enum-value-removed at /phase in %+v", c.Changes)
	case phaseRemoved.Breaks != compat.Backward:
		t.Errorf("breaks %v, want backward", phaseRemoved.Breaks)
	case phaseRemoved.OldLoc != "testdata/diff/old.schema.json#/properties/phase" ||
		phaseRemoved.NewLoc != "testdata/diff/breaking.schema.json#/properties/phase":
		t.Errorf("locations %q -> %q", phaseRemoved.OldLoc, phaseRemoved.NewLoc)
	}
	if s := c.Summary; s.Changes != len(c.Changes) || s.BackwardBreaking+s.ForwardBreaking+s.BothWays+s.Compatible != s.Changes {
		t.Errorf("summary %+v does not add up to %d changes", s, len(c.Changes))
	}
	if doc.Summary != c.Summary {
		t.Errorf("total %+v, want %+v", doc.Summary, c.Summary)
	}
}

// gitRun runs git in dir, failing the test on error.
func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=flightline", "-c", "user.email=test@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// copyFile copies a file of the repository into dir.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, from))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// timelineSchema references entry.schema.json beside it, so that a
// revision's version of it must be read from the same revision.
const timelineSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Timeline",
  "type": "object",
  "properties": {"timeline": {"type": "array", "items": {"$ref": "entry.schema.json"}}},
  "required": ["timeline"],
  "additionalProperties": false
}
`

// TestDiffGit compares versions read with git in a scratch repository: a
// committed schema (old) edited in the working tree (new), another schema
// that references it, and a schema that is new.
func TestDiffGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	copyFile(t, "testdata/diff/old.schema.json", filepath.Join(dir, "schema", "entry.schema.json"))
	if err := os.WriteFile(filepath.Join(dir, "schema", "timeline.schema.json"), []byte(timelineSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-q", "-m", "schemas")
	copyFile(t, "testdata/diff/forward.schema.json", filepath.Join(dir, "schema", "entry.schema.json"))
	copyFile(t, "testdata/diff/compatible.schema.json", filepath.Join(dir, "schema", "new.schema.json"))

	runDiffCases(t, dir, []diffCase{
		{"git-rev", "", []string{"--forward", "git:HEAD:schema/entry.schema.json", "schema/entry.schema.json"}, 1},
		{"git-references", "", []string{"git:HEAD:schema/timeline.schema.json", "schema/timeline.schema.json"}, 0},
		{"git-against", "", []string{"--against", "HEAD", "schema/entry.schema.json", "schema/new.schema.json", "schema/timeline.schema.json"}, 0},
		{"git-against-json", "", []string{"--against", "HEAD", "--format", "json", "--forward", "schema/new.schema.json", "schema/entry.schema.json"}, 1},
		{"git-subdirectory", "schema", []string{"--against", "HEAD", "entry.schema.json"}, 0},
		{"git-relative", "schema", []string{"--forward", "git:HEAD:./entry.schema.json", "entry.schema.json"}, 1},
		{"git-index-unstaged", "", []string{"git:HEAD:schema/entry.schema.json", "git::schema/entry.schema.json"}, 0},
		{"git-missing", "", []string{"git:HEAD:schema/new.schema.json", "schema/new.schema.json"}, 2},
		{"git-bad-revision", "", []string{"--against", "no-such-rev", "schema/entry.schema.json"}, 2},
	})

	// The staged version is git::PATH.
	gitRun(t, dir, "add", "schema/entry.schema.json")
	runDiffCases(t, dir, []diffCase{
		{"git-index", "", []string{"--forward", "git:HEAD:schema/entry.schema.json", "git::schema/entry.schema.json"}, 1},
	})
}

// TestDiffGitUnborn: before the first commit, every schema is new.
func TestDiffGitUnborn(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	copyFile(t, "testdata/diff/old.schema.json", filepath.Join(dir, "entry.schema.json"))
	r := flightline(t, dir, "", "diff", "--against", "HEAD", "entry.schema.json")
	if r.code != 0 || !strings.Contains(r.stdout, "entry.schema.json: new schema") || r.stderr != "" {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = flightline(t, t.TempDir(), "", "diff", "--against", "HEAD", "entry.schema.json")
	if r.code != 2 || !strings.Contains(r.stderr, "not a git repository") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("outside a repository: exit %d\n%s", r.code, r.stderr)
	}
}

// TestDiffCommandListed: flightline help names the diff command.
func TestDiffCommandListed(t *testing.T) {
	r := flightline(t, repoRoot, "", "help")
	if !slices.ContainsFunc(strings.Split(r.stdout, "\n"), func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "diff ") }) {
		t.Errorf("help does not list diff:\n%s", r.stdout)
	}
}
