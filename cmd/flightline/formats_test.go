package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// formatRuns are the command lines each CI format is tested on: dumps
// with every kind of finding, a clean one and a path that cannot be read;
// schema changes of each class and a schema that cannot be read.
var formatRuns = []struct {
	name string
	args []string
}{
	{"validate", []string{"validate", "testdata/dumps/invalid/rules.ndjson", "testdata/dumps/valid/node.json",
		"testdata/dumps/invalid/timestamp-offset.ndjson", "testdata/dumps/no-such-file.ndjson"}},
	{"validate-strict", []string{"validate", "--strict", "--max-findings", "3", "testdata/dumps/invalid/rules.ndjson",
		"testdata/dumps/invalid/timestamp-offset.ndjson"}},
	{"diff", []string{"diff", "testdata/diff/old.schema.json", "testdata/diff/breaking.schema.json"}},
	{"diff-forward", []string{"diff", "--forward", "testdata/diff/old.schema.json", "testdata/diff/forward.schema.json"}},
	{"diff-unreadable", []string{"diff", "testdata/diff/old.schema.json", "testdata/diff/invalid.schema.json"}},
}

// runFormat runs a formatRun with --format format, from the top of the
// repository.
func runFormat(t *testing.T, args []string, format string) result {
	t.Helper()
	return runIn(t, "", nil, append([]string{args[0], "--format", format}, args[1:]...)...)
}

// TestFormatGoldens compares each CI format of each run with its golden
// file (testdata/formats; -update rewrites them), and checks that the exit
// status does not depend on the format.
func TestFormatGoldens(t *testing.T) {
	t.Chdir(repoRoot)
	for _, run := range formatRuns {
		want := runFormat(t, run.args, "text").code
		for _, format := range []string{"github", "sarif", "junit", "markdown"} {
			t.Run(run.name+"/"+format, func(t *testing.T) {
				r := runFormat(t, run.args, format)
				if r.code != want {
					t.Errorf("exit %d, %d with --format text", r.code, want)
				}
				golden(t, filepath.Join("cmd", "flightline", "testdata", "formats", run.name+"."+format+".golden"), r.stdout)
			})
		}
	}
}

