package explain

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/validate/human"
)

// screen is the most lines the text output takes without --verbose.
const screen = 40

// A block is a part of the text output, written in full or short.
type block struct {
	full, short []string
	suspect     bool // a suspect's task, or a suspect
}

// Describe writes the analysis as text: the clock, the roll call of each
// unfinished task, a line for the finished ones, what is worth knowing,
// and the verdict. Unless verbose, it fits a screen of 40 lines: parts
// are shortened, and then left out with a line that says so.
func (res *Analysis) Describe(w io.Writer, verbose bool) error {
	head := res.header(verbose)
	var tasks, verdict []block
	suspected := map[string]bool{}
	for _, s := range res.Suspects {
		suspected[s.TaskID] = true
	}
	for _, c := range res.RollCall.Unfinished {
		tasks = append(tasks, res.taskBlock(c, verbose, suspected[c.TaskID]))
	}
	tail := res.tail(verbose)
	for _, s := range res.Suspects {
		verdict = append(verdict, res.suspectBlock(s))
	}
	verdictHead := "verdict: no rank holds the others up"
	if n := len(res.Suspects); n > 0 {
		verdictHead = "verdict: " + plural(n, "suspect", "suspects")
	}
	count := func() int {
		n := len(head) + len(tail) + 2 // the verdict line, and the blank line before it
		for _, bs := range [][]block{tasks, verdict} {
			for _, b := range bs {
				n += len(b.full)
			}
		}
		return n
	}
	var moreTasks, moreSuspects int
	if !verbose {
		for step := 0; count() > screen && step < 3; step++ {
			for i := range tasks {
				if step > 0 || !tasks[i].suspect {
					tasks[i].full = tasks[i].short
				}
			}
			if step > 0 {
				for i := range verdict {
					verdict[i].full = verdict[i].short
				}
			}
		}
		// Then leave out tasks, those without a suspect first, and suspects,
		// from the end, keeping one of each and a line for each that says so.
		for count() > screen-2 {
			last := len(tasks) - 1
			switch {
			case last >= 0 && !tasks[last].suspect:
			case len(tasks) > 1 && len(tasks) >= len(verdict):
			case len(verdict) > 1:
				verdict, moreSuspects = verdict[:len(verdict)-1], moreSuspects+1
				continue
			default:
				last = -1
			}
			if last < 0 {
				break
			}
			tasks, moreTasks = tasks[:last], moreTasks+1
		}
	}
	// Each line is escaped as it is written: task ids, runner ids, details
	// and errors come from the inputs, and a control character in them
	// must not reach the terminal. Plain text is left as it is.
	var b strings.Builder
	line := func(l string) {
		b.WriteString(human.Escape(l))
		b.WriteByte('\n')
	}
	for _, l := range head {
		line(l)
	}
	for _, t := range tasks {
		for _, l := range t.full {
			line(l)
		}
	}
	if moreTasks > 0 {
		line(fmt.Sprintf("and %s (--verbose lists them)", plural(moreTasks, "more unfinished task", "more unfinished tasks")))
	}
	for _, l := range tail {
		line(l)
	}
	line("")
	line(verdictHead)
	for _, s := range verdict {
		for _, l := range s.full {
			line(l)
		}
	}
	if moreSuspects > 0 {
		line(fmt.Sprintf("  and %s (--verbose or --format json lists them)", plural(moreSuspects, "more suspect", "more suspects")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// header is the clock, the timeline, the warnings, the unreachable nodes
// and the notes.
func (res *Analysis) header(verbose bool) []string {
	var out []string
	c := res.Clock
	switch c.Source {
	case FromGeneratedAt:
		out = append(out, "clock: "+c.Value+", when "+c.Input+" was taken (its generatedAt)")
	case FromNow:
		out = append(out, "clock: "+c.Value+" (--now)")
	default:
		if res.Entries > 0 && !c.Clamped {
			out = append(out, "clock: "+c.Value+", the last entry: no input says when it was taken (a ClusterTimeline or a node dump does),")
			out = append(out, "  so every wait is measured to the last entry; --now sets the clock")
		} else if res.Entries > 0 {
			out = append(out, "clock: "+c.Value+", the last entry")
		}
	}
	if res.Entries == 0 {
		out = append(out, "timeline: no entries")
	} else {
		out = append(out, fmt.Sprintf("timeline: %s of %s, %s to %s (the last %s)", plural(res.Entries, "entry", "entries"),
			plural(res.Runners, "runner", "runners"), res.Start, res.End, res.ago(res.end)))
	}
	if res.Warnings > 0 {
		out = append(out, fmt.Sprintf("warnings: %d, on standard error: what this flightline cannot read as it should (a newer Skulk?)", res.Warnings))
	}
	capped := func(lines []string, what string) {
		n := len(lines)
		if !verbose && n > 3 {
			lines = append(lines[:2:2], fmt.Sprintf("and %d more %s (--verbose lists them)", n-2, what))
		}
		out = append(out, lines...)
	}
	var un []string
	for _, u := range res.Unreachable {
		l := "unreachable: node " + u.NodeID
		if u.URL != "" {
			l += " (" + u.URL + ")"
		}
		un = append(un, l+": "+oneLine(u.Error, 200))
	}
	capped(un, "unreachable nodes")
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, "note: "+n)
	}
	capped(notes, "notes")
	return out
}

// tail is the line for the finished tasks, the recovered hangs, and a
// word when nothing is in progress.
func (res *Analysis) tail(verbose bool) []string {
	var out []string
	f := res.RollCall.Finished
	if f.Tasks > 0 || f.Lifecycle > 0 {
		other := ""
		if len(res.RollCall.Unfinished) > 0 {
			other = "other "
		}
		var kinds []string
		for _, k := range []struct {
			n    int
			what string
		}{{f.Completed, "completed"}, {f.Cancelled, "cancelled"}, {f.Failed, "failed"}} {
			if k.n > 0 {
				kinds = append(kinds, strconv.Itoa(k.n)+" "+k.what)
			}
		}
		l := fmt.Sprintf("%d %s%s finished", f.Tasks, other, map[bool]string{true: "task", false: "tasks"}[f.Tasks == 1])
		if len(kinds) > 0 {
			l += " (" + strings.Join(kinds, ", ") + ")"
		}
		if f.Lifecycle > 0 {
			l += fmt.Sprintf(", and %s (connect, load, warm up)", plural(f.Lifecycle, "lifecycle task", "lifecycle tasks"))
		}
		out = append(out, l+fmt.Sprintf("; the last %s ago", human.Duration(max(time.Duration(f.AgoSeconds*float64(time.Second)), 0))))
	}
	if len(res.RollCall.Unfinished) == 0 {
		if res.Entries == 0 && res.Runners == 0 {
			out = append(out, "nothing is in progress: the cluster is idle")
		} else {
			out = append(out, "nothing is in progress")
		}
	}
	if n := len(res.Recovered); n > 0 {
		out = append(out, fmt.Sprintf("recovered hangs: %d (a %s, then progress)", n, eventEvalTimeout))
		for i, r := range res.Recovered {
			if !verbose && i == 3 && n > 4 {
				out = append(out, fmt.Sprintf("  and %d more (--verbose lists them)", n-3))
				break
			}
			out = append(out, fmt.Sprintf("  rank %d of task %s (node %s): timed out %s ago, progress %s later; %s",
				r.Rank, r.TaskID, r.NodeID, human.Duration(max(secs(r.AgoSeconds), 0)), human.Duration(max(secs(r.AfterSeconds), 0)), r.Where))
		}
	}
	return out
}

// taskBlock writes the roll call of one unfinished task.
func (res *Analysis) taskBlock(c *TaskCall, verbose, suspect bool) block {
	title, about := taskTitle(c)
	b := block{suspect: suspect}
	b.full = append(b.full, "", title+" ("+strings.Join(about, ", ")+"): unfinished")
	if verbose {
		rows := [][]string{{"rank", "node", "runner", "status", "phase", "entered", "for", "last event", "last entry"}}
		for _, r := range c.Ranks {
			if r.Status == Missing {
				rows = append(rows, []string{itoa(r.Rank), "-", "-", string(r.Status), "-", "-", "-", "-", "-"})
				continue
			}
			rows = append(rows, []string{itoa(r.Rank), orDash(r.NodeID), orDash(r.RunnerID), string(r.Status), r.Phase, r.Entered,
				human.Duration(max(secs(r.SinceSeconds), 0)), r.LastEvent, human.Duration(max(secs(r.SilentSeconds), 0)) + " ago"})
		}
		b.full = append(b.full, table(rows)...)
	} else {
		for _, g := range c.Groups {
			b.full = append(b.full, fmt.Sprintf("  %-10s %s", rankList(g.Ranks), groupText(g)))
		}
	}
	if d := c.Divergence; d != nil {
		var ways []string
		for i := range d.Ahead {
			if j := slices.Index(d.Each, d.Each[i]); j < i {
				continue // said with an earlier rank
			}
			var ranks []int64
			for k := range d.Ahead {
				if d.Each[k] == d.Each[i] {
					ranks = append(ranks, d.Ahead[k])
				}
			}
			if len(ways) == 0 {
				ways = append(ways, rankList(ranks)+" went on to "+d.Each[i])
			} else {
				ways = append(ways, rankList(ranks)+" to "+d.Each[i])
			}
		}
		when := " " + human.Duration(max(secs(d.AgoSeconds), 0)) + " ago"
		if len(ways) > 1 {
			when = ", from" + when
		}
		l := fmt.Sprintf("  the ranks agree up to %s; %s%s", d.AgreedUpTo, strings.Join(ways, " and "), when)
		if len(d.Behind) > 0 {
			l += ", " + rankList(d.Behind) + " did not"
		}
		b.full = append(b.full, l)
	}
	var where []string
	for _, g := range c.Groups {
		if g.Status == Working {
			where = append(where, rankList(g.Ranks)+" "+g.Phase)
		}
	}
	b.short = []string{fmt.Sprintf("%s (%s): unfinished: %s", title, strings.Join(about, ", "), strings.Join(where, ", "))}
	if suspect {
		b.short = append([]string{""}, b.full[1:min(len(b.full), 4)]...)
	}
	return b
}

// taskTitle names an unfinished task, and what is known of it.
func taskTitle(c *TaskCall) (title string, about []string) {
	if c.InstanceID != "" && (c.TaskID != "" || c.Runner != "") {
		about = append(about, "instance "+c.InstanceID)
	}
	if c.ModelID != "" {
		about = append(about, c.ModelID)
	}
	outside := "outside any task"
	if c.Lifecycle {
		outside = "starting up, outside any task"
	}
	switch {
	case c.TaskID == "" && c.Runner == "":
		return "the runners of instance " + c.InstanceID + ", " + outside, append(about, plural(int(c.WorldSize), "rank", "ranks"))
	case c.TaskID == "":
		return "runner " + c.Runner + ", " + outside, append(about, fmt.Sprintf("rank %d of %d", c.Ranks[0].Rank, c.WorldSize))
	case c.Lifecycle:
		return "lifecycle task " + c.TaskID, append(about, plural(int(c.WorldSize), "rank", "ranks"))
	}
	return "task " + c.TaskID, append(about, plural(int(c.WorldSize), "rank", "ranks"))
}

// groupText says where a group of ranks stopped.
func groupText(g RankGroup) string {
	at := g.Phase
	if g.LastEvent != "" {
		at += " (" + g.LastEvent + ")"
	}
	since, silent := human.Duration(max(secs(g.SinceSeconds), 0)), human.Duration(max(secs(g.SilentSeconds), 0))
	switch g.Status {
	case Missing:
		return "never reported"
	case MovedOn:
		return "moved on to other work; last here in " + at + ", " + silent + " ago"
	case Resting:
		return "done: " + at + ", " + silent + " ago"
	case CrashedStatus:
		return "crashed: " + at + ", " + silent + " ago"
	}
	return at + " for " + since + ", last entry " + silent + " ago"
}

// suspectBlock writes one suspect with its reasons and evidence.
func (res *Analysis) suspectBlock(s Suspect) block {
	title := fmt.Sprintf("  rank %d of task %s: %s", s.Rank, s.TaskID, s.Kind)
	if s.TaskID == "" {
		title = fmt.Sprintf("  rank %d, outside any task: %s", s.Rank, s.Kind)
	}
	switch {
	case s.RunnerID != "":
		title += fmt.Sprintf(" (node %s, runner %s)", s.NodeID, s.RunnerID)
	case s.NodeID != "":
		title += fmt.Sprintf(" (node %s)", s.NodeID)
	}
	b := block{suspect: true, full: []string{title}}
	for _, r := range s.Reasons {
		b.full = append(b.full, "    "+r)
	}
	for _, e := range s.Evidence {
		b.full = append(b.full, "    evidence: "+e.Location.String()+" "+e.What)
	}
	b.short = append([]string{title, "    " + s.Reasons[0]}, b.full[1+len(s.Reasons):min(len(b.full), 1+len(s.Reasons)+2)]...)
	return b
}

// table writes rows with aligned columns, indented.
func table(rows [][]string) []string {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	var out []string
	for _, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range row {
			if i < len(row)-1 {
				fmt.Fprintf(&b, "%-*s  ", widths[i], c)
			} else {
				b.WriteString(c)
			}
		}
		out = append(out, b.String())
	}
	return out
}

func (res *Analysis) ago(t time.Time) string {
	return human.Duration(max(res.Clock.at.Sub(t), 0)) + " ago"
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
