// Package chrome writes a merged cluster timeline as Chrome trace event
// JSON, for Perfetto.
//
// Perfetto (ui.perfetto.dev) and chrome://tracing show it as a process per
// node and a thread per runner (named by its rank), each entry as a slice
// of its phase that lasts until the runner's next entry, each event as an
// instant with its detail and attrs, and the MLX active memory as a
// counter. A distributed hang is easier to see than to read.
package chrome

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
)

// A Writer writes trace events as entries arrive, in the merge order.
//
// Each event is one JSON object of the Trace Event Format, written as
// encoding/json would write it (the members in a fixed order, the args'
// in the order of their names, strings escaped as json.Marshal escapes
// them), but straight into a buffer: a trace has about three events per
// entry, and reflection over maps of them cost ten times the rest.
type Writer struct {
	w       io.Writer
	buf     []byte // events not yet written to w
	err     error
	started bool
	wrote   bool
	t0      jsonrt.Timestamp
	end     jsonrt.Timestamp
	pids    map[string]int
	runners map[string]*runner
	order   []*runner // in the order they appear
	byName  []int     // scratch for the order of an entry's attributes by name
	plain   []member  // scratch for the attributes of an entry's text
	value   []byte    // scratch for an attribute's value
}

// A runner is a thread of the trace.
type runner struct {
	tid  int
	last slice // the runner's last entry, which its next one ends
	// counter is the name of the runner's memory counter, for the rank
	// written as rank.
	counter string
	rank    []byte
}

// slice is a runner's last entry, whose duration is not known yet.
type slice struct {
	at      jsonrt.Timestamp
	pid     int
	phase   timeline.Phase
	event   []byte
	taskID  []byte // nil when the entry has none
	hasTask bool
}

// An entry is what the writer reads of one timeline entry: its view, and
// either its attributes decoded or the text of each, and the MLX active
// memory as written (nil without).
type entry struct {
	*timeline.ClusterTimelineEntryView
	attrs  timeline.Members[timeline.AttrsValue]
	plain  []member
	active []byte
}

// flushAt is how many bytes of events the Writer holds before it writes
// them.
const flushAt = 256 << 10

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, flushAt+4<<10), pids: map[string]int{}, runners: map[string]*runner{}}
}

// Add writes the events of the next entry of the timeline.
func (t *Writer) Add(e *timeline.ClusterTimelineEntry) error {
	text := func(s *string) []byte {
		if s == nil {
			return nil
		}
		return append([]byte{}, *s...)
	}
	rank, _ := e.DeviceRank.MarshalJSON()
	world, _ := e.WorldSize.MarshalJSON()
	v := timeline.ClusterTimelineEntryView{At: []byte(e.At), NodeID: []byte(e.NodeID), RunnerID: []byte(e.RunnerID), DeviceRank: rank,
		WorldSize: world, Phase: e.Phase, Event: []byte(e.Event), Detail: text(e.Detail), TaskID: text(e.TaskID), CommandID: text(e.CommandID)}
	in := entry{ClusterTimelineEntryView: &v, attrs: e.Attrs}
	if m := e.MlxMemory; m != nil && m.Active != nil {
		in.active, _ = m.Active.InBytes.MarshalJSON()
	}
	return t.add(&in)
}

// AddJSON writes the events of the next entry of the timeline given as
// its JSON text, raw, which the generated validator checked and described
// in v (as merge.Entry hands them over): what Add writes of the entry
// decoded, without decoding it unless its attrs or mlxMemory are written
// in a way that Add would write otherwise (with escapes or spaces), or v
// is nil.
func (t *Writer) AddJSON(raw []byte, v *timeline.ClusterTimelineEntryView) error {
	in := entry{ClusterTimelineEntryView: v}
	if v != nil && t.plainFields(raw, &in) {
		return t.add(&in)
	}
	var e timeline.ClusterTimelineEntry
	if err := e.UnmarshalJSON(raw); err != nil {
		return err
	}
	return t.Add(&e)
}

