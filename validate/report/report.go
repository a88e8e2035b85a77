// Package report draws a cluster timeline and explain's verdict as one
// self-contained HTML file, which opens offline in any browser.
//
// The page holds everything it needs (styles, script, data; nothing is
// fetched): the verdict on top, with each suspect's reasons and evidence,
// then a swimlane per rank, grouped by model instance and then by node.
// Each phase is a bar coloured by its Family, each entry a tick whose
// detail and attrs show on hover, the suspects' lanes are highlighted and
// their evidence entries marked, a rank that never reported and a node
// that could not be reached are empty lanes that say why, and the time
// axis reads in seconds before the clock, the instant every wait is
// measured to. The lanes are drawn on a canvas with a level of detail
// (bars narrower than a pixel are merged), so that a timeline of 100k
// entries stays quick to zoom and pan.
package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/merge"
)

// Options configure Build.
type Options struct {
	// Explain configures the analysis, as for flightline explain.
	Explain explain.Options
	// MaxEntryBytes bounds one entry; 0 means the reader's default.
	MaxEntryBytes int
	// Title heads the page; "" means one made from the inputs.
	Title string
	// Generator says what wrote the report, such as "flightline v0.1.0".
	Generator string
}

// A Report is a timeline laid out in lanes, with its analysis.
type Report struct {
	Title     string
	Generator string
	Inputs    []string
	Analysis  *explain.Analysis
	// Warnings are what explain could not read as it should.
	Warnings []string
	// Clock is the instant the time axis counts back from.
	Clock time.Time
	// Groups are the lanes as shown: by instance, then node.
	Groups []*Group
	// Evidence are the suspects' evidence, each placed on its lane.
	Evidence []Mark

	strs   interner
	phases []string // the phase table: the schema's, then others as they come
	lanes  []*Lane  // in the order of Groups
}

// A Group is a model instance's lanes, by node.
type Group struct {
	// Instance is the instance id, "" when no input names it (the lanes
	// are then grouped by the tasks their runners share).
	Instance  string
	Model     string
	WorldSize int64
	Nodes     []*NodeGroup
	// Unreachable marks the group of unreachable nodes no rank is known
	// to be on.
	Unreachable bool
}

// A NodeGroup is the lanes of one instance on one node.
type NodeGroup struct {
	Node  string
	Lanes []*Lane
}

// A LaneKind says what a lane holds.
type LaneKind uint8

// The kinds of lane.
const (
	// RunnerLane is a runner's entries.
	RunnerLane LaneKind = iota
	// MissingLane is a rank of an instance that never reported.
	MissingLane
	// UnreachableLane is a node that could not be reached.
	UnreachableLane
)

