package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
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
// and the go:generate directives fill it through the same flag set
// (genFlags), so that a directive means here what it means to go generate.
type genOptions struct {
	schemas, components listFlag
	openapi, pkg, out   string
	check, goGenerate   bool
	runtime, force      bool
}

// genFlags defines gen's flags on fs and returns the options they set.
func genFlags(fs *flag.FlagSet) *genOptions {
	o := &genOptions{}
	fs.Var(&o.schemas, "schema", "JSON Schema `file` to generate from (repeatable; each file's root becomes a type)")
	fs.StringVar(&o.openapi, "openapi", "", "OpenAPI 3.0 or 3.1 `file` to generate from, with --component")
	fs.Var(&o.components, "component", "component schema `name` of the --openapi document (repeatable)")
	fs.StringVar(&o.pkg, "package", "timeline", "Go package `name`")
	fs.StringVar(&o.out, "out", filepath.Join("generated", "timeline"), "output `directory`")
	fs.BoolVar(&o.check, "check", false, "write nothing; exit 1 naming each stale file if the output directory is not up to date")
	fs.BoolVar(&o.goGenerate, "go-generate", false, "also write a //go:generate directive that reruns this command into the package")
	fs.BoolVar(&o.force, "force", false, "replace files in --out that flightline gen did not write (it never writes through a symbolic link)")
	fs.BoolVar(&o.runtime, "runtime", false, "generate no schema: write the JSON runtime generated packages carry as a package of its own, its helpers exported")
	return o
}

// genSourceFlags are the flags that say what to generate. They cannot be
// combined with package directories, whose directives say it instead.
var genSourceFlags = []string{"schema", "openapi", "component", "package", "out", "go-generate", "runtime", "force"}

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
	chdir string // the directory go run -C moves to, relative to the directive's
}

