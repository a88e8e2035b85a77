// Package chrome writes a merged cluster timeline as Chrome trace event
// JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open: a
// process per node and a thread per runner (named by its rank), each entry
// as a slice of its phase that lasts until the runner's next entry, each
// event as an instant with its detail and attrs, and the MLX active memory
// as a counter. A distributed hang is easier to see than to read.
package chrome

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

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
	keys    []string  // scratch for the names of an entry's attributes
}

// A runner is a thread of the trace.
type runner struct {
	tid  int
	last slice // the runner's last entry, which its next one ends
	// counter is the name of the runner's memory counter, for rank.
	counter string
	rank    timeline.Int
}

// slice is a runner's last entry, whose duration is not known yet.
type slice struct {
	at      jsonrt.Timestamp
	pid     int
	phase   string
	event   string
	taskID  string
	hasTask bool
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
	tid := r.tid
	r.last = slice{at: at, pid: pid, phase: string(e.Phase), event: e.Event}
	if e.TaskID != nil {
		r.last.taskID, r.last.hasTask = *e.TaskID, true
	}

	t.begin(e.Event, "event", "i")
	t.ts(at)
	t.ids(pid, tid, true)
	t.buf = append(t.buf, `,"s":"t","args":{`...)
	// The args in the order of their names, as json.Marshal sorts a map.
	comma := false
	if len(e.Attrs) > 0 {
		t.buf = append(t.buf, `"attrs":`...)
		t.attrs(e.Attrs)
		comma = true
	}
	comma = t.optional(comma, "commandId", e.CommandID)
	comma = t.optional(comma, "detail", e.Detail)
	if comma {
		t.buf = append(t.buf, ',')
	}
	t.buf = append(t.buf, `"phase":`...)
	t.buf = appendString(t.buf, string(e.Phase))
	t.optional(true, "taskId", e.TaskID)
	t.buf = append(t.buf, "}}"...)

	if m := e.MlxMemory; m != nil && m.Active != nil {
		if r.counter == "" || r.rank.Cmp(e.DeviceRank) != 0 {
			r.counter, r.rank = fmt.Sprintf("MLX active memory, rank %s (%s)", e.DeviceRank, e.RunnerID), e.DeviceRank
		}
		t.begin(r.counter, "", "C")
		t.ts(at)
		t.ids(pid, 0, false)
		t.buf = append(t.buf, `,"args":{"bytes":`...)
		t.integer(m.Active.InBytes)
		t.buf = append(t.buf, "}}"...)
	}
	t.flush(flushAt)
	return t.err
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
func (t *Writer) track(e *timeline.ClusterTimelineEntry) (pid int, r *runner, seen bool) {
	pid, ok := t.pids[e.NodeID]
	if !ok {
		pid = len(t.pids) + 1
		t.pids[e.NodeID] = pid
		t.metadata("process_name", pid, 0, false)
		t.buf = append(t.buf, `,"args":{"name":`...)
		t.buf = appendString(t.buf, e.NodeID)
		t.buf = append(t.buf, "}}"...)
	}
	if r, ok := t.runners[e.RunnerID]; ok {
		return pid, r, true
	}
	r = &runner{tid: len(t.runners) + 1}
	t.runners[e.RunnerID] = r
	t.order = append(t.order, r)
	t.metadata("thread_name", pid, r.tid, true)
	t.buf = append(t.buf, `,"args":{"name":`...)
	t.buf = appendString(t.buf, fmt.Sprintf("rank %s/%s · %s", e.DeviceRank, e.WorldSize, e.RunnerID))
	t.buf = append(t.buf, "}}"...)
	t.metadata("thread_sort_index", pid, r.tid, true)
	t.buf = append(t.buf, `,"args":{"sort_index":`...)
	t.integer(e.DeviceRank)
	t.buf = append(t.buf, "}}"...)
	return pid, r, false
}

// endSlice writes the slice of a runner's last entry, which lasts until
// end; last says no entry of the runner follows.
func (t *Writer) endSlice(r *runner, end jsonrt.Timestamp, last bool) {
	s := &r.last
	t.begin(s.phase, "phase", "X")
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

// begin starts an event with its name, category (none when "") and phase.
func (t *Writer) begin(name, cat, ph string) {
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
	t.begin(name, "", "M")
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

func appendMicros(b []byte, from, to jsonrt.Timestamp) []byte {
	ns := (to.Unix-from.Unix)*1e9 + int64(to.Nano-from.Nano)
	return strconv.AppendFloat(b, float64(ns)/1e3, 'f', -1, 64)
}

// optional writes the arg name when the value is set, after a comma when
// comma is set, and reports whether anything was written by then.
func (t *Writer) optional(comma bool, name string, v *string) bool {
	if v == nil {
		return comma
	}
	if comma {
		t.buf = append(t.buf, ',')
	}
	t.buf = append(append(append(t.buf, '"'), name...), `":`...)
	t.buf = appendString(t.buf, *v)
	return true
}

// attrs writes an entry's attributes in the order of their names.
func (t *Writer) attrs(attrs map[string]timeline.AttrsValue) {
	t.buf = append(t.buf, '{')
	t.keys = t.keys[:0]
	for k := range attrs {
		t.keys = append(t.keys, k)
	}
	slices.Sort(t.keys)
	for i, k := range t.keys {
		if i > 0 {
			t.buf = append(t.buf, ',')
		}
		t.buf = appendString(t.buf, k)
		t.buf = append(t.buf, ':')
		v := attrs[k]
		b, err := v.AppendJSON(t.buf)
		switch {
		case err != nil:
			t.fail(err)
		case htmlSafe(b[len(t.buf):]):
			t.buf = b
		default:
			// json.Marshal escapes what the value's encoder does not.
			text, err := json.Marshal(v)
			t.fail(err)
			t.buf = append(t.buf, text...)
		}
	}
	t.buf = append(t.buf, '}')
}

// integer writes an integer as written.
func (t *Writer) integer(n timeline.Int) {
	text, err := n.MarshalJSON()
	t.fail(err)
	t.buf = append(t.buf, text...)
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
