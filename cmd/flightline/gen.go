package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/validate/human"
)

const genDoc = `Generates a Go package from a timeline schema: types with strict JSON
decoding and encoding, enum helpers, a Validator, and the merge and lift
helpers the schema's x-flightline annotations ask for. Without --schema or
--openapi it generates flightline's built-in schema.

With package directories as arguments (DIR/... for DIR and every directory
below it, leaving out testdata, vendor, and names starting with . or _), it
reruns the //go:generate directives in their Go files that run flightline
gen, each with its own arguments and with paths taken relative to its
directory, as go generate would. Only --check may be given with them.

With --check it writes nothing: it exits 1 and names each file that differs
from what generation would produce, and 0 when the package is up to date.
flightline gen --check ./... checks every generated package of a module.`

// genOptions says what one generation reads and writes. The command line
// and the go:generate directives fill it through the same flags
// (genFlags), so that a directive means here what it means to go generate.
type genOptions struct {
	schemas, components []string
	overlays            []string
	openapi, pkg, out   string
	check, goGenerate   bool
	runtime, force      bool
	assertFormats       bool
}

// genFlags defines gen's flags on fs and returns the options they set.
func genFlags(fs *pflag.FlagSet) *genOptions {
	o := &genOptions{}
	fs.StringArrayVar(&o.schemas, "schema", nil, "JSON Schema `file` to generate from (repeatable; each file's root becomes a type)")
	fs.StringVar(&o.openapi, "openapi", "", "OpenAPI 3.0 or 3.1 `file` to generate from, with --component")
	fs.StringArrayVar(&o.components, "component", nil, "component schema `name` of the --openapi document (repeatable)")
	fs.StringArrayVar(&o.overlays, "overlay", nil, "OpenAPI Overlay 1.0 `file`, or JSON merge patches by JSON pointer, applied to the schema documents before they are read (repeatable)")
	fs.StringVar(&o.pkg, "package", "timeline", "Go package `name`")
	fs.StringVar(&o.out, "out", filepath.Join("generated", "timeline"), "output `directory`")
	fs.BoolVar(&o.check, "check", false, "write nothing; exit 1 naming each stale file if the output directory is not up to date")
	fs.BoolVar(&o.goGenerate, "go-generate", false, "also write a //go:generate directive that reruns this command into the package")
	fs.BoolVar(&o.force, "force", false, "replace files in --out that flightline gen did not write (it never writes through a symbolic link)")
	fs.BoolVar(&o.assertFormats, "assert-formats", false, "check the strings of every format flightline can check (date-time, date, time, duration, uuid, email, uri, ipv4, ipv6), not only where the schema asks with x-flightline-format")
	fs.BoolVar(&o.runtime, "runtime", false, "generate no schema: write the JSON runtime generated packages carry as a package of its own, its helpers exported")
	return o
}

// genSourceFlags are the flags that say what to generate. They cannot be
// combined with package directories, whose directives say it instead.
var genSourceFlags = []string{"schema", "openapi", "component", "overlay", "package", "out", "go-generate", "runtime", "force", "assert-formats"}

// validate reports a combination of flags that names no single source.
func (o *genOptions) validate() error {
	if len(o.schemas) > 0 && o.openapi != "" {
		return errors.New("use --schema or --openapi, not both")
	}
	if (o.openapi == "") != (len(o.components) == 0) {
		return errors.New("--openapi and --component go together")
	}
	if o.runtime && (len(o.schemas) > 0 || o.openapi != "") {
		return errors.New("--runtime generates no schema; leave out --schema and --openapi")
	}
	if len(o.overlays) > 0 && len(o.schemas) == 0 && o.openapi == "" {
		return errors.New("--overlay changes the documents of --schema or --openapi; give one")
	}
	return nil
}

