package compat

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

// A Source is one version of a schema to compare: a file, or a file at a
// git revision (or in the index), read with git in the current directory.
type Source struct {
	// Git marks a file read with git.
	Git bool
	// Rev is the git revision; "" with Git means the index.
	Rev string
	// Path is the file; with Git, slash-separated and relative to the top
	// of the work tree.
	Path string
}

// Name is how output names the source: the path, or git:REV:PATH.
func (s Source) Name() string {
	if s.Git {
		return "git:" + s.Rev + ":" + s.Path
	}
	return s.Path
}

// ParseSource reads a command-line argument naming a schema version: a
// path, git:REV:PATH for the file at a revision, or git::PATH for the
// staged one. As in git, PATH is relative to the top of the work tree
// unless it starts with ./ or ../.
func ParseSource(arg string) (Source, error) {
	rest, ok := strings.CutPrefix(arg, "git:")
	if !ok {
		return Source{Path: arg}, nil
	}
	rev, p, ok := strings.Cut(rest, ":")
	if !ok || p == "" || strings.HasPrefix(rev, "-") {
		return Source{}, fmt.Errorf("%s: want git:REV:PATH, or git::PATH for the staged version", arg)
	}
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
		var err error
		if p, err = treePath(p); err != nil {
			return Source{}, fmt.Errorf("%s: %v", arg, err)
		}
	}
	return Source{Git: true, Rev: rev, Path: path.Clean(p)}, nil
}

// A Pair is an OLD and NEW version to compare. Note, when set, says why
// there is nothing to compare: NEW is a new schema.
type Pair struct {
	Old, New Source
	Note     string
}

// Against pairs each of paths at git revision rev with the file in the
// working tree, as a pre-commit hook compares them. A path that rev does
// not have, or every path before the first commit, is a new schema.
func Against(rev string, paths []string) ([]Pair, error) {
	if len(paths) == 0 {
		return nil, errors.New("--against: name at least one PATH")
	}
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("--against %q: not a revision", rev)
	}
	if _, err := git("rev-parse", "--git-dir"); err != nil {
		return nil, fmt.Errorf("--against: %v", err)
	}
	unborn := false
	if _, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		if rev != "HEAD" {
			return nil, fmt.Errorf("--against %s: no such commit", rev)
		}
		unborn = true // a repository without commits yet: every schema is new
	}
	var pairs []Pair
	for _, p := range paths {
		rel, err := treePath(p)
		if err != nil {
			return nil, err
		}
		pair := Pair{Old: Source{Git: true, Rev: rev, Path: rel}, New: Source{Path: p}}
		if unborn {
			pair.Note = fmt.Sprintf("new schema: %s has no commits yet; nothing to compare", rev)
		} else if _, err := git("cat-file", "-e", rev+":"+rel); err != nil {
			pair.Note = fmt.Sprintf("new schema: not in %s; nothing to compare", rev)
		}
		pairs = append(pairs, pair)
	}
	return pairs, nil
}

// treePath turns a path relative to the current directory (or absolute)
// into one relative to the top of the git work tree, as git revisions
// name files.
func treePath(p string) (string, error) {
	var rel string
	if filepath.IsAbs(p) {
		top, err := git("rev-parse", "--show-toplevel")
		if err != nil {
			return "", err
		}
		rel, err = filepath.Rel(realPath(strings.TrimSpace(string(top))), realPath(p))
		if err != nil {
			return "", err
		}
		rel = filepath.ToSlash(rel)
	} else {
		prefix, err := git("rev-parse", "--show-prefix")
		if err != nil {
			return "", err
		}
		rel = path.Join(strings.TrimSpace(string(prefix)), filepath.ToSlash(p))
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s is outside the git work tree", p)
	}
	return rel, nil
}

// realPath resolves symbolic links where it can, so that two names of one
// directory compare equal.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// reader returns the function that reads the source's files: from disk,
// or with git show at the revision (each file once).
func (s Source) reader() func(string) ([]byte, error) {
	if !s.Git {
		return os.ReadFile
	}
	cache := map[string][]byte{}
	return func(name string) ([]byte, error) {
		if data, ok := cache[name]; ok {
			return data, nil
		}
		data, err := git("show", s.Rev+":"+name)
		if err != nil {
			return nil, err
		}
		cache[name] = data
		return data, nil
	}
}

