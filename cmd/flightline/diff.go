package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/schema/compat"
	"github.com/flightline-dev/flightline/validate/human"
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

func diffCommand(e *env) *cobra.Command {
	var f diffFlags
	cmd := command("diff [flags] OLD NEW | --against REV PATH...", "compare two versions of a schema: what breaks old dumps or old code", diffDoc,
		func(cmd *cobra.Command, args []string) int { return runDiff(e, cmd, args, &f) })
	f.format = formatFlag(cmd, "text", diffFormats...)
	fl := cmd.Flags()
	fl.StringVar(&f.against, "against", "", "compare each PATH at git revision `REV` with the working tree")
	fl.StringArrayVar(&f.components, "component", nil, "component schema `name` of OpenAPI documents OLD and NEW (repeatable)")
	fl.BoolVar(&f.forward, "forward", false, "fail on forward-breaking changes too")
	fl.BoolVar(&f.allowBreaking, "allow-breaking", false, "report breaking changes but exit 0")
	return cmd
}

type diffFlags struct {
	format                 *string
	against                string
	components             []string
	forward, allowBreaking bool
}

// diffFormats are diff's output formats.
var diffFormats = []string{"text", "json", "github", "sarif", "junit", "markdown"}

func runDiff(e *env, cmd *cobra.Command, args []string, f *diffFlags) int {
	if err := oneOf(cmd, "format", *f.format, diffFormats...); err != nil {
		return usage(e, err)
	}
	var pairs []compat.Pair
	var err error
	if f.against != "" {
		pairs, err = compat.Against(f.against, args)
	} else {
		pairs, err = argPair(args)
	}
	if err != nil {
		e.errorf("diff: %s", human.Escape(err.Error()))
		return exitUsage
	}

	code := exitOK
	comps := make([]*comparison, len(pairs))
	for i, p := range pairs {
		comps[i] = newComparison(p)
		if err := comps[i].run(f.components); err != nil {
			comps[i].Error = err.Error()
			e.errorf("diff: %s", human.Escape(comps[i].Error))
			code = exitUsage
		}
	}
	switch *f.format {
	case "json":
		err = writeDiffJSON(e.stdout, comps)
	case "github":
		err = writeDiffGitHub(e.stdout, comps, f.forward)
	case "sarif":
		err = writeDiffSARIF(e.stdout, comps, f.forward)
	case "junit":
		err = writeDiffJUnit(e.stdout, comps, f.forward)
	case "markdown":
		err = writeDiffMarkdown(e.stdout, comps, f.forward)
	default:
		err = writeDiffText(e.stdout, comps, f.forward, e.stdoutPainter())
	}
	if err != nil {
		return stdoutFailed(e, "diff", err)
	}
	if code == exitOK && !f.allowBreaking {
		code = breakingExit(comps, f.forward)
	}
	return e.stepSummary("diff", code, func(w io.Writer) { writeDiffMarkdown(w, comps, f.forward) })
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

	pair compat.Pair
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

func newComparison(p compat.Pair) *comparison {
	return &comparison{Old: p.Old.Name(), New: p.New.Name(), Note: p.Note, Changes: []compat.Change{}, pair: p}
}

// run loads both versions and compares them.
func (c *comparison) run(components []string) error {
	if c.Note != "" {
		return nil
	}
	old, oldLoc, err := c.pair.Old.Load(components)
	if err != nil {
		return err
	}
	new, newLoc, err := c.pair.New.Load(components)
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

// argPair reads OLD NEW arguments.
func argPair(args []string) ([]compat.Pair, error) {
	if len(args) != 2 {
		return nil, errors.New("want OLD and NEW (or --against REV PATH...); run flightline diff --help for help")
	}
	old, err := compat.ParseSource(args[0])
	if err != nil {
		return nil, err
	}
	new, err := compat.ParseSource(args[1])
	if err != nil {
		return nil, err
	}
	return []compat.Pair{{Old: old, New: new}}, nil
}

// writeDiffText writes one line per change and a summary line per
// comparison.
func writeDiffText(out io.Writer, comps []*comparison, failForward bool, p painter) error {
	w := keepErr(out)
	for _, c := range comps {
		switch {
		case c.Error != "":
			continue
		case c.Note != "":
			fmt.Fprintf(w, "%s: %s\n", human.Escape(c.New), c.Note)
			continue
		}
		for _, ch := range c.Changes {
			fmt.Fprintln(w, changeLine(ch, p))
		}
		line := fmt.Sprintf("%s -> %s: %s", human.Escape(c.Old), human.Escape(c.New), summaryText(c.Summary))
		if c.Summary.ForwardBreaking > 0 && !failForward {
			line += " (forward-breaking changes are warnings; --forward fails on them)"
		}
		fmt.Fprintln(w, line)
	}
	return w.err
}

// changeLine is POINTER: CLASS KIND: message (OLD location -> NEW location).
// Its pointer, message and locations are escaped, and its class coloured:
// red for what breaks dumps, yellow for what breaks only code.
func changeLine(c compat.Change, p painter) string {
	pointer := c.Pointer
	if pointer == "" {
		pointer = "(root)"
	}
	class := c.Breaks.String()
	switch c.Breaks {
	case compat.Backward, compat.Both:
		class = p.paint(red, class)
	case compat.Forward:
		class = p.paint(yellow, class)
	}
	return fmt.Sprintf("%s: %s %s: %s (%s -> %s)", human.Escape(pointer), class, c.Kind, human.Escape(c.Message),
		human.Escape(orDash(c.OldLoc)), human.Escape(orDash(c.NewLoc)))
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
func writeDiffJSON(w io.Writer, comps []*comparison) error {
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
	return enc.Encode(doc)
}
