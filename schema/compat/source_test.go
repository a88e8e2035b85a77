package compat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitIn runs git in dir, failing the test on error.
func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=flightline", "-c", "user.email=test@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// entrySchema is an entry schema with a phase enum; timelineSchema
// references it from the same directory.
const (
	entrySchema = `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Entry", "type": "object",
  "properties": {"phase": {"enum": ["idle", "warmup"]}}, "required": ["phase"], "additionalProperties": false}`
	timelineSchema = `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Timeline", "type": "object",
  "properties": {"timeline": {"type": "array", "items": {"$ref": "entry.schema.json"}}}, "additionalProperties": false}`
)

// gitRepo makes a repository with both schemas committed, then removes the
// warmup phase in the working tree, and makes it the current directory.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(dir, ".nogitconfig"))
	gitIn(t, dir, "init", "-q")
	writeFile(t, filepath.Join(dir, "schema", "entry.schema.json"), entrySchema)
	writeFile(t, filepath.Join(dir, "schema", "timeline.schema.json"), timelineSchema)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "schemas")
	writeFile(t, filepath.Join(dir, "schema", "entry.schema.json"), strings.Replace(entrySchema, `, "warmup"`, "", 1))
	return dir
}

func TestParseSource(t *testing.T) {
	dir := gitRepo(t)
	t.Chdir(filepath.Join(dir, "schema"))
	cases := []struct {
		arg  string
		want Source
		err  string
	}{
		{"x.json", Source{Path: "x.json"}, ""},
		{"git:HEAD:schema/entry.schema.json", Source{Git: true, Rev: "HEAD", Path: "schema/entry.schema.json"}, ""},
		{"git::a//b.json", Source{Git: true, Path: "a/b.json"}, ""},
		{"git:HEAD:./entry.schema.json", Source{Git: true, Rev: "HEAD", Path: "schema/entry.schema.json"}, ""},
		{"git:HEAD:../../x.json", Source{}, "outside the git work tree"},
		{"git:HEAD", Source{}, "want git:REV:PATH"},
		{"git:-x:a.json", Source{}, "want git:REV:PATH"},
	}
	for _, c := range cases {
		got, err := ParseSource(c.arg)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseSource(%q): %v, want %q", c.arg, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseSource(%q) = %+v, %v; want %+v", c.arg, got, err, c.want)
		}
	}
	if n := (Source{Git: true, Rev: "HEAD", Path: "a.json"}).Name(); n != "git:HEAD:a.json" {
		t.Errorf("Name = %q", n)
	}
}

// TestLoadGit: a revision's version of a schema is read with the files it
// references from the same revision, and its locations name the revision.
func TestLoadGit(t *testing.T) {
	gitRepo(t)
	old, err := ParseSource("git:HEAD:schema/timeline.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	oldM, oldLoc, err := old.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	newM, newLoc, err := Source{Path: "schema/timeline.schema.json"}.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	changes := Compare(oldM, newM)
	if len(changes) != 1 || changes[0].Kind != EnumValueRemoved || changes[0].Pointer != "/timeline/*/phase" {
		t.Fatalf("changes %+v", changes)
	}
	if l := oldLoc(changes[0].OldLoc); l != "git:HEAD:schema/entry.schema.json#/properties/phase" {
		t.Errorf("old location %q", l)
	}
	if l := newLoc(changes[0].NewLoc); l != "schema/entry.schema.json#/properties/phase" {
		t.Errorf("new location %q", l)
	}

	for _, c := range []struct {
		src  Source
		want string
	}{
		{Source{Git: true, Rev: "HEAD", Path: "schema/none.json"}, "git:HEAD:schema/none.json: git show HEAD:schema/none.json: fatal:"},
		{Source{Path: "schema/none.json"}, "schema/none.json: no such file or directory"},
	} {
		if _, _, err := c.src.Load(nil); err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Load(%+v): %v, want one line starting %q", c.src, err, c.want)
		}
	}
}

func TestAgainst(t *testing.T) {
	dir := gitRepo(t)
	writeFile(t, filepath.Join(dir, "schema", "new.schema.json"), entrySchema)
	pairs, err := Against("HEAD", []string{"schema/entry.schema.json", filepath.Join(dir, "schema", "new.schema.json")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 2 || pairs[0].Old.Name() != "git:HEAD:schema/entry.schema.json" || pairs[0].New.Name() != "schema/entry.schema.json" ||
		pairs[0].Note != "" || pairs[1].Note != "new schema: not in HEAD; nothing to compare" {
		t.Errorf("pairs %+v", pairs)
	}
	for rev, want := range map[string]string{"no-such": "--against no-such: no such commit", "-x": "not a revision"} {
		if _, err := Against(rev, []string{"schema/entry.schema.json"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Against(%q): %v, want %q", rev, err, want)
		}
	}
	if _, err := Against("HEAD", nil); err == nil {
		t.Error("Against without paths: no error")
	}

	unborn := t.TempDir()
	t.Chdir(unborn)
	gitIn(t, unborn, "init", "-q")
	pairs, err = Against("HEAD", []string{"a.schema.json"})
	if err != nil || len(pairs) != 1 || !strings.Contains(pairs[0].Note, "has no commits yet") {
		t.Errorf("unborn: %+v, %v", pairs, err)
	}
}

// TestFirstRoot: the runner entry's lift names a type of the file it
// references; loading it alone keeps its own root, and what it reaches.
func TestFirstRoot(t *testing.T) {
	m, _, err := Source{Path: filepath.Join("..", "runner_flight_recorder_entry.schema.json")}.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Roots) != 1 || m.Roots[0].Name != "RunnerFlightRecorderEntry" || len(m.Lifts) != 1 {
		t.Errorf("roots %d (%s), lifts %d", len(m.Roots), m.Roots[0].Name, len(m.Lifts))
	}
	if changes := Compare(m, m); len(changes) != 0 {
		t.Errorf("changes comparing a model with itself: %+v", changes)
	}
}
