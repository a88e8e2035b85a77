package gen

import (
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/flightline-dev/flightline/gen/ir"
)

// The runtime is the Go source in internal/jsonrt, written as a package
// whose exported names are what flightline's own tools use (as the
// package generated/jsonrt). Copied into a generated package it exports
// only the names in runtimeAPI: the others start with a lower-case letter
// there (MakeTimeKey becomes makeTimeKey), so that they do not become part
// of the API of the user's package.

//go:embed internal/jsonrt/*.go
var runtimeFS embed.FS

// runtimeAPI are the runtime's exported names that stay exported in a
// generated package: the types its API uses, and their constructors.
var runtimeAPI = map[string]bool{
	"Violation": true, "ValidationError": true, "MergeError": true,
	"Keyword": true, "KeywordSyntax": true, "KeywordDuplicate": true, "KeywordType": true, "KeywordRequired": true,
	"KeywordAdditionalProperties": true, "KeywordEnum": true, "KeywordAnyOf": true, "KeywordRange": true,
	"KeywordTruncated": true, "KeywordTrailing": true,
	"Int": true, "IntOf": true, "ParseInt": true, "Members": true, "Member": true,
	"DateTime": true, "DateTimeOf": true,
}

// rt returns the name that the runtime's top-level name has in a
// generated package.
func rt(name string) string {
	if runtimeAPI[name] || strings.HasPrefix(name, "Keyword") || !ast.IsExported(name) {
		return name
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[size:]
}

// runtimeFiles lists the runtime files a package needs.
func (g *generator) runtimeFiles() []string {
	files := []string{"encode.go", "keys.go", "number.go", "scan.go", "skip.go", "text.go", "violation.go"}
	if g.p.Uses(ir.IsKind(ir.Int)) {
		files = append(files, "int.go")
	}
	dates := g.p.Uses(ir.IsKind(ir.DateTime))
	if dates {
		files = append(files, "datetime.go")
	}
	if g.p.Order != nil || dates || g.usesCheck(ir.CheckFormat) {
		files = append(files, "timestamp.go")
	}
	if g.p.Order != nil {
		files = append(files, "merge.go")
	}
	if g.p.Uses(ir.IsKind(ir.Map)) || slices.ContainsFunc(g.p.Types, func(t *ir.Type) bool { return t.Extra != nil }) {
		files = append(files, "members.go")
	}
	if g.usesCheck(ir.CheckNumber, ir.CheckLength, ir.CheckItems, ir.CheckProperties) {
		files = append(files, "checks.go")
	}
	if g.usesCheck(ir.CheckValues, ir.CheckUnique) {
		files = append(files, "canonical.go")
	}
	if g.usesCheck(ir.CheckPattern) {
		files = append(files, "pattern.go")
	}
	if g.usesCheck(ir.CheckFormat) {
		files = append(files, "format.go")
	}
	if slices.ContainsFunc(g.p.Types, func(t *ir.Type) bool { return len(t.Objects) > 0 }) ||
		g.p.Uses(func(v *ir.Value) bool {
			return len(v.Alternatives) > 0 || len(v.All) > 0 || v.Not != nil || v.If != nil
		}) {
		files = append(files, "union.go")
	}
	if len(g.p.Lifts) > 0 {
		files = append(files, "lift.go")
	}
	slices.Sort(files)
	return files
}

// allRuntimeFiles lists every runtime source file, its tests and its
// package doc left out.
func allRuntimeFiles() []string {
	entries, err := runtimeFS.ReadDir("internal/jsonrt")
	if err != nil {
		panic(err) // embedded at build time
	}
	var files []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") && e.Name() != "doc.go" {
			files = append(files, e.Name())
		}
	}
	return files
}

// parsedRuntime is a runtime file as a generated package holds it.
type parsedRuntime struct {
	fset *token.FileSet
	file *ast.File
}

// runtimeAST parses the runtime file name, with the names that are not
// API made unexported unless export.
func runtimeAST(name string, export bool) (parsedRuntime, error) {
	src, err := runtimeFS.ReadFile(path.Join("internal/jsonrt", name))
	if err != nil {
		return parsedRuntime{}, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return parsedRuntime{}, err
	}
	if !export {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && topLevelRuntime()[id.Name] {
				id.Name = rt(id.Name)
			}
			return true
		})
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				c.Text = runtimeWord.ReplaceAllStringFunc(c.Text, func(w string) string {
					if topLevelRuntime()[w] {
						return rt(w)
					}
					return w
				})
			}
		}
	}
	return parsedRuntime{fset, f}, nil
}

