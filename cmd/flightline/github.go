package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
)

// annotation writes one GitHub Actions workflow command (::error,
// ::warning or ::notice), at a file and line when there is one.
func annotation(w io.Writer, level, file string, line int, title, msg string) {
	var props []string
	if file != "" && file != stdinName {
		props = append(props, "file="+githubProperty(human.Escape(file)))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
		}
	}
	props = append(props, "title="+githubProperty(title))
	fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), githubData(human.Escape(msg)))
}

// writeDiffGitHub writes diff's changes as workflow commands, at the line
// of the NEW schema that defines what changed: an error for what fails
// diff, a warning for what breaks only code, a notice for the rest; then
// the summary lines of the text output.
func writeDiffGitHub(out io.Writer, comps []*comparison, failForward bool) error {
	w := keepErr(out)
	levels := map[string]string{"error": "error", "warning": "warning", "note": "notice"}
	for _, c := range comps {
		switch {
		case c.Error != "":
			annotation(w, "error", "", 0, "flightline diff", c.Error)
			continue
		case c.Note != "":
			annotation(w, "notice", c.pair.New.Path, 0, "flightline diff", c.New+": "+c.Note)
			continue
		}
		for _, ch := range c.Changes {
			file, line, _ := schemaLine(ch.NewLoc)
			pointer := ch.Pointer
			if pointer == "" {
				pointer = "(root)"
			}
			annotation(w, levels[changeLevel(ch.Breaks, failForward)], file, line, "flightline diff "+ch.Breaks.String()+" "+string(ch.Kind),
				fmt.Sprintf("%s: %s (%s -> %s)", pointer, ch.Message, orDash(ch.OldLoc), orDash(ch.NewLoc)))
		}
		fmt.Fprintf(w, "%s -> %s: %s\n", human.Escape(c.Old), human.Escape(c.New), summaryText(c.Summary))
	}
	return w.err
}

// writeExplainGitHub writes explain's verdict as workflow commands: an
// error per suspect at its first evidence entry, naming every sign and
// entry, and a notice per note; then the verdict line.
func writeExplainGitHub(w io.Writer, res *explain.Analysis) {
	for _, s := range res.Suspects {
		file, line := "", 0
		if len(s.Evidence) > 0 {
			file, line = s.Evidence[0].Path, s.Evidence[0].Line
		}
		var ev []string
		for _, e := range s.Evidence {
			ev = append(ev, e.Location.String()+" "+e.What)
		}
		where := ""
		if s.NodeID != "" || s.RunnerID != "" {
			where = fmt.Sprintf(" (node %s, runner %s)", orDash(s.NodeID), orDash(s.RunnerID))
		}
		annotation(w, "error", file, line, "flightline explain "+string(s.Kind),
			fmt.Sprintf("rank %d of task %s%s holds the others up: %s; evidence: %s", s.Rank, s.TaskID, where,
				strings.Join(s.Reasons, "; "), strings.Join(ev, "; ")))
	}
	for _, n := range res.Notes {
		annotation(w, "notice", "", 0, "flightline explain", n)
	}
	if n := len(res.Suspects); n > 0 {
		fmt.Fprintf(w, "verdict: %s\n", plural(n, "suspect", "suspects"))
	} else {
		fmt.Fprintln(w, "verdict: no rank holds the others up")
	}
}
