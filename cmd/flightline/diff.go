package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/schema/compat"
)

const diffDoc = `Compares two versions of a timeline schema and classifies every change:
backward-breaking when a dump valid under OLD is no longer valid under NEW,
forward-breaking when code generated from OLD (strict decoders that reject
unknown keys and enum values) cannot read every dump valid under NEW,
breaking both ways, or compatible. See the README for the rules.

OLD and NEW are JSON Schema files, or OpenAPI documents with --component.
Either may be git:REV:PATH, the file at a git revision, read with git show
in the current directory (PATH is relative to the top of the work tree
unless it starts with ./ or ../); git::PATH is the staged version. The
files a schema references are read from the same revision.

With --against REV, as a pre-commit hook, each PATH at REV is compared with
PATH in the working tree; a PATH that REV does not have is a new schema,
with nothing to compare.

Each change is printed as POINTER: CLASS KIND: message (OLD location ->
NEW location), POINTER being the JSON pointer of the values concerned
inside a document, /* standing for any array item or map value. A summary
line follows.

Exit status: 0 when no change breaks dumps valid under OLD, 1 when one does
(with --forward, also when one breaks code generated from OLD), 2 for bad
usage or a schema that cannot be read. With --allow-breaking, 0 either way.`

func runDiff(e *env, args []string) int {
	fs := newFlags(e, "diff", "[flags] OLD NEW | --against REV PATH...", diffDoc)
	format := fs.String("format", "text", "output `format`: text or json")
	against := fs.String("against", "", "compare each PATH at git revision `REV` with the working tree")
	var components listFlag
	fs.Var(&components, "component", "component schema `name` of OpenAPI documents OLD and NEW (repeatable)")
	forward := fs.Bool("forward", false, "fail on forward-breaking changes too")
	allowBreaking := fs.Bool("allow-breaking", false, "report breaking changes but exit 0")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		e.errorf("diff: unknown --format %q; want text or json", *format)
		return exitUsage
	}
	var comps []*comparison
	var err error
	if *against != "" {
		comps, err = againstComparisons(*against, fs.Args())
	} else {
		comps, err = argComparisons(fs.Args())
	}
	if err != nil {
		e.errorf("diff: %v", err)
		return exitUsage
	}

	code := exitOK
	for _, c := range comps {
		if err := c.run(components); err != nil {
			c.Error = oneLine(err.Error())
			e.errorf("diff: %s", c.Error)
			code = exitUsage
		}
	}
	if *format == "json" {
		writeDiffJSON(e.stdout, comps)
	} else {
		writeDiffText(e.stdout, comps, *forward)
	}
	if code != exitOK || *allowBreaking {
		return code
	}
	return breakingExit(comps, *forward)
}

// breakingExit is exitFindings when a change breaks dumps valid under OLD
// (or, with forward, code generated from OLD), else exitOK.
func breakingExit(comps []*comparison, forward bool) int {
	fail := compat.Backward
	if forward {
		fail |= compat.Forward
	}
	if slices.ContainsFunc(comps, func(c *comparison) bool { return compat.Breaking(c.Changes, fail) }) {
		return exitFindings
	}
	return exitOK
}

// A comparison is one OLD and NEW pair and what comparing them found.
type comparison struct {
	Old string `json:"old"`
	New string `json:"new"`
	// Note says why there is nothing to compare (a new schema).
	Note    string          `json:"note,omitempty"`
	Error   string          `json:"error,omitempty"`
	Changes []compat.Change `json:"changes"`
	Summary diffSummary     `json:"summary"`

	old, new source
}

// diffSummary counts changes by class; each change is in one class.
type diffSummary struct {
	Changes          int `json:"changes"`
	BackwardBreaking int `json:"backwardBreaking"`
	ForwardBreaking  int `json:"forwardBreaking"`
	BothWays         int `json:"bothWays"`
	Compatible       int `json:"compatible"`
}

