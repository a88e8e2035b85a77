package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/human"
)

// The JUnit XML that CI systems read (Jenkins, GitLab, GitHub actions that
// publish test results): a suite with a test case per dump file or per
// comparison.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

// writeJUnit writes one suite of cases, counting them.
func writeJUnit(w io.Writer, name string, props []junitProperty, cases []junitCase) error {
	s := junitSuite{Name: name, Cases: cases, Tests: len(cases)}
	if len(props) > 0 {
		s.Properties = &junitProperties{props}
	}
	for _, c := range cases {
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	doc := junitSuites{Name: name, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitReport writes validate's results as JUnit XML: a test case per dump
// file, failed when it has errors (or warnings, with --strict), its
// findings in the failure's text; a path that cannot be read is an error.
type junitReport struct {
	w      io.Writer
	strict bool
	lines  []string // the findings of the file being read
	cases  []junitCase
}

func (r *junitReport) finding(f validate.Finding) {
	r.lines = append(r.lines, fmt.Sprintf("%s:%d: %s %s: %s", human.Escape(f.Path), f.Line, f.Severity, f.Rule, findingMessage(f)))
}

func (r *junitReport) fileDone(name string, st validate.Stats) {
	c := junitCase{Name: human.Escape(name), Classname: "flightline.validate"}
	text := strings.Join(r.lines, "\n")
	if n := st.Errors + st.Warnings - len(r.lines); n > 0 {
		text += fmt.Sprintf("\n(%d more findings not shown; raise --max-findings)", n)
	}
	counts := fmt.Sprintf("%s, %s in %s", plural(st.Errors, "error", "errors"), plural(st.Warnings, "warning", "warnings"),
		plural(st.Entries, "entry", "entries"))
	switch {
	case st.Errors > 0 || (r.strict && st.Warnings > 0):
		c.Failure = &junitProblem{Message: counts, Type: "flightline validate", Text: strings.TrimSpace(text)}
	case len(r.lines) > 0:
		c.SystemOut = &junitText{counts + "\n" + text}
	}
	r.cases = append(r.cases, c)
	r.lines = nil
}

func (r *junitReport) summary(s *summary) error {
	for _, u := range s.unreadable {
		r.cases = append(r.cases, junitCase{Name: human.Escape(u.Path), Classname: "flightline.validate",
			Error: &junitProblem{Message: human.Escape(u.Error), Type: "unreadable"}})
	}
	return writeJUnit(r.w, "flightline validate", []junitProperty{{"schema", s.schema.Source}, {"schemaIdentity", s.schema.Identity}}, r.cases)
}

// writeDiffJUnit writes diff's comparisons as JUnit XML: a test case per
// comparison, failed when a change breaks what the exit status counts,
// with its changes in the text; a schema that cannot be read is an error,
// a new schema with nothing to compare is skipped.
func writeDiffJUnit(w io.Writer, comps []*comparison, failForward bool) error {
	var cases []junitCase
	for _, c := range comps {
		jc := junitCase{Name: human.Escape(c.Old + " -> " + c.New), Classname: "flightline.diff"}
		var lines []string
		for _, ch := range c.Changes {
			lines = append(lines, changeLine(ch, false))
		}
		text := strings.Join(lines, "\n")
		switch {
		case c.Error != "":
			jc.Error = &junitProblem{Message: human.Escape(c.Error), Type: "unreadable"}
		case c.Note != "":
			jc.Skipped = &junitProblem{Message: human.Escape(c.Note)}
		case breakingExit([]*comparison{c}, failForward) != exitOK:
			jc.Failure = &junitProblem{Message: summaryText(c.Summary), Type: "flightline diff", Text: text}
		case text != "":
			jc.SystemOut = &junitText{summaryText(c.Summary) + "\n" + text}
		}
		cases = append(cases, jc)
	}
	return writeJUnit(w, "flightline diff", nil, cases)
}
