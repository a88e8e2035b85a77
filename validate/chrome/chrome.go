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
	"bufio"
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
type Writer struct {
	w       *bufio.Writer
	err     error
	started bool
	wrote   bool
	t0      jsonrt.Timestamp
	end     jsonrt.Timestamp
	pids    map[string]int
	tids    map[string]int
	open    map[string]*slice // each runner's slice, which its next entry ends
	order   []string          // runners in the order they appear, to end their slices
}

// slice is a runner's last entry, whose duration is not known yet.
type slice struct {
	at       jsonrt.Timestamp
	pid, tid int
	name     string
	args     map[string]any
}

// An event is one trace event of the Trace Event Format.
type event struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   *json.Number   `json:"ts,omitempty"`
	Dur  *json.Number   `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  *int           `json:"tid,omitempty"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 1<<20), pids: map[string]int{}, tids: map[string]int{}, open: map[string]*slice{}}
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
	pid, tid := t.track(e)
	if s, ok := t.open[e.RunnerID]; ok {
		t.endSlice(s, at)
	} else {
		t.order = append(t.order, e.RunnerID)
	}
	args := map[string]any{"event": e.Event}
	if e.TaskID != nil {
		args["taskId"] = *e.TaskID
	}
	t.open[e.RunnerID] = &slice{at: at, pid: pid, tid: tid, name: string(e.Phase), args: args}

	instant := map[string]any{"phase": e.Phase}
	if e.Detail != nil {
		instant["detail"] = *e.Detail
	}
	if len(e.Attrs) > 0 {
		instant["attrs"] = e.Attrs
	}
	if e.TaskID != nil {
		instant["taskId"] = *e.TaskID
	}
	if e.CommandID != nil {
		instant["commandId"] = *e.CommandID
	}
	t.write(event{Name: e.Event, Cat: "event", Ph: "i", S: "t", Ts: t.ts(at), Pid: pid, Tid: &tid, Args: instant})
	if m := e.MlxMemory; m != nil && m.Active != nil {
		name := fmt.Sprintf("MLX active memory, rank %s (%s)", e.DeviceRank, e.RunnerID)
		t.write(event{Name: name, Ph: "C", Ts: t.ts(at), Pid: pid, Args: map[string]any{"bytes": m.Active.InBytes}})
	}
	return t.err
}

// Close ends every runner's last slice at the end of the timeline, and
// the trace.
func (t *Writer) Close() error {
	if !t.started {
		t.start(jsonrt.Timestamp{}, "")
	}
	for _, r := range t.order {
		s := t.open[r]
		// The runner recorded nothing after this entry: say so, since a
		// stuck rank's last slice and a busy one's look alike.
		s.args["lastEntry"] = "the runner's last entry; the slice runs to the end of the timeline"
		t.endSlice(s, t.end)
	}
	// Viewers order processes by sort index: list the nodes by name.
	nodes := slices.Sorted(maps.Keys(t.pids))
	for i, n := range nodes {
		t.write(event{Name: "process_sort_index", Ph: "M", Pid: t.pids[n], Args: map[string]any{"sort_index": i}})
	}
	t.raw("]}\n")
	if t.err == nil {
		t.err = t.w.Flush()
	}
	return t.err
}

func (t *Writer) start(at jsonrt.Timestamp, text string) {
	t.started, t.t0, t.end = true, at, at
	other, _ := json.Marshal(map[string]string{"generator": "flightline export", "start": text})
	t.raw(`{"displayTimeUnit":"ms","otherData":` + string(other) + `,"traceEvents":[`)
}

// track returns the process and thread of the entry's node and runner,
// naming them the first time.
func (t *Writer) track(e *timeline.ClusterTimelineEntry) (pid, tid int) {
	pid, ok := t.pids[e.NodeID]
	if !ok {
		pid = len(t.pids) + 1
		t.pids[e.NodeID] = pid
		t.write(event{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]any{"name": e.NodeID}})
	}
	tid, ok = t.tids[e.RunnerID]
	if !ok {
		tid = len(t.tids) + 1
		t.tids[e.RunnerID] = tid
		name := fmt.Sprintf("rank %s/%s · %s", e.DeviceRank, e.WorldSize, e.RunnerID)
		t.write(event{Name: "thread_name", Ph: "M", Pid: pid, Tid: &tid, Args: map[string]any{"name": name}})
		t.write(event{Name: "thread_sort_index", Ph: "M", Pid: pid, Tid: &tid, Args: map[string]any{"sort_index": e.DeviceRank}})
	}
	return pid, tid
}

func (t *Writer) endSlice(s *slice, end jsonrt.Timestamp) {
	dur := micros(s.at, end)
	t.write(event{Name: s.name, Cat: "phase", Ph: "X", Ts: t.ts(s.at), Dur: &dur, Pid: s.pid, Tid: &s.tid, Args: s.args})
}

// ts is the time of at in microseconds since the first entry.
func (t *Writer) ts(at jsonrt.Timestamp) *json.Number {
	n := micros(t.t0, at)
	return &n
}

func micros(from, to jsonrt.Timestamp) json.Number {
	ns := (to.Unix-from.Unix)*1e9 + int64(to.Nano-from.Nano)
	return json.Number(strconv.FormatFloat(float64(ns)/1e3, 'f', -1, 64))
}

func (t *Writer) write(e event) {
	b, err := json.Marshal(e)
	if err != nil {
		if t.err == nil {
			t.err = err
		}
		return
	}
	if t.wrote {
		t.raw(",\n")
	}
	t.wrote = true
	t.raw(string(b))
}

func (t *Writer) raw(s string) {
	if t.err == nil {
		_, t.err = t.w.WriteString(s)
	}
}
