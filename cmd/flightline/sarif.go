package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/flightline-dev/flightline/schema/compat"
	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/rule"
)

// SARIF 2.1.0, which GitHub code scanning and other CI systems ingest.
const (
	sarifInfo  = "https://github.com/flightline-dev/flightline"
	sarifRules = sarifInfo + "#rules"
	// sarifDiffRules is where the README lists diff's kinds of change.
	sarifDiffRules = sarifInfo + "#rules-1"
)

// newSARIF starts a log with one run of flightline COMMAND.
func newSARIF(command string) (*sarif.Report, *sarif.Run) {
	log, _ := sarif.New(sarif.Version210) // a known version: no error
	driver := sarif.NewVersionedDriver("flightline", currentVersion().Version).WithInformationURI(sarifInfo).
		WithFullName("flightline " + command)
	run := sarif.NewRun(*sarif.NewTool(driver))
	log.AddRun(run)
	return log, run
}

// writeSARIF writes the log, indented.
func writeSARIF(w io.Writer, log *sarif.Report) error {
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// artifactURI is a path as a SARIF artifact location: a relative URI
// reference, or a file URI for an absolute path.
func artifactURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// sarifLocation is a location in a file, at a line when it is known.
func sarifLocation(path string, line int) *sarif.Location {
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(path)))
	if line > 0 {
		pl.WithRegion(sarif.NewRegion().WithStartLine(line))
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}

// sarifReport writes validate's findings as a SARIF log: every rule, a
// result per finding (at its file and line, with the JSON pointer and the
// entry's index as properties), and the paths that could not be read as
// notifications of a failed invocation.
type sarifReport struct {
	w   io.Writer
	log *sarif.Report
	run *sarif.Run
}

func newSARIFReport(w io.Writer) *sarifReport {
	log, run := newSARIF("validate")
	for _, r := range rule.All {
		run.AddRule(r.Name).WithName(r.Name).WithShortDescription(sarif.NewMultiformatMessageString(r.Summary)).
			WithHelpURI(sarifRules).WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.Severity.String()))
	}
	return &sarifReport{w: w, log: log, run: run}
}

func (r *sarifReport) finding(f validate.Finding) {
	res := r.run.CreateResultForRule(f.Rule.String()).WithRuleIndex(int(f.Rule) - 1).WithLevel(f.Severity.String()).
		WithMessage(sarif.NewTextMessage(findingMessage(f)))
	if f.Path != stdinName {
		res.AddLocation(sarifLocation(f.Path, f.Line))
	}
	pb := sarif.NewPropertyBag()
	if f.Pointer != "" {
		pb.Add("pointer", f.Pointer)
	}
	if f.Entry >= 0 {
		pb.Add("entry", f.Entry)
	}
	if len(pb.Properties) > 0 {
		res.AttachPropertyBag(pb)
	}
}

func (r *sarifReport) fileDone(name string, st validate.Stats) {
	if name != stdinName {
		r.run.AddDistinctArtifact(artifactURI(name))
	}
}

func (r *sarifReport) summary(s *summary) error {
	inv := r.run.AddInvocation(len(s.unreadable) == 0)
	for _, u := range s.unreadable {
		n := sarif.NewNotification().WithLevel("error").WithTextMessage(human.Escape(u.Error))
		if u.Path != stdinName {
			n.AddLocation(sarifLocation(u.Path, 0))
		}
		inv.AddTToolExecutionNotification(n)
	}
	if s.notShown > 0 {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("note").
			WithTextMessage(strconv.Itoa(s.notShown) + " more findings not shown; raise --max-findings"))
	}
	pb := sarif.NewPropertyBag()
	pb.Add("schema", s.schema.Source)
	pb.Add("schemaIdentity", s.schema.Identity)
	r.run.AttachPropertyBag(pb)
	return writeSARIF(r.w, r.log)
}

// changeLevel is how a CI system should weigh a change: an error when it
// fails diff, a warning when it breaks only code, a note when compatible.
func changeLevel(b compat.Direction, failForward bool) string {
	switch {
	case b&compat.Backward != 0, b == compat.Forward && failForward:
		return "error"
	case b == compat.Forward:
		return "warning"
	}
	return "note"
}