// add writes the events of an entry.
func (t *Writer) add(e *entry) error {
	at, err := jsonrt.ParseTimestamp(e.At)
	if err != nil {
		return fmt.Errorf("at %q: %v", e.At, err)
	}
	if !t.started {
		t.start(at, string(e.At))
	}
	if at.Compare(t.end) > 0 {
		t.end = at
	}
	pid, r, seen := t.track(e)
	if seen {
		t.endSlice(r, at, false)
	}
	r.last.at, r.last.pid, r.last.phase = at, pid, e.Phase
	r.last.event = append(r.last.event[:0], e.Event...)
	r.last.taskID, r.last.hasTask = append(r.last.taskID[:0], e.TaskID...), e.TaskID != nil

	begin(t, e.Event, "event", "i")
	t.ts(at)
	t.ids(pid, r.tid, true)
	t.buf = append(t.buf, `,"s":"t","args":{`...)
	// The args in the order of their names, as json.Marshal sorts a map.
	comma := false
	if len(e.attrs) > 0 || len(e.plain) > 0 {
		t.buf = append(t.buf, `"attrs":`...)
		t.attrs(e)
		comma = true
	}
	comma = t.optional(comma, "commandId", e.CommandID)
	comma = t.optional(comma, "detail", e.Detail)
	if comma {
		t.buf = append(t.buf, ',')
	}
	t.buf = append(t.buf, `"phase":`...)
	t.buf = appendString(t.buf, e.Phase)
	t.optional(true, "taskId", e.TaskID)
	t.buf = append(t.buf, "}}"...)

	if e.active != nil {
		if r.counter == "" || string(r.rank) != string(e.DeviceRank) {
			r.counter = fmt.Sprintf("MLX active memory, rank %s (%s)", integer(e.DeviceRank), e.RunnerID)
			r.rank = append(r.rank[:0], e.DeviceRank...)
		}
		begin(t, r.counter, "", "C")
		t.ts(at)
		t.ids(pid, 0, false)
		t.buf = append(t.buf, `,"args":{"bytes":`...)
		t.buf = append(t.buf, e.active...)
		t.buf = append(t.buf, "}}"...)
	}
	t.flush(flushAt)
	return t.err
}

// integer is an integer written lit as Int.String writes it.
func integer(lit []byte) string {
	n, err := timeline.ParseInt(lit)
	if err != nil {
		return string(lit) // the validator checked it: cannot happen
	}
	return n.String()
}

// Close ends every runner's last slice at the end of the timeline, and
// the trace.
func (t *Writer) Close() error {
	if !t.started {
		t.start(jsonrt.Timestamp{}, "")
	}
	for _, r := range t.order {
		// The runner recorded nothing after this entry: say so, since a
		// stuck rank's last slice and a busy one's look alike.
		t.endSlice(r, t.end, true)
	}
	// Viewers order processes by sort index: list the nodes by name.
	nodes := slices.Sorted(maps.Keys(t.pids))
	for i, n := range nodes {
		t.metadata("process_sort_index", t.pids[n], 0, false)
		t.buf = append(t.buf, `,"args":{"sort_index":`...)
		t.buf = strconv.AppendInt(t.buf, int64(i), 10)
		t.buf = append(t.buf, "}}"...)
	}
	t.buf = append(t.buf, "]}\n"...)
	t.flush(0)
	return t.err
}

func (t *Writer) start(at jsonrt.Timestamp, text string) {
	t.started, t.t0, t.end = true, at, at
	other, _ := json.Marshal(map[string]string{"generator": "flightline export", "start": text})
	t.buf = append(t.buf, `{"displayTimeUnit":"ms","otherData":`...)
	t.buf = append(t.buf, other...)
	t.buf = append(t.buf, `,"traceEvents":[`...)
}

// track returns the process and thread of the entry's node and runner,
// naming them the first time; seen reports a runner seen before.
func (t *Writer) track(e *entry) (pid int, r *runner, seen bool) {
	pid, ok := t.pids[string(e.NodeID)]
	if !ok {
		pid = len(t.pids) + 1
		t.pids[string(e.NodeID)] = pid
		t.metadata("process_name", pid, 0, false)
		t.buf = append(t.buf, `,"args":{"name":`...)
		t.buf = appendString(t.buf, e.NodeID)
		t.buf = append(t.buf, "}}"...)
	}
	if r, ok := t.runners[string(e.RunnerID)]; ok {
		return pid, r, true
	}
	r = &runner{tid: len(t.runners) + 1}
	t.runners[string(e.RunnerID)] = r
	t.order = append(t.order, r)
	t.metadata("thread_name", pid, r.tid, true)
	t.buf = append(t.buf, `,"args":{"name":`...)
	t.buf = appendString(t.buf, fmt.Sprintf("rank %s/%s · %s", integer(e.DeviceRank), integer(e.WorldSize), e.RunnerID))
	t.buf = append(t.buf, "}}"...)
	t.metadata("thread_sort_index", pid, r.tid, true)
	t.buf = append(t.buf, `,"args":{"sort_index":`...)
	t.buf = append(t.buf, e.DeviceRank...)
	t.buf = append(t.buf, "}}"...)
	return pid, r, false
}

// endSlice writes the slice of a runner's last entry, which lasts until
// end; last says no entry of the runner follows.
func (t *Writer) endSlice(r *runner, end jsonrt.Timestamp, last bool) {
	s := &r.last
	begin(t, s.phase, "phase", "X")
	t.ts(s.at)
	t.buf = append(t.buf, `,"dur":`...)
	t.buf = appendMicros(t.buf, s.at, end)
	t.ids(s.pid, r.tid, true)
	t.buf = append(t.buf, `,"args":{"event":`...)
	t.buf = appendString(t.buf, s.event)
	if last {
		t.buf = append(t.buf, `,"lastEntry":"the runner's last entry; the slice runs to the end of the timeline"`...)
	}
	if s.hasTask {
		t.buf = append(t.buf, `,"taskId":`...)
		t.buf = appendString(t.buf, s.taskID)
	}
	t.buf = append(t.buf, "}}"...)
}