// resolve makes the relative paths of o, written as seen from dir, relative
// to the current directory instead.
func (o *genOptions) resolve(dir string) {
	join := func(p string) string {
		p = filepath.FromSlash(p)
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for i, s := range o.schemas {
		o.schemas[i] = join(s)
	}
	for i, s := range o.overlays {
		o.overlays[i] = join(s)
	}
	if o.openapi != "" {
		o.openapi = join(o.openapi)
	}
	o.out = join(o.out)
}

// A genJob is one generation to run, and where it was asked for: empty for
// the command line, FILE:LINE: for a go:generate directive, so that an
// error names the line to fix.
type genJob struct {
	where string
	opts  *genOptions
}

func genCommand(e *env) *cobra.Command {
	var opts *genOptions
	cmd := command("gen [flags] [package directories]", "generate Go code from a timeline schema", genDoc,
		func(cmd *cobra.Command, args []string) int { return runGen(e, cmd, args, opts) })
	opts = genFlags(cmd.Flags())
	cmd.MarkFlagFilename("schema", "json")
	cmd.MarkFlagFilename("openapi", "json", "yaml", "yml")
	cmd.MarkFlagDirname("out")
	return cmd
}

func runGen(e *env, cmd *cobra.Command, args []string, opts *genOptions) int {
	var jobs []genJob
	if len(args) == 0 {
		if err := opts.validate(); err != nil {
			return usage(e, newUsageError(cmd, "%v", err))
		}
		jobs = []genJob{{opts: opts}}
	} else {
		var set []string
		for _, name := range genSourceFlags {
			if cmd.Flags().Changed(name) {
				set = append(set, "--"+name)
			}
		}
		if len(set) > 0 {
			return usage(e, newUsageError(cmd, "package directories cannot be combined with %s: the go:generate directives in them say what to generate", strings.Join(set, ", ")))
		}
		var code int
		if jobs, code = directiveJobs(e, args, opts.check); code != exitOK {
			return code
		}
	}

	code := exitOK
	for _, j := range jobs {
		stale, err := generate(j.opts)
		if err != nil {
			e.errorf("gen: %s%s", j.where, human.Escape(oneLine(pathError(err))))
			code = exitUsage
			continue
		}
		for _, p := range stale {
			fmt.Fprintf(e.stdout, "%s: stale; run flightline gen to regenerate\n", human.Escape(p))
		}
		if len(stale) > 0 && code == exitOK {
			code = exitFindings
		}
	}
	return code
}

// generate runs one generation: it loads the schema o names, generates the
// package and writes it into o.out, or with o.check returns the stale files
// of o.out instead, as paths under o.out.
func generate(o *genOptions) (stale []string, err error) {
	var directive string
	if o.goGenerate {
		src := gen.Source{Schemas: o.schemas, OpenAPI: o.openapi, Components: o.components, Overlays: o.overlays,
			AssertFormats: o.assertFormats, Runtime: o.runtime}
		if directive, err = gen.GoGenerateCommand(o.out, o.pkg, src); err != nil {
			return nil, err
		}
	}
	var files []gen.File
	if o.runtime {
		files, err = gen.Runtime(gen.RuntimeConfig{Package: o.pkg, GoGenerate: directive})
	} else {
		files, err = generateSchema(o, directive)
	}
	if err != nil {
		return nil, err
	}
	if !o.check {
		return nil, gen.WriteDir(o.out, files, gen.WriteOptions{Force: o.force})
	}
	names, err := gen.Stale(o.out, files)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		stale = append(stale, filepath.Join(o.out, name))
	}
	return stale, nil
}

// generateSchema generates the package of the schema o names.
func generateSchema(o *genOptions, directive string) ([]gen.File, error) {
	var overlays []*schema.Overlay
	for _, f := range o.overlays {
		ov, err := schema.ReadOverlay(f)
		if err != nil {
			return nil, err
		}
		overlays = append(overlays, ov)
	}
	var model *schema.Model
	var err error
	docs := strings.Join(o.schemas, ", ")
	switch {
	case o.openapi != "":
		docs = o.openapi
		var d *schema.OpenAPI
		if d, err = schema.ReadOpenAPI(o.openapi, overlays...); err == nil {
			model, err = d.Load(o.components...)
		}
	case len(o.schemas) > 0:
		model, err = schema.LoadJSONSchema(schema.Overlaid(nil, overlays...), o.schemas...)
	default:
		model, err = schema.LoadBuiltin()
	}
	if err != nil {
		return nil, err
	}
	for _, ov := range overlays {
		if err := ov.Unmatched(docs); err != nil {
			return nil, err
		}
	}
	return gen.Generate(model, gen.Config{Package: o.pkg, GoGenerate: directive, AssertFormats: o.assertFormats})
}

// directiveJobs finds the flightline gen directives in the Go files of the
// directories patterns name, in directory, file and line order, and turns
// each into a job; check forces --check on all of them. Every malformed
// directive is reported with its FILE:LINE before the command gives up,
// and so are patterns that match no directive at all: a hook that checks
// nothing must not pass.
func directiveJobs(e *env, patterns []string, check bool) ([]genJob, int) {
	found, errs := gen.FindDirectives(patterns)
	for _, err := range errs {
		e.errorf("gen: %s", human.Escape(pathError(err)))
	}
	var jobs []genJob
	for _, d := range found {
		opts, err := directiveOptions(d.Args)
		if err != nil {
			e.errorf("gen: %s: %s", d.Pos(), human.Escape(err.Error()))
			errs = append(errs, err)
			continue
		}
		opts.resolve(d.Dir)
		opts.check = opts.check || check
		jobs = append(jobs, genJob{where: d.Pos() + ": ", opts: opts})
	}
	if len(errs) > 0 {
		return nil, exitUsage
	}
	return jobs, exitOK
}

// directiveOptions parses the arguments of a directive as gen's flags.
func directiveOptions(args []string) (*genOptions, error) {
	fs := pflag.NewFlagSet("gen", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opts := genFlags(fs)
	if err := fs.Parse(doubleDash(args, func(name string) bool { return fs.Lookup(name) != nil })); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: a directive names no package directories", fs.Arg(0))
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return opts, nil
}