var runtimeWord = regexp.MustCompile(`\b[A-Z]\w*\b`)

// topLevelRuntime holds the names the runtime declares at the top level,
// as the runtime source spells them. Only these are renamed: a field or
// method of the same name (TimeKey.Timestamp, the embedded field, is
// renamed with its type) keeps its name.
var topLevelRuntime = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, name := range allRuntimeFiles() {
		src, err := runtimeFS.ReadFile(path.Join("internal/jsonrt", name))
		if err != nil {
			panic(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
		if err != nil {
			panic(err) // the runtime is tested as a package of its own
		}
		for _, d := range declaredNames(f) {
			if d.recv == "" {
				names[d.name] = true
			}
		}
	}
	return names
})

// A declared is a name a file declares at the top level, or a method.
type declared struct {
	recv string // the receiver's type name, for a method
	name string
}

// declaredNames lists the top-level names and methods f declares.
func declaredNames(f *ast.File) []declared {
	var out []declared
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			recv := ""
			if d.Recv != nil && len(d.Recv.List) > 0 {
				t := d.Recv.List[0].Type
				if s, ok := t.(*ast.StarExpr); ok {
					t = s.X
				}
				if ix, ok := t.(*ast.IndexExpr); ok {
					t = ix.X
				}
				if id, ok := t.(*ast.Ident); ok {
					recv = id.Name
				}
			}
			out = append(out, declared{recv, d.Name.Name})
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out = append(out, declared{"", s.Name.Name})
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.Name != "_" {
							out = append(out, declared{"", n.Name})
						}
					}
				}
			}
		}
	}
	return out
}

// runtimeFile returns a runtime source file as a file of package pkg.
func runtimeFile(name, pkg string, export bool) ([]byte, error) {
	p, err := runtimeAST(name, export)
	if err != nil {
		return nil, err
	}
	p.file.Name.Name = pkg
	var buf bytes.Buffer
	buf.WriteString("// " + Header + "\n\n")
	if err := format.Node(&buf, p.fset, p.file); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runtimeDeclared lists what the runtime files of a package declare, as
// the package spells them: the names gen must not declare again.
func runtimeDeclared(files []string) ([]declared, error) {
	var out []declared
	for _, name := range files {
		p, err := runtimeAST(name, false)
		if err != nil {
			return nil, err
		}
		out = append(out, declaredNames(p.file)...)
	}
	return out, nil
}

// RuntimeConfig says how to write the runtime as a package of its own.
type RuntimeConfig struct {
	// Package is the package name; GoGenerate, when set, a //go:generate
	// directive written into it.
	Package    string
	GoGenerate string
}

// Runtime returns the files of the runtime as a package of its own, with
// its helpers exported (flightline's generated/jsonrt), sorted by name.
func Runtime(cfg RuntimeConfig) ([]File, error) {
	if !token.IsIdentifier(cfg.Package) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", cfg.Package)
	}
	var doc bytes.Buffer
	fmt.Fprintf(&doc, "// %s\n\n", Header)
	fmt.Fprintf(&doc, "// Package %s is the JSON runtime that flightline gen writes into every\n", cfg.Package)
	doc.WriteString("// generated package, as a package of its own for tools: RFC 3339\n")
	doc.WriteString("// timestamps compared as instants, integers of any size held exactly, and\n")
	doc.WriteString("// the violations that generated validators report. In a generated package\n")
	doc.WriteString("// only its types are exported.\n")
	fmt.Fprintf(&doc, "package %s\n", cfg.Package)
	if cfg.GoGenerate != "" {
		fmt.Fprintf(&doc, "\n//go:generate %s\n", cfg.GoGenerate)
	}
	files := []File{{"doc_gen.go", doc.Bytes()}}
	for _, name := range allRuntimeFiles() {
		content, err := runtimeFile(name, cfg.Package, true)
		if err != nil {
			return nil, err
		}
		files = append(files, File{strings.TrimSuffix(name, ".go") + "_gen.go", content})
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return files, nil
}