// writeDiffSARIF writes diff's changes as a SARIF log: a rule per kind of
// change, a result per change at the NEW schema's definition (and the
// OLD one's as a related location), and the schemas that could not be
// read as notifications of a failed invocation.
func writeDiffSARIF(w io.Writer, comps []*comparison, failForward bool) error {
	log, run := newSARIF("diff")
	ok := true
	var notes []*sarif.Notification
	index := map[compat.Kind]int{}
	for _, c := range comps {
		if c.Error != "" {
			ok = false
			notes = append(notes, sarif.NewNotification().WithLevel("error").WithTextMessage(human.Escape(c.Error)))
		}
		for _, ch := range c.Changes {
			i, seen := index[ch.Kind]
			if !seen {
				i = len(index)
				index[ch.Kind] = i
				run.AddRule(string(ch.Kind)).WithName(string(ch.Kind)).
					WithShortDescription(sarif.NewMultiformatMessageString("a schema change of kind " + string(ch.Kind))).
					WithHelpURI(sarifDiffRules)
			}
			pointer := ch.Pointer
			if pointer == "" {
				pointer = "(root)"
			}
			res := run.CreateResultForRule(string(ch.Kind)).WithRuleIndex(i).WithLevel(changeLevel(ch.Breaks, failForward)).
				WithMessage(sarif.NewTextMessage(human.Escape(pointer + ": " + ch.Message)))
			if path, line, ok := schemaLine(ch.NewLoc); ok {
				res.AddLocation(sarifLocation(path, line))
			}
			if path, line, ok := schemaLine(ch.OldLoc); ok {
				res.AddRelatedLocation(sarifLocation(path, line))
			}
			pb := sarif.NewPropertyBag()
			pb.Add("class", ch.Breaks.String())
			pb.Add("root", ch.Root)
			pb.Add("oldLoc", ch.OldLoc)
			pb.Add("newLoc", ch.NewLoc)
			res.AttachPropertyBag(pb)
		}
	}
	inv := run.AddInvocation(ok)
	for _, n := range notes {
		inv.AddTToolExecutionNotification(n)
	}
	return writeSARIF(w, log)
}

// schemaLine reads where a schema location (file#/json/pointer) is: the
// file, when it is one of the working tree, and the line its pointer
// names there (0 when the file or the pointer cannot be read).
func schemaLine(loc string) (path string, line int, ok bool) {
	path, pointer, _ := strings.Cut(loc, "#")
	if path == "" || strings.HasPrefix(path, "git:") {
		return "", 0, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return path, 0, true
	}
	if off, found := pointerOffset(data, pointer); found {
		line = 1 + bytes.Count(data[:off], []byte{'\n'})
	}
	return path, line, true
}

// pointerOffset returns where the value the JSON pointer names starts in
// the JSON text data.
func pointerOffset(data []byte, pointer string) (int64, bool) {
	var tokens []string
	if pointer != "" {
		if !strings.HasPrefix(pointer, "/") {
			return 0, false
		}
		for _, t := range strings.Split(pointer[1:], "/") {
			tokens = append(tokens, strings.NewReplacer("~1", "/", "~0", "~").Replace(t))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	start := func() int64 { // the start of the value after the last token read
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		return off
	}
	at := start()
	for _, want := range tokens {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		switch tok {
		case json.Delim('{'):
			for {
				k, err := dec.Token()
				if err != nil || k == json.Delim('}') {
					return 0, false
				}
				if k == want {
					at = start()
					break
				}
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return 0, false
				}
			}
		case json.Delim('['):
			n, err := strconv.Atoi(want)
			if err != nil || n < 0 {
				return 0, false
			}
			for i := 0; i < n; i++ {
				var skip json.RawMessage
				if !dec.More() || dec.Decode(&skip) != nil {
					return 0, false
				}
			}
			if !dec.More() {
				return 0, false
			}
			at = start()
		default:
			return 0, false
		}
	}
	return at, true
}
