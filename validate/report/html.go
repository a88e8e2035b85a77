package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
)

var (
	//go:embed assets/report.html
	pageTemplate string
	//go:embed assets/report.css
	pageStyle string
	//go:embed assets/report.js
	pageScript string
)

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"ago":      func(s float64) string { return human.Duration(time.Duration(s * float64(time.Second))) },
	"plural":   plural,
	"family":   func(p string) string { return FamilyOf(p).String() },
	"int":      func(i int64) int { return int(i) },
	"finished": finishedText,
}).Parse(pageTemplate))

// WriteHTML writes the report as one HTML page that needs nothing else.
func (r *Report) WriteHTML(w io.Writer) error {
	view := r.view()
	if err := page.ExecuteTemplate(w, "head", view); err != nil {
		return err
	}
	// The data goes in a JSON script element: encoding/json writes <, >
	// and & as \u escapes, so that no text of the inputs can end it.
	if _, err := io.WriteString(w, `<script type="application/json" id="flightline-data">`); err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(r.data()); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "</script>\n"); err != nil {
		return err
	}
	return page.ExecuteTemplate(w, "tail", view)
}

// pageView is what the template shows.
type pageView struct {
	*Report
	Style     template.CSS
	Script    template.JS
	Families  []Family
	ClockLine string
	Span      string
	Verdict   string
	Suspects  []suspectView
	Rows      []rowView
	Shown     []string // the warnings listed
}

type suspectView struct {
	explain.Suspect
	Title    string
	Evidence []evidenceView
}

type evidenceView struct {
	Mark  int
	Where string
	What  string
}

// A rowView is a line of the lanes' labels: an instance's or a node's
// heading, or a lane.
type rowView struct {
	Class string
	Text  string
	Lane  *Lane
	Title string
}

// maxWarnings is how many warnings the page lists.
const maxWarnings = 50

func (r *Report) view() *pageView {
	v := &pageView{Report: r, Style: template.CSS(pageStyle), Script: template.JS(pageScript), Families: Families()}
	a := r.Analysis
	v.ClockLine = clockLine(a.Clock)
	if a.Entries > 0 {
		v.Span = fmt.Sprintf("%s of %s, %s to %s", plural(a.Entries, "entry", "entries"), plural(a.Runners, "runner", "runners"), a.Start, a.End)
	} else {
		v.Span = "no entries"
	}
	v.Verdict = "verdict: no rank holds the others up"
	if n := len(a.Suspects); n > 0 {
		v.Verdict = "verdict: " + plural(n, "suspect", "suspects")
	}
	for i, s := range a.Suspects {
		sv := suspectView{Suspect: s, Title: suspectTitle(s)}
		for k, m := range r.Evidence {
			if m.Suspect == i {
				sv.Evidence = append(sv.Evidence, evidenceView{Mark: k, Where: m.Where.String(), What: m.What})
			}
		}
		v.Suspects = append(v.Suspects, sv)
	}
	for _, g := range r.Groups {
		row := rowView{Class: "instance", Text: groupTitle(g)}
		if g.Instance == "" && !g.Unreachable {
			row.Title = "no input names this instance: its ranks are grouped by the tasks they share"
		}
		v.Rows = append(v.Rows, row)
		for _, n := range g.Nodes {
			node := n.Node
			if node == "" {
				node = "node unknown"
			}
			v.Rows = append(v.Rows, rowView{Class: "node", Text: node})
			for _, l := range n.Lanes {
				v.Rows = append(v.Rows, laneRow(l))
			}
		}
	}
	for i := range v.Rows {
		if row := &v.Rows[i]; row.Title == "" {
			row.Title = row.Text
		} else {
			row.Title = row.Text + "\n" + row.Title
		}
	}
	v.Shown = r.Warnings[:min(len(r.Warnings), maxWarnings)]
	return v
}

func clockLine(c explain.Clock) string {
	switch {
	case c.Source == explain.FromGeneratedAt:
		return fmt.Sprintf("clock: %s, when %s was taken (its generatedAt)", c.Value, c.Input)
	case c.Source == explain.FromNow:
		return fmt.Sprintf("clock: %s (--now)", c.Value)
	case c.Clamped:
		return fmt.Sprintf("clock: %s, the last entry (the snapshot's clock is before it)", c.Value)
	}
	return fmt.Sprintf("clock: %s, the last entry: no input says when it was taken, so waits are measured to the last entry", c.Value)
}

func suspectTitle(s explain.Suspect) string {
	t := fmt.Sprintf("rank %d of task %s: %s", s.Rank, s.TaskID, s.Kind)
	var where []string
	if s.NodeID != "" {
		where = append(where, "node "+s.NodeID)
	}
	if s.RunnerID != "" {
		where = append(where, "runner "+s.RunnerID)
	}
	if len(where) > 0 {
		t += " (" + strings.Join(where, ", ") + ")"
	}
	return t
}

func groupTitle(g *Group) string {
	if g.Unreachable {
		return "unreachable nodes"
	}
	parts := []string{"instance " + g.Instance}
	if g.Instance == "" {
		parts = []string{"instance (unnamed)"}
	}
	if g.Model != "" {
		parts = append(parts, g.Model)
	}
	if g.WorldSize > 0 {
		parts = append(parts, plural(int(g.WorldSize), "rank", "ranks"))
	}
	return strings.Join(parts, " · ")
}