// Load loads the source, a JSON Schema document or, with components, an
// OpenAPI document. loc rewrites the model's locations (Change.OldLoc and
// NewLoc) to name the source as Name does. An error names the source on
// one line.
func (s Source) Load(components []string) (m *schema.Model, loc func(string) string, err error) {
	loc = func(l string) string { return l }
	if s.Git {
		loc = func(l string) string {
			if l == "" {
				return ""
			}
			return "git:" + s.Rev + ":" + l
		}
	}
	if len(components) > 0 {
		m, loc, err = s.loadOpenAPI(components)
	} else {
		m, err = loadJSONSchema(s.Path, s.reader())
	}
	if err != nil {
		msg := pathError(err)
		if s.Git && !strings.HasPrefix(msg, "git:") {
			msg = s.Name() + ": " + msg
		}
		return nil, nil, errors.New(oneLine(msg))
	}
	return m, loc, nil
}

// pathError says what went wrong with a path in the words a user wants:
// "x.json: no such file or directory", not "open x.json: ...".
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// oneLine joins the lines of a message, so that an error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// loadJSONSchema loads the JSON Schema document file. A schema's lift may
// name a type that lives in a file it references (the runner entry's lift
// names the timeline entry), so when loading fails after reading other
// files, it loads them as roots too and keeps the first root only.
func loadJSONSchema(file string, read func(string) ([]byte, error)) (*schema.Model, error) {
	var files []string
	record := func(name string) ([]byte, error) {
		data, err := read(name)
		if err == nil && !slices.Contains(files, name) {
			files = append(files, name)
		}
		return data, err
	}
	m, err := schema.LoadJSONSchema(record, file)
	if err == nil || len(files) < 2 || files[0] != file {
		return m, err
	}
	all, err := schema.LoadJSONSchema(read, files...)
	if err != nil {
		return nil, err // what gen would say given these files
	}
	return firstRoot(all), nil
}

// firstRoot restricts a model to its first root and what it reaches.
func firstRoot(m *schema.Model) *schema.Model {
	root := m.Roots[0]
	reached := map[*schema.Type]bool{}
	stack := []*schema.Type{root}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if t == nil || reached[t] {
			continue
		}
		reached[t] = true
		stack = append(stack, t.Elem)
		stack = append(stack, t.Variants...)
		for _, f := range t.Fields {
			stack = append(stack, f.Type)
		}
	}
	out := &schema.Model{Roots: []*schema.Type{root}}
	for _, t := range m.Types {
		if reached[t] {
			out.Types = append(out.Types, t)
		}
	}
	if m.Order != nil && reached[m.Order.Type] {
		out.Order = m.Order
	}
	for _, l := range m.Lifts {
		if reached[l.From] {
			out.Lifts = append(out.Lifts, l)
		}
	}
	return out
}

// loadOpenAPI loads the components of an OpenAPI document. The loader reads
// files from disk, so a document from git is written to a temporary file
// first, whose name is then replaced by the source's in locations and errors.
func (s Source) loadOpenAPI(components []string) (*schema.Model, func(string) string, error) {
	if !s.Git {
		m, err := schema.LoadOpenAPI(s.Path, components...)
		return m, func(l string) string { return l }, err
	}
	data, err := s.reader()(s.Path)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "flightline-diff-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, path.Base(s.Path))
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, nil, err
	}
	m, err := schema.LoadOpenAPI(tmp, components...)
	if err != nil {
		return nil, nil, errors.New(strings.ReplaceAll(err.Error(), tmp, s.Name()))
	}
	return m, func(l string) string {
		if rest, ok := strings.CutPrefix(l, tmp); ok {
			return s.Name() + rest
		}
		return l
	}, nil
}

// git runs git in the current directory and returns its standard output.
// Its error carries the first line git wrote to standard error.
func git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return out, nil
}