func runGen(e *env, args []string) int {
	fs := newFlags(e, "gen", "[flags] [package directories]", genDoc)
	opts := genFlags(fs)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	var jobs []genJob
	if fs.NArg() == 0 {
		if err := opts.validate(); err != nil {
			e.errorf("gen: %v", err)
			return exitUsage
		}
		jobs = []genJob{{opts: opts}}
	} else {
		var set []string
		fs.Visit(func(f *flag.Flag) {
			if slices.Contains(genSourceFlags, f.Name) {
				set = append(set, "--"+f.Name)
			}
		})
		if len(set) > 0 {
			e.errorf("gen: package directories cannot be combined with %s: the go:generate directives in them say what to generate", strings.Join(set, ", "))
			return exitUsage
		}
		var code int
		if jobs, code = directiveJobs(e, fs.Args(), opts.check); code != exitOK {
			return code
		}
	}

	code := exitOK
	for _, j := range jobs {
		stale, err := generate(j.opts)
		if err != nil {
			e.errorf("gen: %s%v", j.where, err)
			code = exitUsage
			continue
		}
		for _, p := range stale {
			fmt.Fprintf(e.stdout, "%s: stale; run flightline gen to regenerate\n", p)
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
		if directive, err = genDirective(o); err != nil {
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
	var model *schema.Model
	var err error
	switch {
	case o.openapi != "":
		model, err = schema.LoadOpenAPI(o.openapi, o.components...)
	case len(o.schemas) > 0:
		model, err = schema.LoadJSONSchema(nil, o.schemas...)
	default:
		model, err = schema.LoadBuiltin()
	}
	if err != nil {
		return nil, err
	}
	return gen.Generate(model, gen.Config{Package: o.pkg, GoGenerate: directive})
}

// genDirective is the go:generate command that reruns this generation from
// inside the output directory: paths become relative to it.
func genDirective(o *genOptions) (string, error) {
	out, pkg, schemas, openapi, components := o.out, o.pkg, o.schemas, o.openapi, o.components
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
	if o.runtime {
		args = append(args, "--runtime")
	}
	args = append(args, "--package", pkg, "--out", ".", "--go-generate")
	for _, a := range args {
		if strings.ContainsAny(a, " \t\"'") {
			return "", fmt.Errorf("path %q has spaces or quotes, which a go:generate line cannot carry plainly", a)
		}
	}
	return strings.Join(args, " "), nil
}

// directiveJobs finds the flightline gen directives in the Go files of the
// directories patterns name, in directory, file and line order, and turns
// each into a job; check forces --check on all of them. Every malformed
// directive is reported with its FILE:LINE before the command gives up,
// and so are patterns that match no directive at all: a hook that checks
// nothing must not pass.
func directiveJobs(e *env, patterns []string, check bool) ([]genJob, int) {
	dirs, err := packageDirs(patterns)
	if err != nil {
		e.errorf("gen: %s", pathError(err))
		return nil, exitUsage
	}
	ctxt := build.Default
	ctxt.BuildTags = append(slices.Clip(ctxt.BuildTags), "generate") // as go generate does
	var jobs []genJob
	bad := false
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			e.errorf("gen: %s", pathError(err))
			return nil, exitUsage
		}
		for _, ent := range entries {
			name := ent.Name()
			if ent.IsDir() || !strings.HasSuffix(name, ".go") {
				continue
			}
			// go generate reads the files the build would: not _x.go or .x.go,
			// nor files whose build constraints (or _GOOS suffix) leave them out.
			if ok, err := ctxt.MatchFile(dir, name); err != nil {
				e.errorf("gen: %v", err)
				bad = true
				continue
			} else if !ok {
				continue
			}
			file := filepath.Join(dir, name)
			found, errs := fileDirectives(file)
			for _, err := range errs {
				e.errorf("gen: %s", pathError(err))
				bad = true
			}
			for _, d := range found {
				d.opts.resolve(filepath.Join(dir, d.chdir))
				d.opts.check = d.opts.check || check
				jobs = append(jobs, d)
			}
		}
	}
	if bad {
		return nil, exitUsage
	}
	if len(jobs) == 0 {
		e.errorf("gen: no //go:generate directive running flightline gen in %s", strings.Join(patterns, " "))
		return nil, exitUsage
	}
	return jobs, exitOK
}

// packageDirs lists the directories that patterns name, each once, in the
// order given. A pattern is a directory, or DIR/... for DIR and the
// directories below it, leaving out those go ./... leaves out (testdata,
// and names starting with . or _) and vendor.
func packageDirs(patterns []string) ([]string, error) {
	var dirs []string
	seen := map[string]bool{}
	add := func(dir string) {
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	for _, p := range patterns {
		if strings.HasPrefix(p, "-") {
			return nil, fmt.Errorf("flag %s after the package directories; put flags first", p)
		}
		root, recursive := filepath.ToSlash(p), false
		if root == "..." {
			root, recursive = ".", true
		} else if r, ok := strings.CutSuffix(root, "/..."); ok {
			root, recursive = r, true
			if root == "" {
				root = "/"
			}
		}
		if strings.Contains(root, "...") {
			return nil, fmt.Errorf("%s: ... may only end a pattern, as in DIR/...", p)
		}
		root = filepath.Clean(filepath.FromSlash(root))
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s is not a directory; gen takes package directories, or DIR/... for every package below DIR", p)
		}
		if !recursive {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			if name := d.Name(); path != root && (name == "testdata" || name == "vendor" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			add(path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return dirs, nil
}

// fileDirectives reads the //go:generate lines of the Go file at path and
// returns a job, not yet resolved against the file's directory, for each
// that runs flightline gen, and an error naming FILE:LINE for each of those
// that is malformed. Lines that run other commands are left alone, but
// their -command aliases are followed, as go generate follows them within
// a file.
func fileDirectives(path string) (jobs []genJob, errs []error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []error{err}
	}
	defer f.Close()
	aliases := map[string][]string{}
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return jobs, append(errs, fmt.Errorf("%s: %v", path, err))
		}
		if rest, ok := strings.CutPrefix(line, "//go:generate"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			where := fmt.Sprintf("%s:%d: ", path, n)
			if job, ok, derr := parseDirective(rest, aliases); derr != nil {
				errs = append(errs, fmt.Errorf("%s%v", where, derr))
			} else if ok {
				job.where = where
				jobs = append(jobs, job)
			}
		}
		if err == io.EOF {
			return jobs, errs
		}
	}
}

// parseDirective parses the text after //go:generate. It records a
// -command alias in aliases; for a line that runs flightline gen it returns
// the job and true; other lines it ignores. The error is for a line that
// cannot be split into words, or a flightline gen line whose arguments gen
// would refuse.
func parseDirective(text string, aliases map[string][]string) (genJob, bool, error) {
	words, err := splitDirective(text)
	if err != nil || len(words) == 0 {
		return genJob{}, false, err
	}
	if words[0] == "-command" {
		if len(words) >= 3 {
			aliases[words[1]] = words[2:]
		}
		return genJob{}, false, nil
	}
	if alias, ok := aliases[words[0]]; ok {
		words = append(slices.Clone(alias), words[1:]...)
	}
	chdir, args, ok := genArgs(words)
	if !ok {
		return genJob{}, false, nil
	}
	for _, a := range args {
		if strings.Contains(a, "$") {
			return genJob{}, false, fmt.Errorf("%q: flightline gen does not expand $ variables in a directive", a)
		}
	}
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opts := genFlags(fs)
	if err := fs.Parse(args); err != nil {
		return genJob{}, false, err
	}
	if fs.NArg() > 0 {
		return genJob{}, false, fmt.Errorf("unexpected argument %q: a directive names no package directories", fs.Arg(0))
	}
	if err := opts.validate(); err != nil {
		return genJob{}, false, err
	}
	return genJob{opts: opts, chdir: chdir}, true, nil
}

// splitDirective splits the text of a go:generate line into words as go
// generate does: at spaces and tabs, a double-quoted Go string being one
// word.
func splitDirective(text string) ([]string, error) {
	text = strings.TrimRight(text, "\r\n")
	var words []string
	for {
		text = strings.TrimLeft(text, " \t")
		if text == "" {
			return words, nil
		}
		if text[0] == '"' {
			q, err := strconv.QuotedPrefix(text)
			if err != nil {
				return nil, fmt.Errorf("bad quoted string %s", text)
			}
			word, _ := strconv.Unquote(q)
			words = append(words, word)
			text = text[len(q):]
			if text != "" && text[0] != ' ' && text[0] != '\t' {
				return nil, fmt.Errorf("no space after quoted argument %s", q)
			}
			continue
		}
		i := strings.IndexAny(text, " \t")
		if i < 0 {
			i = len(text)
		}
		words = append(words, text[:i])
		text = text[i:]
	}
}

// goBuildValueFlags are the build flags of go run and go tool that take a
// separate value, which must be skipped to find the program.
var goBuildValueFlags = []string{
	"C", "asmflags", "buildmode", "compiler", "covermode", "coverpkg", "exec", "gccgoflags",
	"gcflags", "installsuffix", "ldflags", "mod", "modfile", "overlay", "p", "pgo", "pkgdir",
	"tags", "toolexec",
}

// genArgs returns the arguments after gen when words run flightline's gen
// command: a program named flightline (flightline itself, a path or module
// path ending in /flightline such as .../cmd/flightline, possibly @version),
// run directly or through go run or go tool. chdir is the directory a
// go run -C flag moves the program to, relative to the directive's.
func genArgs(words []string) (chdir string, args []string, ok bool) {
	if len(words) >= 2 && words[0] == "go" && (words[1] == "run" || words[1] == "tool") {
		words = words[2:]
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			name, value, hasValue := strings.Cut(strings.TrimLeft(words[0], "-"), "=")
			words = words[1:]
			if !hasValue && slices.Contains(goBuildValueFlags, name) && len(words) > 0 {
				value, words = words[0], words[1:]
			}
			if name == "C" {
				chdir = filepath.Join(chdir, filepath.FromSlash(value))
			}
		}
	}
	if len(words) < 2 || words[1] != "gen" {
		return "", nil, false
	}
	prog, _, _ := strings.Cut(filepath.ToSlash(words[0]), "@")
	if path.Base(strings.TrimSuffix(prog, ".exe")) != "flightline" {
		return "", nil, false
	}
	return chdir, words[2:], true
}
