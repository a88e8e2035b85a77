package gen

import (
	"bufio"
	"errors"
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
)

// A Directive is a //go:generate line that runs flightline gen.
type Directive struct {
	// File and Line say where the directive is.
	File string
	Line int
	// Dir is the directory the generator runs in: the directory of File,
	// joined with the directory of a go run -C flag. The paths in Args are
	// relative to it.
	Dir string
	// Args are the arguments after gen, as go generate would pass them.
	Args []string
}

// Pos is FILE:LINE, the directive's position.
func (d *Directive) Pos() string { return fmt.Sprintf("%s:%d", d.File, d.Line) }

// A DirectiveError is a malformed flightline gen directive, or a problem
// finding directives; File is empty for a problem that concerns no file.
type DirectiveError struct {
	File string
	Line int // 0 when the problem concerns the whole file
	Err  error
}

func (e *DirectiveError) Error() string {
	switch {
	case e.File == "":
		return e.Err.Error()
	case e.Line == 0:
		return e.File + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *DirectiveError) Unwrap() error { return e.Err }

// ErrNoDirectives is returned, wrapped, by FindDirectives when the
// directories hold no flightline gen directive at all: a check that checks
// nothing must not pass.
var ErrNoDirectives = errors.New("no //go:generate directive running flightline gen")

// FindDirectives finds the flightline gen directives in the Go files of the
// directories patterns name (see PackageDirs), in directory, file and line
// order, reading the files go generate would read. It returns every problem
// it finds, each a *DirectiveError, rather than stopping at the first.
func FindDirectives(patterns []string) ([]Directive, []error) {
	dirs, err := PackageDirs(patterns)
	if err != nil {
		return nil, []error{&DirectiveError{Err: err}}
	}
	ctxt := build.Default
	ctxt.BuildTags = append(slices.Clip(ctxt.BuildTags), "generate") // as go generate does
	var found []Directive
	var errs []error
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, &DirectiveError{Err: err})
			continue
		}
		for _, ent := range entries {
			name := ent.Name()
			if ent.IsDir() || !strings.HasSuffix(name, ".go") {
				continue
			}
			// go generate reads the files the build would: not _x.go or .x.go,
			// nor files whose build constraints (or _GOOS suffix) leave them out.
			if ok, err := ctxt.MatchFile(dir, name); err != nil {
				errs = append(errs, &DirectiveError{File: filepath.Join(dir, name), Err: err})
				continue
			} else if !ok {
				continue
			}
			ds, fileErrs := FileDirectives(filepath.Join(dir, name))
			found = append(found, ds...)
			errs = append(errs, fileErrs...)
		}
	}
	if len(found) == 0 && len(errs) == 0 {
		errs = append(errs, &DirectiveError{Err: fmt.Errorf("%w in %s", ErrNoDirectives, strings.Join(patterns, " "))})
	}
	return found, errs
}

// PackageDirs lists the directories that patterns name, each once, in the
// order given. A pattern is a directory, or DIR/... for DIR and the
// directories below it, leaving out those go ./... leaves out (testdata,
// and names starting with . or _) and vendor.
func PackageDirs(patterns []string) ([]string, error) {
	var dirs []string
	seen := map[string]bool{}
	add := func(dir string) {
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	for _, p := range patterns {
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

// FileDirectives reads the //go:generate lines of the Go file at path and
// returns those that run flightline gen, and a *DirectiveError for each of
// those that is malformed. Lines that run other commands are left alone,
// but their -command aliases are followed, as go generate follows them
// within a file.
func FileDirectives(path string) ([]Directive, []error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []error{&DirectiveError{Err: err}}
	}
	defer f.Close()
	var found []Directive
	var errs []error
	aliases := map[string][]string{}
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return found, append(errs, &DirectiveError{File: path, Err: err})
		}
		if rest, ok := strings.CutPrefix(line, "//go:generate"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			if chdir, args, ok, derr := ParseDirective(rest, aliases); derr != nil {
				errs = append(errs, &DirectiveError{File: path, Line: n, Err: derr})
			} else if ok {
				found = append(found, Directive{File: path, Line: n, Dir: filepath.Join(filepath.Dir(path), chdir), Args: args})
			}
		}
		if err == io.EOF {
			return found, errs
		}
	}
}