// begin starts an event of t with its name, category (none when "") and
// phase.
func begin[S ~string | ~[]byte](t *Writer, name S, cat, ph string) {
	if t.wrote {
		t.buf = append(t.buf, ",\n"...)
	}
	t.wrote = true
	t.buf = append(t.buf, `{"name":`...)
	t.buf = appendString(t.buf, name)
	if cat != "" {
		t.buf = append(append(append(t.buf, `,"cat":"`...), cat...), '"')
	}
	t.buf = append(append(append(t.buf, `,"ph":"`...), ph...), '"')
}

// metadata starts a metadata event of the process (and thread).
func (t *Writer) metadata(name string, pid, tid int, thread bool) {
	begin(t, name, "", "M")
	t.ids(pid, tid, thread)
}

// ids writes the process and, when thread is set, the thread.
func (t *Writer) ids(pid, tid int, thread bool) {
	t.buf = append(t.buf, `,"pid":`...)
	t.buf = strconv.AppendInt(t.buf, int64(pid), 10)
	if thread {
		t.buf = append(t.buf, `,"tid":`...)
		t.buf = strconv.AppendInt(t.buf, int64(tid), 10)
	}
}

// ts writes the time of at in microseconds since the first entry.
func (t *Writer) ts(at jsonrt.Timestamp) {
	t.buf = append(t.buf, `,"ts":`...)
	t.buf = appendMicros(t.buf, t.t0, at)
}

// appendMicros writes the time from from to to in microseconds, as
// strconv.AppendFloat writes float64(ns)/1e3 of its nanoseconds ns, the
// shortest decimal that reads back as that float.
func appendMicros(b []byte, from, to jsonrt.Timestamp) []byte {
	ns := (to.Unix-from.Unix)*1e9 + int64(to.Nano-from.Nano)
	if ns <= -exactMicros*1e3 || ns >= exactMicros*1e3 {
		return strconv.AppendFloat(b, float64(ns)/1e3, 'f', -1, 64)
	}
	// Below exactMicros, float64s are closer together than half a
	// nanosecond, so that the shortest decimal is the count itself, with
	// three decimals at the most: write it without the float.
	if ns < 0 {
		b, ns = append(b, '-'), -ns
	}
	b = strconv.AppendInt(b, ns/1e3, 10)
	if frac := ns % 1e3; frac != 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b
}

// exactMicros is 2^40 microseconds, about 12.7 days: the doubles below it
// are 2^-12 apart at the most.
const exactMicros = 1 << 40

// optional writes the arg name when the value is set (not nil), after a
// comma when comma is set, and reports whether anything was written by
// then.
func (t *Writer) optional(comma bool, name string, v []byte) bool {
	if v == nil {
		return comma
	}
	if comma {
		t.buf = append(t.buf, ',')
	}
	t.buf = append(append(append(t.buf, '"'), name...), `":`...)
	t.buf = appendString(t.buf, v)
	return true
}

// attrs writes an entry's attributes in the order of their names: the
// texts AddJSON found as they are, or the decoded ones.
func (t *Writer) attrs(e *entry) {
	t.buf = append(t.buf, '{')
	for i, m := range e.plain {
		if i > 0 {
			t.buf = append(t.buf, ',')
		}
		t.buf = append(append(t.buf, m.name...), ':')
		t.buf = appendEscaped(t.buf, m.value)
	}
	t.byName = t.byName[:0]
	for i := range e.attrs {
		t.byName = append(t.byName, i)
	}
	slices.SortStableFunc(t.byName, func(i, j int) int { return strings.Compare(e.attrs[i].Key, e.attrs[j].Key) })
	for n, i := range t.byName {
		if n > 0 {
			t.buf = append(t.buf, ',')
		}
		m := e.attrs[i]
		t.buf = appendString(t.buf, m.Key)
		t.buf = append(t.buf, ':')
		v := m.Value
		start := len(t.buf)
		b, err := v.AppendJSON(t.buf)
		t.fail(err)
		if err == nil {
			// json.Marshal, which wrote the attributes before, escapes more.
			t.value = append(t.value[:0], b[start:]...)
			t.buf = appendEscaped(b[:start], t.value)
		}
	}
	t.buf = append(t.buf, '}')
}

// fail keeps the first error.
func (t *Writer) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// flush writes the events held once they are more than limit bytes.
func (t *Writer) flush(limit int) {
	if len(t.buf) <= limit {
		return
	}
	if t.err == nil {
		_, t.err = t.w.Write(t.buf)
	}
	t.buf = t.buf[:0]
}
