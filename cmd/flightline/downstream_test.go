package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/gen"
)

// TestDownstream checks that flightline works the way a downstream module
// uses it: testdata/downstream is such a module (example.com/clusterops),
// with its own schema, the package flightline gen made from it, code that
// uses that package, and a go.mod that requires flightline and replaces it
// with this checkout. In a copy of it, with the generated code deleted,
// go generate ./... must recreate the committed files byte for byte, and
// the module must vet and pass its tests.
//
// When it fails because flightline's own dependencies changed, run
// go mod tidy in testdata/downstream; when it fails because the generator's
// output changed, regenerate the fixture with go generate ./... there.
func TestDownstream(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and a module: skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "testdata", "downstream")
	dir := filepath.Join(t.TempDir(), "clusterops")

	// Copy the module, keeping the committed generated files aside.
	committed := map[string][]byte{} // slash path -> content
	var directives []string          // the files that carry a go:generate line
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if isGenerated(path, data) {
			committed[filepath.ToSlash(rel)] = data
			if bytes.Contains(data, []byte("\n//go:generate ")) {
				directives = append(directives, rel)
			}
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(directives) == 0 {
		t.Fatalf("no generated file in %s carries a //go:generate line", src)
	}

	// Point the copy's replace directive at this checkout.
	modFile := filepath.Join(dir, "go.mod")
	mod, err := os.ReadFile(modFile)
	if err != nil {
		t.Fatal(err)
	}
	const replace = "replace github.com/flightline-dev/flightline => ../..\n"
	if !bytes.Contains(mod, []byte(replace)) {
		t.Fatalf("testdata/downstream/go.mod lacks %q:\n%s", replace, mod)
	}
	mod = bytes.Replace(mod, []byte(replace), []byte(fmt.Sprintf("replace github.com/flightline-dev/flightline => %q\n", root)), 1)
	if err := os.WriteFile(modFile, mod, 0o644); err != nil {
		t.Fatal(err)
	}

	// Delete the generated code. The file that carries the go:generate line
	// is cut down to its header, package clause and directive, so that
	// generation has to recreate every file (and may replace this one).
	for rel, data := range committed {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if !slices.Contains(directives, filepath.FromSlash(rel)) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var stub []string
		for line := range strings.Lines(string(data)) {
			if strings.HasPrefix(line, "// "+gen.Header) || strings.HasPrefix(line, "package ") || strings.HasPrefix(line, "//go:generate ") {
				stub = append(stub, line)
			}
		}
		if err := os.WriteFile(path, []byte(strings.Join(stub, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// GOWORK=off: a go.work in the environment must not pull the copy into
	// another workspace. The rest of the environment (module cache, GOPROXY,
	// GOFLAGS) is inherited; the committed go.sum must be complete.
	// (go mod tidy -diff would also check that go.mod is tidy, but it loads
	// the tests of the generator's dependencies, whose modules an offline
	// module cache filled by building flightline does not hold.)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in the copy of testdata/downstream: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("generate", "./...")

	// Every generated file must be the committed one, byte for byte.
	var problems []string
	generated := map[string]bool{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !isGenerated(path, data) {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		generated[rel] = true
		if want, ok := committed[rel]; !ok {
			problems = append(problems, rel+": generated, but not committed")
		} else if !bytes.Equal(data, want) {
			problems = append(problems, rel+": differs from the committed file: "+firstDiff(want, data))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range committed {
		if !generated[rel] {
			problems = append(problems, rel+": committed, but not generated")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("go generate ./... does not reproduce the committed code of testdata/downstream (regenerate it there):\n\t%s",
			strings.Join(problems, "\n\t"))
	}

	run("vet", "./...")
	run("test", "./...")

	// The generated package must depend on nothing but the standard library.
	for _, rel := range directives {
		pkg := "./" + filepath.ToSlash(filepath.Dir(rel))
		out := run("list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg)
		self := strings.TrimSpace(run("list", pkg))
		for _, dep := range strings.Fields(out) {
			if dep != self {
				t.Errorf("generated package %s depends on %s, which is not in the standard library", self, dep)
			}
		}
	}
}

// isGenerated reports whether the file at path, with content data, is Go code
// flightline gen wrote.
func isGenerated(path string, data []byte) bool {
	return strings.HasSuffix(path, ".go") && bytes.HasPrefix(data, []byte("// "+gen.Header+"\n"))
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d: generated %q, committed %q", i+1, gl, wl)
		}
	}
	return "same lines, different bytes"
}