// ParseDirective parses the text after //go:generate. It records a
// -command alias in aliases; for a line that runs flightline gen it returns
// the arguments after gen, the directory of a go run -C flag, and true;
// other lines it ignores. The error is for a line that cannot be split into
// words, or a flightline gen line with a $ variable, which go generate
// would expand and flightline cannot.
func ParseDirective(text string, aliases map[string][]string) (chdir string, args []string, ok bool, err error) {
	words, err := SplitDirective(text)
	if err != nil || len(words) == 0 {
		return "", nil, false, err
	}
	if words[0] == "-command" {
		if len(words) >= 3 {
			aliases[words[1]] = words[2:]
		}
		return "", nil, false, nil
	}
	if alias, ok := aliases[words[0]]; ok {
		words = append(slices.Clone(alias), words[1:]...)
	}
	chdir, args, ok = genArgs(words)
	if !ok {
		return "", nil, false, nil
	}
	for _, a := range args {
		if strings.Contains(a, "$") {
			return "", nil, false, fmt.Errorf("%q: flightline gen does not expand $ variables in a directive", a)
		}
	}
	return chdir, args, true, nil
}

// SplitDirective splits the text of a go:generate line into words as go
// generate does: at spaces and tabs, a double-quoted Go string being one
// word.
func SplitDirective(text string) ([]string, error) {
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

// toolPackage is the package of the flightline command.
const toolPackage = "github.com/flightline-dev/flightline/cmd/flightline"

// declaresTool reports whether the module that holds dir declares the
// flightline command as a tool (go get -tool, Go 1.24), so that a
// directive runs it with go tool, at the version the module requires.
func declaresTool(dir string) bool {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			return toolIn(data)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// toolIn reports whether the go.mod text data has a tool directive, on a
// line or in a block, that names the flightline command.
func toolIn(data []byte) bool {
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		switch {
		case inBlock && len(f) == 1 && f[0] == ")":
			inBlock = false
		case inBlock && len(f) == 1 && f[0] == toolPackage:
			return true
		case len(f) == 2 && f[0] == "tool" && f[1] == "(":
			inBlock = true
		case len(f) == 2 && f[0] == "tool" && f[1] == toolPackage:
			return true
		}
	}
	return false
}

// A Source says what a generation reads: JSON Schema files, or components
// of an OpenAPI document. Paths are as the command line gave them.
type Source struct {
	Schemas    []string
	OpenAPI    string
	Components []string
	// Overlays change the documents before they are read (gen --overlay).
	Overlays []string
	// AssertFormats checks every format flightline can (--assert-formats).
	AssertFormats bool
	// Runtime asks for the runtime package of its own (gen --runtime).
	Runtime bool
}

// GoGenerateCommand is the go:generate command that reruns the generation
// of src into the package out, named pkg, from inside out: its paths are
// made relative to out, as go generate runs a directive in its package's
// directory. It runs go tool flightline when the module of out declares
// flightline as a tool, and go run of its package otherwise.
func GoGenerateCommand(out, pkg string, src Source) (string, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	rel := func(p string) (string, error) {
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
	args := []string{"go", "run", toolPackage, "gen"}
	if declaresTool(absOut) {
		args = []string{"go", "tool", "flightline", "gen"}
	}
	for _, s := range src.Schemas {
		r, err := rel(s)
		if err != nil {
			return "", err
		}
		args = append(args, "--schema", r)
	}
	if src.OpenAPI != "" {
		r, err := rel(src.OpenAPI)
		if err != nil {
			return "", err
		}
		args = append(args, "--openapi", r)
		for _, c := range src.Components {
			args = append(args, "--component", c)
		}
	}
	for _, o := range src.Overlays {
		r, err := rel(o)
		if err != nil {
			return "", err
		}
		args = append(args, "--overlay", r)
	}
	if src.AssertFormats {
		args = append(args, "--assert-formats")
	}
	if src.Runtime {
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