func (k LaneKind) String() string {
	switch k {
	case RunnerLane:
		return "runner"
	case MissingLane:
		return "missing"
	case UnreachableLane:
		return "unreachable"
	}
	return "LaneKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalJSON writes the kind's name.
func (k LaneKind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// A Lane is one rank's swimlane.
type Lane struct {
	Kind      LaneKind
	Runner    string
	Node      string
	Rank      int64
	WorldSize int64
	// Note says why an empty lane is empty: the node's error.
	Note string
	// Suspect marks a lane of a suspect rank.
	Suspect bool
	// State is the snapshot's word on the runner (phase and time in it),
	// when an input has it.
	State string

	index   int
	entries []record
	spans   []span
}

// Index is the lane's place among the report's lanes, as the page numbers
// them.
func (l *Lane) Index() int { return l.index }

// A Mark is a suspect's evidence, placed on a lane: on an entry, or at the
// clock for what the snapshot says.
type Mark struct {
	Suspect int
	Lane    *Lane
	// Entry is the entry's index in the lane, -1 when the evidence is not
	// an entry of the timeline.
	Entry int
	What  string
	Where explain.Location
}

// A record is one entry as the page shows it: strings are indexes into
// the report's string table, -1 for none.
type record struct {
	at                              int64 // µs since the Unix epoch
	phase                           int32
	event, detail, attrs, task, cmd int32
	memory, pointer, input, line    int32
}

// A span is a run of a lane's entries in one phase, from the first of
// them to the lane's next entry in another phase (or the clock).
type span struct {
	from, to     int64 // µs since the Unix epoch
	phase, first int32
}

// Build reads the inputs as flightline explain does and lays the merged
// timeline out in lanes; the warnings are explain's.
func Build(inputs []merge.Input, opts Options) (*Report, error) {
	r := &Report{Title: opts.Title, Generator: opts.Generator}
	for _, in := range inputs {
		r.Inputs = append(r.Inputs, in.Name)
	}
	c := newCollector(r)
	res, rep, warnings, err := explain.ReadObserved(inputs, opts.Explain, opts.MaxEntryBytes, c)
	if err != nil {
		return nil, err
	}
	r.Analysis, r.Warnings = res, warnings
	if t, err := jsonrt.ParseTimestamp(res.Clock.Value); err == nil {
		r.Clock = t.Time()
	}
	if r.Title == "" {
		r.Title = defaultTitle(r.Inputs)
	}
	r.layout(c, &rep.Doc)
	return r, nil
}

func defaultTitle(inputs []string) string {
	switch len(inputs) {
	case 0:
		return "flightline report"
	case 1:
		return "flightline report: " + inputs[0]
	}
	return "flightline report: " + inputs[0] + " and " + strconv.Itoa(len(inputs)-1) + " more"
}

// A collector keeps the entries explain reads, by runner.
type collector struct {
	r      *Report
	phase  map[string]int32
	inputs map[string]int32
	lanes  map[string]*Lane
	order  []*Lane
	// tasks unites the runners that share a task, for lanes whose
	// instance no input names.
	tasks  map[string]string
	parent map[string]string
	extra  entryExtra
}

func newCollector(r *Report) *collector {
	c := &collector{r: r, inputs: map[string]int32{}}
	for i := len(r.Inputs) - 1; i >= 0; i-- {
		c.inputs[r.Inputs[i]] = int32(i) // a name given twice is the first
	}
	c.Reset()
	return c
}

// Reset forgets the entries: the merge starts over.
func (c *collector) Reset() {
	r := c.r
	r.strs = interner{}
	r.phases = r.phases[:0]
	c.phase = map[string]int32{}
	for _, p := range timeline.Phases() {
		c.phaseIndex(string(p))
	}
	c.lanes = map[string]*Lane{}
	c.order = nil
	c.tasks = map[string]string{}
	c.parent = map[string]string{}
}

func (c *collector) phaseIndex(p string) int32 {
	i, ok := c.phase[p]
	if !ok {
		i = int32(len(c.r.phases))
		c.phase[p] = i
		c.r.phases = append(c.r.phases, p)
	}
	return i
}

// Entry keeps one entry.
func (c *collector) Entry(raw []byte, e *explain.Entry, loc explain.Location) {
	l := c.lanes[e.RunnerID]
	if l == nil {
		l = &Lane{Kind: RunnerLane, Runner: e.RunnerID, Node: e.NodeID, Rank: e.Rank, WorldSize: e.WorldSize}
		c.lanes[e.RunnerID] = l
		c.order = append(c.order, l)
		c.parent[e.RunnerID] = e.RunnerID
	}
	if e.WorldSize > l.WorldSize {
		l.WorldSize = e.WorldSize
	}
	in := c.inputs[loc.Path]
	s := &c.r.strs
	rec := record{at: e.At.UnixMicro(), phase: c.phaseIndex(e.Phase), event: s.add(e.Event), detail: s.addOpt(e.Detail),
		task: s.addOpt(e.TaskID), pointer: s.addOpt(loc.Pointer), input: in, line: int32(loc.Line)}
	c.extra.read(raw)
	rec.attrs, rec.cmd, rec.memory = s.addOpt(c.extra.attrs), s.addOpt(c.extra.command), s.addOpt(c.extra.memory)
	l.entries = append(l.entries, rec)
	if e.TaskID != "" {
		if first, ok := c.tasks[e.TaskID]; !ok {
			c.tasks[e.TaskID] = e.RunnerID
		} else {
			c.unite(first, e.RunnerID)
		}
	}
}

// root is the runner that stands for the runners sharing tasks with r.
func (c *collector) root(r string) string {
	for c.parent[r] != r {
		c.parent[r] = c.parent[c.parent[r]]
		r = c.parent[r]
	}
	return r
}

func (c *collector) unite(a, b string) {
	ra, rb := c.root(a), c.root(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	c.parent[rb] = ra
}

// entryExtra reads what the page shows of an entry beyond what explain
// reads: its attrs, commandId and MLX memory.
type entryExtra struct {
	attrs, command, memory string
	buf                    []byte
}

func (x *entryExtra) read(raw []byte) {
	x.attrs, x.command, x.memory = "", "", ""
	members(raw, func(key, v []byte) bool {
		switch string(key) {
		case "attrs":
			x.attrs = x.attrsText(v)
		case "commandId":
			if s, ok := unquote(v); ok {
				x.command = string(s)
			}
		case "mlxMemory":
			if n := member(member(v, "active"), "inBytes"); len(n) > 0 && n[0] != '"' && n[0] != 'n' {
				x.memory = bytesText(json.Number(n))
			}
		}
		return true
	})
}

// attrsText writes attrs one "key: value" a line, in the order written:
// strings as text, other values as JSON writes them, every digit kept.
func (x *entryExtra) attrsText(raw []byte) string {
	b := x.buf[:0]
	members(raw, func(k, v []byte) bool {
		if len(b) > 0 {
			b = append(b, '\n')
		}
		b = append(append(b, k...), ": "...)
		if s, ok := unquote(v); ok {
			b = append(b, s...)
		} else {
			b = append(b, compact(v)...)
		}
		return true
	})
	x.buf = b
	return string(b)
}

// compact writes a JSON value without its insignificant spaces.
func compact(v []byte) []byte {
	if bytes.IndexAny(v, " \t\r\n") < 0 {
		return v
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// bytesText writes an amount of memory as people read it, with the exact
// number of bytes.
func bytesText(n json.Number) string {
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil || v < 1024 {
		return "active " + string(n) + " B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return "active " + strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i] + " (" + string(n) + " B)"
}

// An interner keeps each string once.
type interner struct {
	index map[string]int32
	list  []string
}

func (t *interner) add(s string) int32 {
	if i, ok := t.index[s]; ok {
		return i
	}
	if t.index == nil {
		t.index = map[string]int32{}
	}
	i := int32(len(t.list))
	t.index[s] = i
	t.list = append(t.list, s)
	return i
}

// addOpt is add, with -1 for "".
func (t *interner) addOpt(s string) int32 {
	if s == "" {
		return -1
	}
	return t.add(s)
}
