package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/flightline-dev/flightline/"

// house is the README's layering: for each top folder, the folders of
// this module and the modules outside the standard library its code may
// import. Data flows one way: schema, gen, generated, validate, cmd.
var house = map[string]struct{ folders, modules []string }{
	"schema":    {[]string{"schema"}, []string{"github.com/getkin/kin-openapi", "github.com/santhosh-tekuri/jsonschema"}},
	"gen":       {[]string{"gen", "schema"}, []string{"github.com/dave/jennifer"}},
	"generated": {nil, nil},
	"validate":  {[]string{"validate", "generated", "schema"}, []string{"*"}},
}

// TestHouse: no product code imports against the flow of the house. Test
// files and test helpers (packages that import testing) may import more.
func TestHouse(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	for top, allowed := range house {
		pkgs := map[string][]string{} // dir -> imports of its non-test files
		helper := map[string]bool{}
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			dir := filepath.Dir(path)
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				pkgs[dir] = append(pkgs[dir], p)
				if p == "testing" {
					helper[dir] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for dir, imports := range pkgs {
			if helper[dir] {
				continue
			}
			checked++
			for _, p := range imports {
				if !importAllowed(p, allowed.folders, allowed.modules) {
					rel, _ := filepath.Rel(root, dir)
					t.Errorf("%s imports %s: %s/ may import %v of this module and %v", rel, p, top, allowed.folders, allowed.modules)
				}
			}
		}
	}
	if checked < 15 {
		t.Fatalf("only %d packages checked: the walk missed the house", checked)
	}
}

func importAllowed(p string, folders, modules []string) bool {
	if own, ok := strings.CutPrefix(p, module); ok {
		top, _, _ := strings.Cut(own, "/")
		return slices.Contains(folders, top)
	}
	first, _, _ := strings.Cut(p, "/")
	if !strings.Contains(first, ".") {
		return true // the standard library
	}
	for _, m := range modules {
		if m == "*" || p == m || strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}

// TestHouseCatchesAnArrowBackwards: the check itself refuses what the
// house forbids.
func TestHouseCatchesAnArrowBackwards(t *testing.T) {
	cases := []struct {
		top, imp string
		ok       bool
	}{
		{"schema", module + "gen", false},
		{"gen", module + "validate/dump", false},
		{"generated", module + "schema", false},
		{"generated", "github.com/dave/jennifer/jen", false},
		{"validate", module + "cmd/flightline", false},
		{"gen", module + "schema/compat", true},
		{"generated", "encoding/json", true},
		{"validate", module + "generated/timeline", true},
	}
	for _, c := range cases {
		a := house[c.top]
		if got := importAllowed(c.imp, a.folders, a.modules); got != c.ok {
			t.Errorf("%s importing %s: allowed %v, want %v", c.top, c.imp, got, c.ok)
		}
	}
}
