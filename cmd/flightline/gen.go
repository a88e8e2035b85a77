package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
)

const genDoc = `Generates a Go package from a timeline schema: types with strict JSON
decoding and encoding, enum helpers, a Validator, and the merge and lift
helpers the schema's x-flightline annotations ask for. Without --schema or
--openapi it generates flightline's built-in schema.

With --check it writes nothing: it exits 1 and names each file that differs
from what generation would produce, and 0 when the package is up to date.`

func runGen(e *env, args []string) int {
	fs := newFlags(e, "gen", "[flags]", genDoc)
	var schemas, components listFlag
	fs.Var(&schemas, "schema", "JSON Schema `file` to generate from (repeatable; each file's root becomes a type)")
	openapi := fs.String("openapi", "", "OpenAPI 3.0 or 3.1 `file` to generate from, with --component")
	fs.Var(&components, "component", "component schema `name` of the --openapi document (repeatable)")
	pkg := fs.String("package", "timeline", "Go package `name`")
	out := fs.String("out", filepath.Join("generated", "timeline"), "output `directory`")
	check := fs.Bool("check", false, "write nothing; exit 1 naming each stale file if the output directory is not up to date")
	goGenerate := fs.Bool("go-generate", false, "also write a //go:generate directive that reruns this command into the package")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		e.errorf("gen: unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	if len(schemas) > 0 && *openapi != "" {
		e.errorf("gen: use --schema or --openapi, not both")
		return exitUsage
	}
	if (*openapi == "") != (len(components) == 0) {
		e.errorf("gen: --openapi and --component go together")
		return exitUsage
	}

	var model *schema.Model
	var err error
	switch {
	case *openapi != "":
		model, err = schema.LoadOpenAPI(*openapi, components...)
	case len(schemas) > 0:
		model, err = schema.LoadJSONSchema(nil, schemas...)
	default:
		model, err = schema.LoadBuiltin()
	}
	if err != nil {
		e.errorf("gen: %v", err)
		return exitUsage
	}
	cfg := gen.Config{Package: *pkg}
	if *goGenerate {
		cfg.GoGenerate, err = directive(*out, *pkg, schemas, *openapi, components)
		if err != nil {
			e.errorf("gen: %v", err)
			return exitUsage
		}
	}
	files, err := gen.Generate(model, cfg)
	if err != nil {
		e.errorf("gen: %v", err)
		return exitUsage
	}
	if *check {
		stale, err := gen.Stale(*out, files)
		if err != nil {
			e.errorf("gen: %v", err)
			return exitUsage
		}
		for _, name := range stale {
			fmt.Fprintf(e.stdout, "%s: stale; run flightline gen to regenerate\n", filepath.Join(*out, name))
		}
		if len(stale) > 0 {
			return exitFindings
		}
		return exitOK
	}
	if err := gen.WriteDir(*out, files); err != nil {
		e.errorf("gen: %v", err)
		return exitUsage
	}
	return exitOK
}

// directive is the go:generate command that reruns this generation from
// inside the output directory: paths become relative to it.
func directive(out, pkg string, schemas []string, openapi string, components []string) (string, error) {
	rel := func(p string) (string, error) {
		absOut, err := filepath.Abs(out)
		if err != nil {
			return "", err
		}
		absP, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		r, err := filepath.Rel(absOut, absP)
		if err != nil {
			return "", err
		}
		return filepath.ToSlash(r), nil
	}
	args := []string{"go", "run", "github.com/flightline-dev/flightline/cmd/flightline", "gen"}
	for _, s := range schemas {
		r, err := rel(s)
		if err != nil {
			return "", err
		}
		args = append(args, "--schema", r)
	}
	if openapi != "" {
		r, err := rel(openapi)
		if err != nil {
			return "", err
		}
		args = append(args, "--openapi", r)
		for _, c := range components {
			args = append(args, "--component", c)
		}
	}
	args = append(args, "--package", pkg, "--out", ".", "--go-generate")
	for _, a := range args {
		if strings.ContainsAny(a, " \t\"'") {
			return "", fmt.Errorf("path %q has spaces or quotes, which a go:generate line cannot carry plainly", a)
		}
	}
	return strings.Join(args, " "), nil
}
