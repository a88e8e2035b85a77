package gen_test

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/testdata/shared"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func generate(t *testing.T, m *schema.Model, pkg string) []gen.File {
	t.Helper()
	files, err := gen.Generate(m, gen.Config{Package: pkg})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden compares the generated code for the test schemas with golden
// files (run go test ./gen -update to rewrite them), then compiles it and
// runs the behaviour test kept beside the golden files, in a module of its
// own: generated code must build with nothing but the standard library.
func TestGolden(t *testing.T) {
	for _, name := range []string{"kitchensink"} {
		t.Run(name, func(t *testing.T) {
			m, err := schema.LoadJSONSchema(nil, filepath.Join("..", "testdata", "codegen", name+".schema.json"))
			if err != nil {
				t.Fatal(err)
			}
			files := generate(t, m, name)
			dir := filepath.Join("..", "testdata", "codegen", name)
			for _, f := range files {
				if strings.HasPrefix(f.Name, "runtime_") {
					continue // a copy of gen/internal/jsonrt, tested there
				}
				golden := filepath.Join(dir, f.Name+".golden")
				if *update {
					if err := os.WriteFile(golden, f.Content, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./gen -update)", err)
				}
				if !bytes.Equal(f.Content, want) {
					t.Errorf("%s differs from %s (run go test ./gen -update and review the diff)", f.Name, golden)
				}
			}
			if testing.Short() {
				t.Skip("skipping the compile and behaviour test in short mode")
			}
			mod := t.TempDir()
			if err := gen.WriteDir(mod, files, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/"+name+"\n\ngo 1.25\n"), 0o644)
			tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
			for _, tf := range tests {
				data, err := os.ReadFile(tf)
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(mod, filepath.Base(tf)), data, 0o644)
			}
			for _, args := range [][]string{{"vet", "./..."}, {"test", "./..."}} {
				cmd := exec.Command("go", args...)
				cmd.Dir = mod
				cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go %s in the generated package: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
		})
	}
}

// TestOpenAPIMatchesJSONSchema: the OpenAPI document FastAPI publishes for
// the same schema generates byte-identical code.
func TestOpenAPIMatchesJSONSchema(t *testing.T) {
	fromJSON, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	fromOpenAPI, err := schema.LoadOpenAPI(filepath.Join("..", "testdata", "openapi", "skulk.openapi.json"),
		"ClusterTimelineEntry", "RunnerFlightRecorderEntry", "ClusterTimeline", "NodeDiagnostics", "ClusterDiagnostics", "DiagnosticCaptureResponse")
	if err != nil {
		t.Fatal(err)
	}
	a, b := generate(t, fromJSON, "timeline"), generate(t, fromOpenAPI, "timeline")
	if len(a) != len(b) {
		t.Fatalf("%d files from JSON Schema, %d from OpenAPI", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Content, b[i].Content) {
			t.Errorf("%s differs between JSON Schema and OpenAPI", a[i].Name)
		}
	}
}

// TestDeterministic generates the same package several times from fresh
// loads: map order or anything else random must not leak into the output.
func TestDeterministic(t *testing.T) {
	var first []gen.File
	for i := range 5 {
		m, err := schema.LoadBuiltin()
		if err != nil {
			t.Fatal(err)
		}
		files := generate(t, m, "timeline")
		if i == 0 {
			first = files
			continue
		}
		for j := range files {
			if !bytes.Equal(files[j].Content, first[j].Content) {
				t.Fatalf("run %d: %s differs", i, files[j].Name)
			}
		}
	}
	for _, f := range first {
		if !bytes.HasPrefix(f.Content, []byte("// "+gen.Header+"\n")) {
			t.Errorf("%s does not start with the generated-code header", f.Name)
		}
	}
}

// TestBuiltinIsUpToDate is make check-generated as a test: the committed
// package is what the generator makes of the built-in schema.
func TestBuiltinIsUpToDate(t *testing.T) {
	m, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Generate(m, gen.Config{Package: "timeline",
		GoGenerate: "go run github.com/flightline-dev/flightline/cmd/flightline gen --package timeline --out . --go-generate"})
	if err != nil {
		t.Fatal(err)
	}
	stale, err := gen.Stale(filepath.Join("..", "generated", "timeline"), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("generated/timeline is stale (run make generate): %v", stale)
	}
}

func TestGenerateRejectsBadPackageName(t *testing.T) {
	m, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Generate(m, gen.Config{Package: "not-a-name"}); err == nil {
		t.Error("want an error for a package name that is not an identifier")
	}
}

// TestRuntimeIsUpToDate: the committed generated/jsonrt is what the
// generator writes of its runtime.
func TestRuntimeIsUpToDate(t *testing.T) {
	files, err := gen.Runtime(gen.RuntimeConfig{Package: "jsonrt",
		GoGenerate: "go run github.com/flightline-dev/flightline/cmd/flightline gen --runtime --package jsonrt --out . --go-generate"})
	if err != nil {
		t.Fatal(err)
	}
	stale, err := gen.Stale(filepath.Join("..", "generated", "jsonrt"), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("generated/jsonrt is stale (run make generate): %v", stale)
	}
}

// TestRuntimeAPI: the runtime copied into a generated package exports its
// types and nothing else (its helpers are for flightline's tools, in
// generated/jsonrt, where they are exported).
func TestRuntimeAPI(t *testing.T) {
	m, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	api := map[string]bool{"Violation": true, "ValidationError": true, "MergeError": true, "Keyword": true,
		"Int": true, "IntOf": true, "ParseInt": true, "DateTime": true, "DateTimeOf": true, "Members": true, "Member": true}
	exported := func(files []gen.File, prefix string) map[string]bool {
		names := map[string]bool{}
		for _, f := range files {
			if !strings.HasPrefix(f.Name, prefix) || f.Name == "doc_gen.go" {
				continue
			}
			pf, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Content, 0)
			if err != nil {
				t.Fatal(err)
			}
			for name, obj := range pf.Scope.Objects {
				if ast.IsExported(name) && obj.Kind != ast.Bad {
					names[name] = true
				}
			}
		}
		return names
	}
	for name := range exported(generate(t, m, "timeline"), "runtime_") {
		if !api[name] && !strings.HasPrefix(name, "Keyword") {
			t.Errorf("a generated package exports the runtime's %s", name)
		}
	}
	files, err := gen.Runtime(gen.RuntimeConfig{Package: "jsonrt"})
	if err != nil {
		t.Fatal(err)
	}
	tools := exported(files, "")
	for _, name := range []string{"ParseTimestamp", "Timestamp", "TimeKey", "MakeTimeKey", "ParseInteger", "MaxDepth", "Int", "DateTime", "Violation"} {
		if !tools[name] {
			t.Errorf("generated/jsonrt does not export %s", name)
		}
	}
}

