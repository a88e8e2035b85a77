package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
)

// maxMarkdownRows is how many findings or changes a Markdown summary
// lists; the rest are counted.
const maxMarkdownRows = 100

// md escapes text for Markdown, in a table cell too: control characters
// as human.Escape writes them, and behind a backslash the punctuation
// that Markdown or HTML would act on within a line (the text never starts
// one).
func md(s string) string {
	s = human.Escape(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// table writes a Markdown table; align has one letter per column, l or r.
func table(w io.Writer, align string, head []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n|", strings.Join(head, " | "))
	for _, a := range align {
		if a == 'r' {
			fmt.Fprint(w, "---:|")
		} else {
			fmt.Fprint(w, "---|")
		}
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}

// markdownReport writes validate's results as a Markdown summary: a table
// of the dump files, and one of the findings.
type markdownReport struct {
	w        io.Writer
	strict   bool
	files    [][]string
	failed   int
	findings [][]string
	more     int
}

func (r *markdownReport) finding(f validate.Finding) {
	if len(r.findings) == maxMarkdownRows {
		r.more++
		return
	}
	where := f.Path
	if f.Line > 0 {
		where += fmt.Sprintf(":%d", f.Line)
	}
	r.findings = append(r.findings, []string{md(where), f.Severity.String(), md(f.Rule.String()), md(findingMessage(f))})
}

func (r *markdownReport) fileDone(name string, st validate.Stats) {
	result := "passes"
	if st.Errors > 0 || (r.strict && st.Warnings > 0) {
		result, r.failed = "**fails**", r.failed+1
	}
	r.files = append(r.files, []string{md(name), fmt.Sprint(st.Entries), fmt.Sprint(st.Errors), fmt.Sprint(st.Warnings), result})
}

func (r *markdownReport) summary(s *summary) error {
	w := keepErr(r.w)
	verdict := "passes"
	if r.failed > 0 || len(s.unreadable) > 0 {
		verdict = "fails"
	}
	fmt.Fprintf(w, "### flightline validate %s\n\n", verdict)
	rows := r.files
	for _, u := range s.unreadable {
		rows = append(rows, []string{md(u.Path), "", "", "", "**cannot be read**: " + md(u.Error)})
	}
	table(w, "lrrrl", []string{"dump", "entries", "errors", "warnings", "result"}, rows)
	if len(r.findings) > 0 {
		label := plural(len(r.findings), "finding", "findings")
		if all := len(r.findings) + r.more + s.notShown; all > len(r.findings) {
			label = fmt.Sprintf("the first %d of %d findings", len(r.findings), all)
		}
		fmt.Fprintf(w, "\n<details><summary>%s</summary>\n\n", label)
		table(w, "llll", []string{"where", "severity", "rule", "message"}, r.findings)
		if r.more > 0 {
			fmt.Fprintf(w, "\nand %d more (the text output lists them)\n", r.more)
		}
		fmt.Fprintln(w, "\n</details>")
	}
	fmt.Fprintf(w, "\n%s; schema %s (%s)\n\n", md(summaryLine(s)), md(s.schema.Source), md(s.schema.Identity))
	return w.err
}

// writeDiffMarkdown writes diff's comparisons as a Markdown summary: a
// table of the comparisons, and one of the changes.
func writeDiffMarkdown(out io.Writer, comps []*comparison, failForward bool) error {
	w := keepErr(out)
	verdict := "passes"
	if breakingExit(comps, failForward) != exitOK || slices.ContainsFunc(comps, func(c *comparison) bool { return c.Error != "" }) {
		verdict = "fails"
	}
	fmt.Fprintf(w, "### flightline diff %s\n\n", verdict)
	var rows, changes [][]string
	more := 0
	for _, c := range comps {
		s := c.Summary
		row := []string{md(c.Old), md(c.New), fmt.Sprint(s.Changes), fmt.Sprint(s.BackwardBreaking), fmt.Sprint(s.ForwardBreaking),
			fmt.Sprint(s.BothWays), fmt.Sprint(s.Compatible), comparisonResult(c, failForward)}
		if c.Error != "" || c.Note != "" {
			row = append(row[:2], "", "", "", "", "", comparisonResult(c, failForward))
		}
		rows = append(rows, row)
		for _, ch := range c.Changes {
			if len(changes) == maxMarkdownRows {
				more++
				continue
			}
			pointer := ch.Pointer
			if pointer == "" {
				pointer = "(root)"
			}
			changes = append(changes, []string{md(pointer), ch.Breaks.String(), md(string(ch.Kind)), md(ch.Message)})
		}
	}
	table(w, "llrrrrrl", []string{"old", "new", "changes", "backward", "forward", "both ways", "compatible", "result"}, rows)
	if len(changes) > 0 {
		fmt.Fprintf(w, "\n<details><summary>%s</summary>\n\n", plural(len(changes)+more, "change", "changes"))
		table(w, "llll", []string{"pointer", "class", "kind", "message"}, changes)
		if more > 0 {
			fmt.Fprintf(w, "\nand %d more (the text output lists them)\n", more)
		}
		fmt.Fprintln(w, "\n</details>")
	}
	fmt.Fprintln(w)
	return w.err
}

// comparisonResult is what a comparison means for the exit status.
func comparisonResult(c *comparison, failForward bool) string {
	switch {
	case c.Error != "":
		return "**cannot be read**: " + md(c.Error)
	case c.Note != "":
		return md(c.Note)
	case breakingExit([]*comparison{c}, failForward) != exitOK:
		return "**breaking**"
	case c.Summary.ForwardBreaking > 0:
		return "forward-breaking changes (warnings)"
	}
	return "compatible"
}

// writeExplainMarkdown writes explain's verdict as a Markdown summary: the
// suspects with their evidence, and the unfinished tasks.
func writeExplainMarkdown(w io.Writer, name string, res *explain.Analysis, extra string) {
	verdict := "no rank holds the others up"
	if n := len(res.Suspects); n > 0 {
		verdict = plural(n, "suspect", "suspects")
	}
	fmt.Fprintf(w, "### flightline %s: %s\n\n", name, verdict)
	fmt.Fprintf(w, "%s of %s; clock %s (%s)\n\n", plural(res.Entries, "entry", "entries"), plural(res.Runners, "runner", "runners"),
		md(res.Clock.Value), md(string(res.Clock.Source)))
	if len(res.Suspects) > 0 {
		var rows [][]string
		for _, s := range res.Suspects {
			rows = append(rows, []string{fmt.Sprint(s.Rank), md(s.TaskID), md(string(s.Kind)), md(s.NodeID), md(s.RunnerID), md(strings.Join(s.Reasons, "; "))})
		}
		table(w, "rlllll", []string{"rank", "task", "kind", "node", "runner", "why"}, rows)
		fmt.Fprintln(w, "\nevidence:")
		for _, s := range res.Suspects {
			for _, ev := range s.Evidence {
				fmt.Fprintf(w, "- rank %d: %s %s\n", s.Rank, md(ev.Location.String()), md(ev.What))
			}
		}
		fmt.Fprintln(w)
	}
	if len(res.RollCall.Unfinished) > 0 {
		var rows [][]string
		for _, c := range res.RollCall.Unfinished {
			var where []string
			for _, g := range c.Groups {
				at := string(g.Status)
				if g.Phase != "" {
					at = fmt.Sprintf("%s for %s", g.Phase, human.Duration(time.Duration(g.SinceSeconds*float64(time.Second))))
				}
				where = append(where, fmt.Sprintf("%s: %s", joinRanks(g.Ranks), at))
			}
			rows = append(rows, []string{md(orDash(c.TaskID)), md(orDash(c.InstanceID)), fmt.Sprint(c.WorldSize), md(strings.Join(where, "; "))})
		}
		fmt.Fprintln(w, "unfinished tasks:")
		fmt.Fprintln(w)
		table(w, "llrl", []string{"task", "instance", "ranks", "where they stopped"}, rows)
		fmt.Fprintln(w)
	}
	for _, u := range res.Unreachable {
		fmt.Fprintf(w, "- unreachable: %s: %s\n", md(u.NodeID), md(u.Error))
	}
	if extra != "" {
		fmt.Fprintln(w, extra)
	}
	fmt.Fprintln(w)
}

func joinRanks(ranks []int64) string {
	s := make([]string, len(ranks))
	for i, r := range ranks {
		s[i] = fmt.Sprint(r)
	}
	if len(s) == 1 {
		return "rank " + s[0]
	}
	return "ranks " + strings.Join(s, ", ")
}
