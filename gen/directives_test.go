package gen

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goGenerateLine is a //go:generate line running args. The prefix is built
// so that this file holds no such line itself: go generate, and flightline
// gen ./..., would otherwise find the ones the tests write.
func goGenerateLine(args string) string {
	return "//go:" + "generate " + args + "\n"
}

// writeTree writes files (slash path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseDirective(t *testing.T) {
	cases := []struct {
		line  string
		chdir string
		args  []string // nil: not a flightline gen directive
	}{
		{"flightline gen --out .", "", []string{"--out", "."}},
		{"go run github.com/flightline-dev/flightline/cmd/flightline gen", "", []string{}},
		{"go run -mod=mod github.com/flightline-dev/flightline/cmd/flightline@v0.3.0 gen --check", "", []string{"--check"}},
		{"go run -tags netgo -v ./cmd/flightline gen", "", []string{}},
		{"go run -C ../.. ./cmd/flightline gen --out x", filepath.Join("..", ".."), []string{"--out", "x"}},
		{"go tool flightline gen --package p", "", []string{"--package", "p"}},
		{"/usr/local/bin/flightline gen", "", []string{}},
		{"flightline.exe gen", "", []string{}},
		{"\tflightline\tgen  --schema \"a b.json\"\r\n", "", []string{"--schema", "a b.json"}},
		{"flightline validate x.json", "", nil},
		{"go run golang.org/x/tools/cmd/stringer -type T", "", nil},
		{"go run ./cmd/flightline-lint gen", "", nil},
		{"go generate ./...", "", nil},
		{"flightline", "", nil},
		{"", "", nil},
	}
	for _, c := range cases {
		chdir, args, ok, err := ParseDirective(c.line, map[string][]string{})
		if err != nil {
			t.Errorf("ParseDirective(%q): %v", c.line, err)
			continue
		}
		if ok != (c.args != nil) || (ok && (chdir != c.chdir || !slices.Equal(args, c.args))) {
			t.Errorf("ParseDirective(%q) = %q, %q, %v; want %q, %q", c.line, chdir, args, ok, c.chdir, c.args)
		}
	}

	// A -command alias is followed, within the aliases given.
	aliases := map[string][]string{}
	if _, _, ok, err := ParseDirective(" -command fl go run github.com/flightline-dev/flightline/cmd/flightline", aliases); ok || err != nil {
		t.Fatalf("the -command line: %v, %v", ok, err)
	}
	_, args, ok, err := ParseDirective(" fl gen --schema s.json --out .", aliases)
	if !ok || err != nil || !slices.Equal(args, []string{"--schema", "s.json", "--out", "."}) {
		t.Errorf("the aliased directive: %q, %v, %v", args, ok, err)
	}

	for bad, want := range map[string]string{
		` flightline gen "x"y`:         "no space after quoted argument",
		` flightline gen "x`:           "bad quoted string",
		` flightline gen --out $OUT`:   `"$OUT": flightline gen does not expand $ variables`,
		` flightline gen --out ${OUT}`: "does not expand $ variables",
	} {
		if _, _, _, err := ParseDirective(bad, aliases); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDirective(%q): %v, want %q", bad, err, want)
		}
	}
	// Another command's $ is not flightline's business.
	if _, _, ok, err := ParseDirective(" stringer -type $T", aliases); ok || err != nil {
		t.Errorf("another command with $: %v, %v", ok, err)
	}
}