// TestSkulkOverlay: Skulk's published OpenAPI document, which carries no
// x-flightline annotations, with the overlay flightline ships for it,
// generates the merge and lift helpers, and the timestamps as DateTimes.
func TestSkulkOverlay(t *testing.T) {
	overlay, err := schema.ReadOverlay(filepath.Join("..", "schema", "skulk_diagnostics.overlay.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(shared.Dir(t), "skulk", "diagnostics", "skulk-diagnostics.openapi.json")
	d, err := schema.ReadOpenAPI(doc, overlay)
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.Load("ClusterTimelineEntry", "RunnerFlightRecorderEntry", "ClusterTimeline", "NodeDiagnostics", "ClusterDiagnostics")
	if err != nil {
		t.Fatal(err)
	}
	if err := overlay.Unmatched(doc); err != nil {
		t.Error(err)
	}
	files := generate(t, m, "skulk")
	have := map[string]string{}
	for _, f := range files {
		have[f.Name] = string(f.Content)
	}
	for _, want := range []string{"func Merge(sources ...iter.Seq2[ClusterTimelineEntry, error])", "func Sort(s []ClusterTimelineEntry)"} {
		if !strings.Contains(have["merge_gen.go"], want) {
			t.Errorf("merge_gen.go lacks %s", want)
		}
	}
	if !strings.Contains(have["lift_gen.go"], "func LiftRunnerFlightRecorderEntry(x *RunnerFlightRecorderEntry) ClusterTimelineEntry") {
		t.Error("lift_gen.go lacks LiftRunnerFlightRecorderEntry")
	}
	if !strings.Contains(have["types_gen.go"], "At DateTime `json:\"at\"`") {
		t.Error("at is not a DateTime")
	}
	// Without the overlay, the same document asks for neither.
	plain, err := schema.LoadOpenAPI(doc, "ClusterTimelineEntry")
	if err != nil {
		t.Fatal(err)
	}
	if plain.Order != nil || len(plain.Lifts) > 0 {
		t.Error("Skulk's document has flightline's annotations of its own")
	}
}