func (s *diffSummary) add(t diffSummary) {
	s.Changes += t.Changes
	s.BackwardBreaking += t.BackwardBreaking
	s.ForwardBreaking += t.ForwardBreaking
	s.BothWays += t.BothWays
	s.Compatible += t.Compatible
}

func newComparison(old, new source) *comparison {
	return &comparison{Old: old.name(), New: new.name(), Changes: []compat.Change{}, old: old, new: new}
}

// run loads both versions and compares them.
func (c *comparison) run(components []string) error {
	if c.Note != "" {
		return nil
	}
	old, oldLoc, err := c.old.load(components)
	if err != nil {
		return err
	}
	new, newLoc, err := c.new.load(components)
	if err != nil {
		return err
	}
	for _, ch := range compat.Compare(old, new) {
		ch.OldLoc, ch.NewLoc = oldLoc(ch.OldLoc), newLoc(ch.NewLoc)
		c.Changes = append(c.Changes, ch)
		c.Summary.Changes++
		switch ch.Breaks {
		case compat.Backward:
			c.Summary.BackwardBreaking++
		case compat.Forward:
			c.Summary.ForwardBreaking++
		case compat.Both:
			c.Summary.BothWays++
		default:
			c.Summary.Compatible++
		}
	}
	return nil
}

// argComparisons reads OLD NEW arguments.
func argComparisons(args []string) ([]*comparison, error) {
	if len(args) != 2 {
		return nil, errors.New("want OLD and NEW (or --against REV PATH...); run flightline diff -h for help")
	}
	old, err := parseSource(args[0])
	if err != nil {
		return nil, err
	}
	new, err := parseSource(args[1])
	if err != nil {
		return nil, err
	}
	return []*comparison{newComparison(old, new)}, nil
}

// againstComparisons pairs each PATH at rev with PATH in the working tree.
func againstComparisons(rev string, paths []string) ([]*comparison, error) {
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
	var comps []*comparison
	for _, p := range paths {
		rel, err := treePath(p)
		if err != nil {
			return nil, err
		}
		c := newComparison(source{git: true, rev: rev, path: rel}, source{path: p})
		if unborn {
			c.Note = fmt.Sprintf("new schema: %s has no commits yet; nothing to compare", rev)
		} else if _, err := git("cat-file", "-e", rev+":"+rel); err != nil {
			c.Note = fmt.Sprintf("new schema: not in %s; nothing to compare", rev)
		}
		comps = append(comps, c)
	}
	return comps, nil
}

// A source is one version of a schema: a file, or a file at a git revision.
type source struct {
	git bool
	// rev is the git revision; "" with git means the index.
	rev string
	// path is the file; with git, slash-separated and relative to the top
	// of the work tree.
	path string
}

// name is how output names the source.
func (s source) name() string {
	if s.git {
		return "git:" + s.rev + ":" + s.path
	}
	return s.path
}

// parseSource reads an OLD or NEW argument: a path, or git:REV:PATH.
func parseSource(arg string) (source, error) {
	rest, ok := strings.CutPrefix(arg, "git:")
	if !ok {
		return source{path: arg}, nil
	}
	rev, p, ok := strings.Cut(rest, ":")
	if !ok || p == "" || strings.HasPrefix(rev, "-") {
		return source{}, fmt.Errorf("%s: want git:REV:PATH, or git::PATH for the staged version", arg)
	}
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
		var err error
		if p, err = treePath(p); err != nil {
			return source{}, fmt.Errorf("%s: %v", arg, err)
		}
	}
	return source{git: true, rev: rev, path: path.Clean(p)}, nil
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
func (s source) reader() func(string) ([]byte, error) {
	if !s.git {
		return os.ReadFile
	}
	cache := map[string][]byte{}
	return func(name string) ([]byte, error) {
		if data, ok := cache[name]; ok {
			return data, nil
		}
		data, err := git("show", s.rev+":"+name)
		if err != nil {
			return nil, err
		}
		cache[name] = data
		return data, nil
	}
}

