package gen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/testdata/shared"
)

// The official JSON Schema Test Suite, draft 2020-12: each group is a
// schema and instances with their verdicts. TestSuite generates a package
// for each schema flightline accepts, runs its Validator on every
// instance, and wants the suite's verdict on each. The table of what it
// accepted and passed, per keyword file, is kept in the README (go test
// ./gen -run TestSuite -update rewrites it).

type suiteGroup struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// suiteRow is what one keyword file gave.
type suiteRow struct {
	file                   string
	assertFormats          bool // generated with --assert-formats
	groups, accepted       int
	tests, checked, passed int
	refusals               map[string]int // why groups were refused
}

func TestSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the JSON Schema Test Suite in short mode")
	}
	dir := filepath.Join(shared.Dir(t), "json-schema-test-suite", "tests", "draft2020-12")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) < 40 {
		t.Fatalf("only %d files in %s", len(files), dir)
	}
	// The optional tests of the formats flightline checks, with
	// --assert-formats.
	var formats []string
	for _, f := range []string{"date-time", "date", "time", "duration", "uuid", "email", "uri", "ipv4", "ipv6"} {
		formats = append(formats, filepath.Join(dir, "optional", "format", f+".json"))
	}
	rows := runSuite(t, map[bool][]string{false: files, true: formats})
	var main, asserted []*suiteRow
	for _, r := range rows {
		if r.assertFormats {
			asserted = append(asserted, r)
		} else {
			main = append(main, r)
		}
	}
	checkReadmeSection(t, "suite", suiteTable(main, ""))
	checkReadmeSection(t, "suite-formats", suiteTable(asserted, "optional/format/"))
	if testing.Verbose() {
		for _, r := range rows {
			for why, n := range r.refusals {
				t.Logf("%s: %d refused: %s", r.file, n, why)
			}
		}
	}
}

// runSuite runs the suite's files, those of sets[true] generated with
// --assert-formats, and returns what each gave.
func runSuite(t *testing.T, sets map[bool][]string) []*suiteRow {
	mod := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(mod, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/suite\n\ngo 1.25\n")
	var rows []*suiteRow
	var imports, calls strings.Builder
	type instance struct {
		row   *suiteRow
		group string
		test  string
		valid bool
	}
	var instances []instance
	schemas := t.TempDir()
	for _, assert := range []bool{false, true} {
		for _, file := range sets[assert] {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var groups []suiteGroup
			if err := json.Unmarshal(data, &groups); err != nil {
				t.Fatal(err)
			}
			row := &suiteRow{file: filepath.Base(file), assertFormats: assert, refusals: map[string]int{}}
			rows = append(rows, row)
			for gi, g := range groups {
				row.groups++
				row.tests += len(g.Tests)
				pkg := fmt.Sprintf("p%d", len(rows)*1000+gi)
				if assert {
					pkg = fmt.Sprintf("f%d", len(rows)*1000+gi)
				}
				// The group's schema is the one property of an object, so that
				// a schema of any type can be generated, and referred to from a
				// file of its own, so that its references stay as written.
				gdir := filepath.Join(schemas, pkg)
				os.MkdirAll(gdir, 0o755)
				os.WriteFile(filepath.Join(gdir, "s.json"), g.Schema, 0o644)
				os.WriteFile(filepath.Join(gdir, "w.json"), []byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "SuiteValue", `+
					`"type": "object", "properties": {"v": {"$ref": "s.json"}}, "required": ["v"], "additionalProperties": false}`), 0o644)
				m, err := schema.LoadJSONSchema(nil, filepath.Join(gdir, "w.json"))
				var out []gen.File
				if err == nil {
					out, err = gen.Generate(m, gen.Config{Package: pkg, AssertFormats: assert})
				}
				if err != nil {
					row.refusals[refusal(err)]++
					continue
				}
				row.accepted++
				if err := gen.WriteDir(filepath.Join(mod, pkg), out, gen.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&imports, "\t%q\n", "example.com/suite/"+pkg)
				for _, tc := range g.Tests {
					row.checked++
					fmt.Fprintf(&calls, "\tcheck(%s.ValidateSuiteValue, %q)\n", pkg, `{"v":`+string(tc.Data)+`}`)
					instances = append(instances, instance{row, g.Description, tc.Description, tc.Valid})
				}
			}
		}
	}
	write("main.go", "package main\n\nimport (\n\t\"fmt\"\n\n"+imports.String()+")\n\n"+
		"func check[V any](validate func([]byte) []V, doc string) { fmt.Println(len(validate([]byte(doc))) == 0) }\n\n"+
		"func main() {\n"+calls.String()+"}\n")
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	verdicts, err := cmd.Output()
	if err != nil {
		t.Fatalf("the generated validators do not build or run: %v\n%s", err, stderr.Bytes())
	}
	lines := strings.Fields(string(verdicts))
	if len(lines) != len(instances) {
		t.Fatalf("%d verdicts for %d instances", len(lines), len(instances))
	}
	wrong := 0
	for i, in := range instances {
		if got := lines[i] == "true"; got != in.valid {
			wrong++
			t.Errorf("%s: %s: %s: the Validator says valid %v, the suite %v", in.row.file, in.group, in.test, got, in.valid)
			continue
		}
		in.row.passed++
	}
	return rows
}

// refusal is the reason of a generation error, without its place.
func refusal(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.Contains(msg[:i], "#") {
		msg = msg[i+2:]
	}
	if i := strings.Index(msg, ": flightline gen understands"); i > 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, " (the other at"); i > 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// suiteTable is the README's table of the suite's results.
func suiteTable(rows []*suiteRow, prefix string) string {
	var b strings.Builder
	b.WriteString("| keyword file | groups | groups accepted | tests | tests accepted | passed |\n|---|---|---|---|---|---|\n")
	var total suiteRow
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s%s` | %d | %d | %d | %d | %d |\n", prefix, strings.TrimSuffix(r.file, ".json"), r.groups, r.accepted, r.tests, r.checked, r.passed)
		total.groups += r.groups
		total.accepted += r.accepted
		total.tests += r.tests
		total.checked += r.checked
		total.passed += r.passed
	}
	fmt.Fprintf(&b, "| all | %d | %d | %d | %d | %d |\n", total.groups, total.accepted, total.tests, total.checked, total.passed)
	return b.String()
}

// checkReadmeSection wants the README's text between the markers
// <!-- name --> and <!-- end name --> to be text; with -update it writes
// it there.
func checkReadmeSection(t *testing.T, name, text string) {
	t.Helper()
	readme := filepath.Join("..", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- "+name+" -->\n", "<!-- end "+name+" -->"
	i, j := bytes.Index(data, []byte(begin)), bytes.Index(data, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md has no %s section between %q and %q", name, begin, end)
	}
	i += len(begin)
	if string(data[i:j]) == text {
		return
	}
	if !*update {
		t.Errorf("README.md's %s table is stale (run go test ./gen -run TestSuite -update):\n%s", name, text)
		return
	}
	out := append(append(append([]byte(nil), data[:i]...), text...), data[j:]...)
	if err := os.WriteFile(readme, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