func TestFindDirectives(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	broken := goGenerateLine("flightline gen --bogus \"x")
	writeTree(t, dir, map[string]string{
		"go.mod": "module example.com/m\n",
		"internal/tl/doc_gen.go": "package tl\n\n" + goGenerateLine("go run -C ../.. ./cmd/flightline gen --out internal/tl") +
			goGenerateLine("go run golang.org/x/tools/cmd/stringer -type T") + goGenerateLine("flightline gen --check"),
		"internal/tl/z.go":        "package tl\n\n" + goGenerateLine("go tool flightline gen --package z"),
		"internal/tl/ignored.go":  "//go:build ignore\n\npackage tl\n" + broken,
		"internal/tl/_hidden.go":  "package tl\n" + broken,
		"internal/tl/notes.txt":   broken,
		"testdata/tl/x.go":        "package x\n" + broken,
		"vendor/x/x.go":           "package x\n" + broken,
		".cache/x/x.go":           "package x\n" + broken,
		"_old/x/x.go":             "package x\n" + broken,
		"internal/other/other.go": "package other\n\n" + goGenerateLine("flightline validate x.json"),
	})
	found, errs := FindDirectives([]string{"./..."})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var got []string
	for _, d := range found {
		got = append(got, d.Pos()+" "+d.Dir+" "+strings.Join(d.Args, " "))
	}
	tl := filepath.Join("internal", "tl")
	want := []string{
		filepath.Join(tl, "doc_gen.go") + ":3 . --out internal/tl",
		filepath.Join(tl, "doc_gen.go") + ":5 " + tl + " --check",
		filepath.Join(tl, "z.go") + ":3 " + tl + " --package z",
	}
	if !slices.Equal(got, want) {
		t.Errorf("found\n%q\nwant\n%q", got, want)
	}

	// A left-out directory is read when named, and a broken directive is
	// an error naming its line.
	_, errs = FindDirectives([]string{"vendor/x"})
	var de *DirectiveError
	if len(errs) != 1 || !errors.As(errs[0], &de) || de.Line != 2 ||
		errs[0].Error() != filepath.Join("vendor", "x", "x.go")+`:2: bad quoted string "x` {
		t.Errorf("vendor/x: %v", errs)
	}

	for _, c := range []struct {
		patterns []string
		want     string
		sentinel error
	}{
		{[]string{"internal/other", "./internal/other/..."}, "no //go:generate directive running flightline gen in internal/other ./internal/other/...", ErrNoDirectives},
		{[]string{"nowhere/..."}, "nowhere: no such file or directory", os.ErrNotExist},
		{[]string{"go.mod"}, "go.mod is not a directory", nil},
		{[]string{"a/.../b"}, "a/.../b: ... may only end a pattern", nil},
	} {
		_, errs := FindDirectives(c.patterns)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want) || (c.sentinel != nil && !errors.Is(errs[0], c.sentinel)) {
			t.Errorf("FindDirectives(%q): %v, want %q", c.patterns, errs, c.want)
		}
	}
}

func TestPackageDirs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeTree(t, dir, map[string]string{"a/b/x.go": "", "a/testdata/y.go": "", "c/z.go": ""})
	got, err := PackageDirs([]string{"a/...", "c", "./a/b", "..."})
	want := []string{"a", filepath.Join("a", "b"), "c", "."}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("PackageDirs = %q, %v; want %q", got, err, want)
	}
}

func TestGoGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	got, err := GoGenerateCommand(filepath.Join(dir, "internal", "tl"), "tl",
		Source{Schemas: []string{filepath.Join(dir, "schema", "e.schema.json")}})
	want := "go run github.com/flightline-dev/flightline/cmd/flightline gen --schema ../../schema/e.schema.json --package tl --out . --go-generate"
	if err != nil || got != want {
		t.Errorf("GoGenerateCommand = %q, %v; want %q", got, err, want)
	}
	got, err = GoGenerateCommand(dir, "p", Source{OpenAPI: filepath.Join(dir, "api.json"), Components: []string{"A", "B"}})
	want = "go run github.com/flightline-dev/flightline/cmd/flightline gen --openapi api.json --component A --component B --package p --out . --go-generate"
	if err != nil || got != want {
		t.Errorf("GoGenerateCommand = %q, %v; want %q", got, err, want)
	}
	if _, err := GoGenerateCommand(dir, "p", Source{Schemas: []string{filepath.Join(dir, "a b.json")}}); err == nil ||
		!strings.Contains(err.Error(), "spaces or quotes") {
		t.Errorf("a path with a space: %v", err)
	}
}

// TestGoGenerateTool: a module that declares flightline as a tool runs it
// with go tool; another, with go run of its package.
func TestGoGenerateTool(t *testing.T) {
	for gomod, want := range map[string]string{
		"module m\n\ngo 1.25\n": "go run github.com/flightline-dev/flightline/cmd/flightline gen",
		"module m\n\ntool github.com/flightline-dev/flightline/cmd/flightline\n":                                                   "go tool flightline gen",
		"module m\n\ntool (\n\tgolang.org/x/tools/cmd/stringer\n\tgithub.com/flightline-dev/flightline/cmd/flightline // gen\n)\n": "go tool flightline gen",
		"module m\n\ntool golang.org/x/tools/cmd/stringer\n// tool github.com/flightline-dev/flightline/cmd/flightline\n":          "go run github.com/flightline-dev/flightline/cmd/flightline gen",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := GoGenerateCommand(filepath.Join(dir, "internal", "tl"), "tl", Source{Schemas: []string{filepath.Join(dir, "s.json")}})
		if err != nil || !strings.HasPrefix(got, want+" ") {
			t.Errorf("%q: got %q, %v; want it to start with %q", gomod, got, err, want)
		}
	}
}