// load loads the source, a JSON Schema document or, with components, an
// OpenAPI document. loc rewrites the model's locations to name the source
// as the output does.
func (s source) load(components []string) (m *schema.Model, loc func(string) string, err error) {
	loc = func(l string) string { return l }
	if s.git {
		loc = func(l string) string {
			if l == "" {
				return ""
			}
			return "git:" + s.rev + ":" + l
		}
	}
	if len(components) > 0 {
		m, loc, err = s.loadOpenAPI(components)
	} else {
		m, err = loadJSONSchema(s.path, s.reader())
	}
	if err != nil {
		msg := pathError(err)
		if s.git && !strings.HasPrefix(msg, "git:") {
			msg = s.name() + ": " + msg
		}
		return nil, nil, errors.New(msg)
	}
	return m, loc, nil
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
	var walk func(t *schema.Type)
	walk = func(t *schema.Type) {
		if t == nil || reached[t] {
			return
		}
		reached[t] = true
		walk(t.Elem)
		for _, v := range t.Variants {
			walk(v)
		}
		for _, f := range t.Fields {
			walk(f.Type)
		}
	}
	walk(root)
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
func (s source) loadOpenAPI(components []string) (*schema.Model, func(string) string, error) {
	if !s.git {
		m, err := schema.LoadOpenAPI(s.path, components...)
		return m, func(l string) string { return l }, err
	}
	data, err := s.reader()(s.path)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "flightline-diff-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, path.Base(s.path))
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, nil, err
	}
	m, err := schema.LoadOpenAPI(tmp, components...)
	if err != nil {
		return nil, nil, errors.New(strings.ReplaceAll(err.Error(), tmp, s.name()))
	}
	return m, func(l string) string {
		if rest, ok := strings.CutPrefix(l, tmp); ok {
			return s.name() + rest
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

// oneLine joins the lines of a message, so that an error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// writeDiffText writes one line per change and a summary line per
// comparison.
func writeDiffText(w io.Writer, comps []*comparison, failForward bool) {
	for _, c := range comps {
		switch {
		case c.Error != "":
			continue
		case c.Note != "":
			fmt.Fprintf(w, "%s: %s\n", c.New, c.Note)
			continue
		}
		for _, ch := range c.Changes {
			fmt.Fprintln(w, changeLine(ch))
		}
		line := fmt.Sprintf("%s -> %s: %s", c.Old, c.New, summaryText(c.Summary))
		if c.Summary.ForwardBreaking > 0 && !failForward {
			line += " (forward-breaking changes are warnings; --forward fails on them)"
		}
		fmt.Fprintln(w, line)
	}
}

// changeLine is POINTER: CLASS KIND: message (OLD location -> NEW location).
func changeLine(c compat.Change) string {
	pointer := c.Pointer
	if pointer == "" {
		pointer = "(root)"
	}
	return fmt.Sprintf("%s: %s %s: %s (%s -> %s)", pointer, c.Breaks, c.Kind, c.Message, orDash(c.OldLoc), orDash(c.NewLoc))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func summaryText(s diffSummary) string {
	if s.Changes == 0 {
		return "no changes"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{s.BothWays, "breaking both ways"},
		{s.BackwardBreaking, "backward-breaking"},
		{s.ForwardBreaking, "forward-breaking"},
		{s.Compatible, "compatible"},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return plural(s.Changes, "change", "changes") + ": " + strings.Join(parts, ", ")
}

// writeDiffJSON writes one JSON document: the comparisons and the total.
func writeDiffJSON(w io.Writer, comps []*comparison) {
	doc := struct {
		Comparisons []*comparison `json:"comparisons"`
		Summary     diffSummary   `json:"summary"`
	}{Comparisons: comps}
	for _, c := range comps {
		doc.Summary.add(c.Summary)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(doc)
}