// TestSARIFSchema: what validate and diff write with --format sarif is
// valid under the official SARIF 2.1.0 schema (testdata/sarif), with one
// result per finding or change.
func TestSARIFSchema(t *testing.T) {
	t.Chdir(repoRoot)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	s, err := c.Compile(filepath.Join("testdata", "sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	runs := append(formatRuns, struct {
		name string
		args []string
	}{"every dump", []string{"validate", "--max-findings", "0", "testdata/dumps"}})
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			r := runFormat(t, run.args, "sarif")
			var doc any
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			if err := s.Validate(doc); err != nil {
				t.Fatalf("not valid SARIF 2.1.0: %#v", err)
			}
			var log struct {
				Runs []struct {
					Results []struct {
						RuleID    string `json:"ruleId"`
						RuleIndex int    `json:"ruleIndex"`
					} `json:"results"`
					Tool struct {
						Driver struct{ Rules []struct{ ID string } } `json:"driver"`
					} `json:"tool"`
					Invocations []struct {
						ExecutionSuccessful bool `json:"executionSuccessful"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			json.Unmarshal([]byte(r.stdout), &log)
			run0 := log.Runs[0]
			text := runFormat(t, run.args, "text")
			if lines := len(lines(text.stdout)) - summaryLines(text.stdout); len(run0.Results) != lines {
				t.Errorf("%d results, %d lines of findings or changes in the text output", len(run0.Results), lines)
			}
			for _, res := range run0.Results {
				if rules := run0.Tool.Driver.Rules; res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
					t.Errorf("result of rule %s points at rule %d", res.RuleID, res.RuleIndex)
				}
			}
			if ok := run0.Invocations[0].ExecutionSuccessful; ok != (text.code != exitUsage) {
				t.Errorf("executionSuccessful %v, exit status %d", ok, text.code)
			}
		})
	}
}

// summaryLines counts the summary lines of a text output (validate's, or
// each comparison's of diff).
func summaryLines(out string) int {
	n := 0
	for _, l := range lines(out) {
		if strings.Contains(l, " in ") && strings.Contains(l, " errors,") || strings.Contains(l, ".json -> ") && !strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "(root)") || l == "" {
			n++
		}
	}
	return n
}

// TestJUnitXML: validate --format junit has a test case per dump file (and
// per path that cannot be read), failed when it has errors; diff one per
// comparison. encoding/xml reads it, and the counts add up.
func TestJUnitXML(t *testing.T) {
	t.Chdir(repoRoot)
	type problem struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name    string   `xml:"name,attr"`
		Failure *problem `xml:"failure"`
		Error   *problem `xml:"error"`
		Skipped *problem `xml:"skipped"`
	}
	type suite struct {
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []suite  `xml:"testsuite"`
	}
	r := runFormat(t, formatRuns[0].args, "junit")
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, c := range doc.Suites[0].Cases {
		switch {
		case c.Failure != nil:
			got[c.Name] = "failure: " + c.Failure.Message
			if !strings.Contains(c.Failure.Text, c.Name+":2: error schema: /phase:") && strings.HasSuffix(c.Name, "rules.ndjson") {
				t.Errorf("the failure does not list the findings:\n%s", c.Failure.Text)
			}
		case c.Error != nil:
			got[c.Name] = "error: " + c.Error.Message
		default:
			got[c.Name] = "passed"
		}
	}
	want := map[string]string{
		"testdata/dumps/invalid/rules.ndjson":            "failure: 7 errors, 4 warnings in 6 entries",
		"testdata/dumps/valid/node.json":                 "passed",
		"testdata/dumps/invalid/timestamp-offset.ndjson": "passed",
		"testdata/dumps/no-such-file.ndjson":             "error: testdata/dumps/no-such-file.ndjson: no such file or directory",
	}
	if !mapsEqual(got, want) {
		t.Errorf("test cases %q, want %q", got, want)
	}
	if s := doc.Suites[0]; doc.Tests != 4 || doc.Failures != 1 || doc.Errors != 1 || s.Tests != 4 || s.Failures != 1 || s.Errors != 1 {
		t.Errorf("counts: %d tests, %d failures, %d errors", doc.Tests, doc.Failures, doc.Errors)
	}

	for _, run := range formatRuns[2:] {
		doc.Suites = nil
		r := runFormat(t, run.args, "junit")
		if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%s: not XML: %v", run.name, err)
		}
		cases := doc.Suites[0].Cases
		if len(cases) != 1 || cases[0].Name != run.args[len(run.args)-2]+" -> "+run.args[len(run.args)-1] {
			t.Fatalf("%s: test cases %+v, want one per comparison", run.name, cases)
		}
		if failed := cases[0].Failure != nil || cases[0].Error != nil; failed != (r.code != exitOK) {
			t.Errorf("%s: failed %v, exit status %d", run.name, failed, r.code)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestMarkdown: --format markdown renders (with goldmark, GitHub's table
// extension) to a table with a row per dump file or comparison, and text
// from the inputs stays text: a path with | and HTML in it neither splits
// a cell nor becomes markup.
func TestMarkdown(t *testing.T) {
	t.Chdir(t.TempDir())
	hostile := "a|b <b>bold *x* `y` [z](e) &amp;.ndjson"
	if err := os.WriteFile(hostile, []byte(`{"at":"yesterday"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runIn(t, "", nil, "validate", "--format", "markdown", hostile, "missing.ndjson")
	html := render(t, r.stdout)
	if !strings.Contains(html, "<table>") || !strings.Contains(html, "<th>dump</th>") {
		t.Fatalf("no table of dumps:\n%s", html)
	}
	rows := strings.Count(html[:strings.Index(html, "</table>")], "<tr>") - 1
	if rows != 2 {
		t.Errorf("%d rows, want one per path:\n%s", rows, html)
	}
	if strings.Contains(html, "<b>") || strings.Contains(html, "<em>") || strings.Contains(html, "<a ") || strings.Contains(html, "<code>") {
		t.Errorf("text of a path became markup:\n%s", html)
	}
	if !strings.Contains(html, "<td>a|b &lt;b&gt;bold *x* `y` [z](e) &amp;amp;.ndjson</td>") {
		t.Errorf("the path is not one cell, as written:\n%s", html)
	}

	t.Chdir(absRoot)
	for _, run := range formatRuns[2:] {
		html := render(t, runFormat(t, run.args, "markdown").stdout)
		if !strings.Contains(html, "<th>old</th>") || strings.Count(html[:strings.Index(html, "</table>")], "<tr>") != 2 {
			t.Errorf("%s: no table with one comparison:\n%s", run.name, html)
		}
	}
}

func render(t *testing.T, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.Table)).Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestStepSummary: with GITHUB_STEP_SUMMARY set, validate, diff, explain
// and report append a Markdown summary to the file; one that cannot be
// written is an ::error workflow command, and exit status 2.
func TestStepSummary(t *testing.T) {
	t.Chdir(repoRoot)
	file := filepath.Join(t.TempDir(), "summary.md")
	withSummary := func(path string) func(e *env) {
		return func(e *env) {
			e.getenv = func(k string) string {
				if k == stepSummaryVar {
					return path
				}
				return ""
			}
		}
	}
	report := filepath.Join(t.TempDir(), "hang.html")
	runs := []struct {
		args []string
		code int
		head string
	}{
		{[]string{"validate", "testdata/dumps/valid/node.json"}, 0, "### flightline validate passes"},
		{[]string{"diff", "testdata/diff/old.schema.json", "testdata/diff/breaking.schema.json"}, 1, "### flightline diff fails"},
		{[]string{"explain", "testdata/sample/stuck-barrier.ndjson"}, 1, "### flightline explain: 1 suspect"},
		{[]string{"report", "-q", "-o", report, "testdata/sample/stuck-barrier.ndjson"}, 0, "### flightline report: 1 suspect"},
	}
	for _, run := range runs {
		before, _ := os.ReadFile(file)
		r := runIn(t, "", withSummary(file), run.args...)
		if r.code != run.code {
			t.Errorf("%s: exit %d, want %d: %s", run.args[0], r.code, run.code, r.stderr)
		}
		after, _ := os.ReadFile(file)
		added := strings.TrimPrefix(string(after), string(before))
		if !strings.HasPrefix(added, run.head+"\n") || len(after) <= len(before) {
			t.Errorf("%s: appended %q, want a summary headed %q", run.args[0], added, run.head)
		}
		if !strings.Contains(render(t, added), "<table>") {
			t.Errorf("%s: the summary has no table:\n%s", run.args[0], added)
		}
	}
	r := runIn(t, "", withSummary(t.TempDir()), "validate", "testdata/dumps/valid/node.json")
	if r.code != exitUsage || !strings.HasPrefix(r.stderr, "::error title=flightline validate::validate: GITHUB_STEP_SUMMARY: cannot append the summary: ") {
		t.Errorf("a directory as the summary: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestGitHubUnreadable: with --format github, a path that cannot be read
// is an ::error workflow command too, for validate and explain.
func TestGitHubUnreadable(t *testing.T) {
	t.Chdir(repoRoot)
	for _, args := range [][]string{
		{"validate", "--format", "github", "testdata/dumps/valid/node.json", "missing.ndjson"},
		{"explain", "--format", "github", "missing.ndjson"},
	} {
		r := runIn(t, "", nil, args...)
		want := "::error file=missing.ndjson,title=flightline " + args[0] + "::missing.ndjson: no such file or directory\n"
		if r.code != exitUsage || !strings.Contains(r.stdout, want) {
			t.Errorf("%s: exit %d, stdout %q, want %q", args[0], r.code, r.stdout, want)
		}
	}
	r := runIn(t, "", nil, "explain", "--format", "github", "testdata/sample/stuck-barrier.ndjson")
	if r.code != exitFindings || !strings.HasPrefix(r.stdout, "::error file=testdata/sample/stuck-barrier.ndjson,line=387,title=flightline explain behind-peer::rank 1 of task task-9 (node node-c, runner runner-1-1) holds the others up: ") ||
		!strings.HasSuffix(r.stdout, "verdict: 1 suspect\n") {
		t.Errorf("explain --format github: exit %d\n%s", r.code, r.stdout)
	}
}

// fullWriter takes n bytes, then fails every write as a full disk does.
type fullWriter struct{ n int }

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// TestStdoutFull: when standard output cannot be written, validate and diff
// say so in one line and exit 2, in every format, whether the first write
// fails or a later one.
func TestStdoutFull(t *testing.T) {
	t.Chdir(repoRoot)
	for _, run := range formatRuns {
		for _, format := range []string{"text", "json", "github", "sarif", "junit", "markdown"} {
			if runFormat(t, run.args, format).stdout == "" {
				continue // nothing to write (diff's text output of a schema it cannot read)
			}
			for _, room := range []int{0, 40} {
				r := runIn(t, "", func(e *env) { e.stdout = &fullWriter{room} }, append([]string{run.args[0], "--format", format}, run.args[1:]...)...)
				want := "flightline: " + run.args[0] + ": standard output: no space left on device\n"
				if r.code != exitUsage || !strings.HasSuffix(r.stderr, want) || strings.Count(r.stderr, want) != 1 {
					t.Errorf("%s --format %s, %d bytes of room: exit %d, stderr %q, want it to end in %q", run.name, format, room, r.code, r.stderr, want)
				}
			}
		}
	}
}