func laneRow(l *Lane) rowView {
	row := rowView{Class: "lane " + l.Kind.String(), Lane: l}
	switch l.Kind {
	case RunnerLane:
		row.Text = fmt.Sprintf("rank %d/%d · %s", l.Rank, l.WorldSize, l.Runner)
		row.Title = l.State
	case MissingLane:
		row.Text = fmt.Sprintf("rank %d/%d · no entries", l.Rank, l.WorldSize)
		row.Title = l.Note
	default:
		row.Text = "no entries"
		row.Title = l.Note
	}
	if l.Suspect {
		row.Class += " suspect"
	}
	return row
}

// finishedText sums up the finished tasks, as explain does.
func finishedText(f explain.Finished) string {
	var how []string
	for _, c := range []struct {
		n    int
		what string
	}{{f.Completed, "completed"}, {f.Cancelled, "cancelled"}, {f.Failed, "failed"}} {
		if c.n > 0 {
			how = append(how, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	t := plural(f.Tasks, "other task", "other tasks") + " finished"
	if len(how) > 0 {
		t += " (" + strings.Join(how, ", ") + ")"
	}
	return t + "; the last " + human.Duration(time.Duration(f.AgoSeconds*float64(time.Second))) + " before the clock."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// pageData is what the page's script draws, as JSON. Times are in
// microseconds before (negative) or after the clock; strings are indexes
// into Strings, -1 for none.
type pageData struct {
	Clock       int64      `json:"clock"` // µs since the Unix epoch
	Families    []Family   `json:"families"`
	Phases      []string   `json:"phases"`
	PhaseFamily []Family   `json:"phaseFamily"`
	Strings     []string   `json:"strings"`
	Inputs      []string   `json:"inputs"`
	Lanes       []laneData `json:"lanes"`
	Entries     columns    `json:"entries"`
	Marks       []markData `json:"marks"`
}

type laneData struct {
	Kind    LaneKind `json:"kind"`
	Label   string   `json:"label"`
	Note    string   `json:"note,omitempty"`
	State   string   `json:"state,omitempty"`
	Suspect bool     `json:"suspect,omitempty"`
	// First and Count are the lane's entries in Entries.
	First int `json:"first"`
	Count int `json:"count"`
	// Spans are from, to, phase and first entry (of the lane's), four
	// numbers a span.
	Spans []int64 `json:"spans"`
}

type columns struct {
	T       []int64 `json:"t"`
	Phase   []int32 `json:"phase"`
	Event   []int32 `json:"event"`
	Detail  []int32 `json:"detail"`
	Attrs   []int32 `json:"attrs"`
	Task    []int32 `json:"task"`
	Command []int32 `json:"command"`
	Memory  []int32 `json:"memory"`
	Input   []int32 `json:"input"`
	Line    []int32 `json:"line"`
	Pointer []int32 `json:"pointer"`
}

type markData struct {
	Suspect int    `json:"suspect"`
	Lane    int    `json:"lane"`  // -1 for none
	Entry   int    `json:"entry"` // in Entries, -1 for the clock
	What    string `json:"what"`
	Where   string `json:"where"`
}

func (r *Report) data() *pageData {
	clock := r.Clock.UnixMicro()
	d := &pageData{Clock: clock, Families: Families(), Phases: r.phases, Strings: r.strs.list, Inputs: r.Inputs,
		Lanes: []laneData{}, Marks: []markData{}}
	if d.Strings == nil {
		d.Strings = []string{}
	}
	for _, p := range r.phases {
		d.PhaseFamily = append(d.PhaseFamily, FamilyOf(p))
	}
	c := &d.Entries
	first := map[*Lane]int{}
	for _, l := range r.lanes {
		ld := laneData{Kind: l.Kind, Label: laneRow(l).Text, Note: l.Note, State: l.State, Suspect: l.Suspect,
			First: len(c.T), Count: len(l.entries), Spans: []int64{}}
		first[l] = ld.First
		for _, e := range l.entries {
			c.T = append(c.T, e.at-clock)
			c.Phase = append(c.Phase, e.phase)
			c.Event = append(c.Event, e.event)
			c.Detail = append(c.Detail, e.detail)
			c.Attrs = append(c.Attrs, e.attrs)
			c.Task = append(c.Task, e.task)
			c.Command = append(c.Command, e.cmd)
			c.Memory = append(c.Memory, e.memory)
			c.Input = append(c.Input, e.input)
			c.Line = append(c.Line, e.line)
			c.Pointer = append(c.Pointer, e.pointer)
		}
		for _, s := range l.spans {
			ld.Spans = append(ld.Spans, s.from-clock, s.to-clock, int64(s.phase), int64(s.first))
		}
		d.Lanes = append(d.Lanes, ld)
	}
	c.fill()
	for _, m := range r.Evidence {
		md := markData{Suspect: m.Suspect, Lane: -1, Entry: -1, What: m.What, Where: m.Where.String()}
		if m.Lane != nil {
			md.Lane = m.Lane.index
			if m.Entry >= 0 {
				md.Entry = first[m.Lane] + m.Entry
			}
		}
		d.Marks = append(d.Marks, md)
	}
	return d
}

// fill makes empty columns [] rather than null.
func (c *columns) fill() {
	for _, col := range []*[]int32{&c.Phase, &c.Event, &c.Detail, &c.Attrs, &c.Task, &c.Command, &c.Memory, &c.Input, &c.Line, &c.Pointer} {
		if *col == nil {
			*col = []int32{}
		}
	}
	if c.T == nil {
		c.T = []int64{}
	}
}
