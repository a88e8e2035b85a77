package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// An entry is one checked entry of an input, with its merge key.
type entry struct {
	raw     []byte
	key     timeline.SortKey
	nodeID  string
	rank    timeline.Int
	atText  []byte
	line    int
	pointer string
	// unsorted marks an entry of an input read as a stream that sorts
	// before the one before it: the input must be sorted first.
	unsorted bool
}

// A source reads one input on a goroutine of its own and hands its
// entries over in batches.
type source struct {
	index   int
	name    string
	batches chan *batch
	free    chan *batch // batches the merge is done with, to fill again
	cur     *batch
	prev    *batch // the batch before cur, still in use
	pos     int
	count   int

	// Known once the input is read: written by the reading goroutine before
	// it closes batches.
	format      dump.Format
	sorted      bool
	warnings    []string
	members     []dump.Member
	runners     []RunnerState
	facts       docFacts
	problems    []*Problem // what Options.Lenient let through
	docProblems []string

	size sizes
	// sent are the batches of an input read whole, kept for a replay.
	sent []*batch
	done chan struct{} // closed when the reading goroutine is done
}

type batch struct {
	entries []entry
	buf     []byte
	err     error
	// pooled marks a batch that owns its memory and goes back to free.
	pooled bool
}

const (
	batchEntries = 1024
	// batchesAhead is how many batches an input reads ahead of the merge.
	batchesAhead = 3
	// memoryBudget is what the inputs' buffers may take in all, before
	// each is held to its floor.
	memoryBudget = 96 << 20
)

// sizes are the buffer sizes of each input of a merge.
type sizes struct {
	batchBytes   int // the text a batch holds
	batchEntries int // the entries a batch holds
	readBuffer   int // the dump reader's first buffer
}

// bufferSizes shares the memory budget among n inputs: a few inputs read
// in large batches, thousands in small ones, so that the merge of many
// small dumps stays small.
func bufferSizes(n int) sizes {
	per := memoryBudget / max(n, 1)
	text := min(max(per/(2*(batchesAhead+3)), 4<<10), 256<<10)
	return sizes{
		batchBytes:   text,
		batchEntries: min(batchEntries, max(text/256, 16)),
		readBuffer:   min(max(per/2, 4<<10), 1<<20),
	}
}

func startSource(i int, in Input, opts Options, sortFirst bool, size sizes, stop <-chan struct{}) *source {
	s := &source{index: i, name: in.Name, batches: make(chan *batch, batchesAhead), free: make(chan *batch, batchesAhead+3), size: size, done: make(chan struct{})}
	go s.read(in, opts, sortFirst, stop)
	return s
}

// replay returns a source that hands over again the entries s read: an
// input read once, for a merge that starts over. s must have been read
// whole (sorted first), so its entries are in the batches it sent, which
// the merge never reuses.
func (s *source) replay() *source {
	<-s.done
	r := &source{index: s.index, name: s.name, batches: make(chan *batch, len(s.sent)), free: make(chan *batch, 1),
		format: s.format, sorted: s.sorted, warnings: s.warnings, members: s.members, runners: s.runners, facts: s.facts,
		docProblems: s.docProblems, sent: s.sent}
	for _, b := range s.sent {
		r.batches <- b
	}
	close(r.batches)
	return r
}

// next returns the input's next entry, or nil at its end. The entry stays
// valid until the input has moved on by two batches: the merge compares
// an entry with the one before it, which may be the last of the batch
// before.
func (s *source) next() (*entry, error) {
	for s.cur == nil || s.pos >= len(s.cur.entries) {
		if s.cur != nil && s.cur.err != nil {
			return nil, s.cur.err
		}
		if s.prev != nil && s.prev.pooled {
			select {
			case s.free <- s.prev:
			default:
			}
		}
		s.prev = s.cur
		b, ok := <-s.batches
		if !ok {
			return nil, nil
		}
		s.cur, s.pos = b, 0
	}
	e := &s.cur.entries[s.pos]
	s.pos++
	s.count++
	return e, nil
}

// read reads the input, checks its entries and sends them in batches. An
// input to sort first (and every node dump) is read whole, sorted and then
// sent.
func (s *source) read(in Input, opts Options, sortFirst bool, stop <-chan struct{}) {
	defer close(s.done)
	defer close(s.batches)
	send := func(b *batch) bool {
		select {
		case s.batches <- b:
			return true
		case <-stop:
			return false
		}
	}
	rc, err := in.Open()
	if err != nil {
		send(&batch{err: err})
		return
	}
	defer rc.Close()

	r := dump.NewReaderSize(rc, opts.MaxEntryBytes, s.size.readBuffer)
	c := checker{name: in.Name, intern: map[string]string{}}
	fresh := func() *batch {
		select {
		case b := <-s.free:
			b.entries, b.buf = b.entries[:0], b.buf[:0]
			return b
		default:
			return &batch{entries: make([]entry, 0, s.size.batchEntries), buf: make([]byte, 0, s.size.batchBytes+s.size.batchBytes/4), pooled: true}
		}
	}
	b := fresh()
	var all []entry // the entries of an input read whole
	collect := sortFirst
	var prev timeline.SortKey
	havePrev, stopped := false, false
	recorders := map[int]recorderMark{} // each runner's last entry, in a node dump
	r.Read(func(it dump.Item) bool {
		if p := it.Problem; p != nil {
			if p.Severity == rule.Warning {
				s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: %s: %s", in.Name, p.Line, p.Rule, p.Message))
				return true
			}
			msg := p.Message
			if p.Pointer != "" {
				msg = p.Pointer + ": " + msg
			}
			if opts.Lenient && !p.Fatal {
				s.problems = append(s.problems, &Problem{Path: in.Name, Line: p.Line, Rule: p.Rule, Message: msg})
				return true
			}
			b.err = &InputError{in.Name, p.Line, p.Rule, msg}
			return false
		}
		if r.Format().Recorders() {
			collect = true // flight recorders are in order each on its own
		}
		e, err := c.check(&it.Entry)
		if err != nil && opts.Lenient {
			var ok bool
			e, ok = c.lenient(&it.Entry)
			p := &Problem{Path: in.Name, Line: err.Line, Rule: err.Rule, Message: err.Message, Dropped: !ok}
			if opts.Pointers {
				p.Pointer = r.Pointer(&it.Entry)
			}
			s.problems = append(s.problems, p)
			if !ok {
				return true
			}
		} else if err != nil {
			b.err = err
			return false
		}
		if it.Entry.Recorder >= 0 {
			s.checkRecorder(&it.Entry, &e, r.Pointer(&it.Entry), recorders)
		}
		if opts.Pointers {
			e.pointer = r.Pointer(&it.Entry)
		}
		if collect {
			e.raw, e.atText = bytes.Clone(e.raw), bytes.Clone(e.atText)
			all = append(all, e)
			return true
		}
		if havePrev && timeline.CompareSortKeys(&e.key, &prev) < 0 {
			e.unsorted = true
			b.add(e)
			return false
		}
		prev, havePrev = e.key, true
		b.add(e)
		if len(b.entries) >= s.size.batchEntries || len(b.buf) >= s.size.batchBytes {
			if !send(b) {
				stopped = true
				return false
			}
			b = fresh()
		}
		return true
	})
	if stopped {
		return
	}
	s.format = r.Format()
	s.members = r.Members()
	s.describeNode(r)
	if collect && b.err == nil {
		sorted := slices.IsSortedFunc(all, func(x, y entry) int { return timeline.CompareSortKeys(&x.key, &y.key) })
		if !sorted {
			slices.SortStableFunc(all, func(x, y entry) int { return timeline.CompareSortKeys(&x.key, &y.key) })
			s.sorted = true
		}
		for i := 0; i < len(all); i += batchEntries {
			s.sent = append(s.sent, &batch{entries: all[i:min(i+batchEntries, len(all))]})
		}
		for _, b := range s.sent {
			if !send(b) {
				return
			}
		}
	}
	send(b)
}

// recorderMark is the last entry of a runner's flight recorder.
type recorderMark struct {
	at      jsonrt.TimeKey
	pointer string
}

// checkRecorder warns about an entry of a node dump that is earlier than
// the entry before it in its runner's flight recorder: the supervisor
// appends in arrival order, so the merge, which sorts it into place, says
// so rather than reordering in silence.
func (s *source) checkRecorder(it *dump.Entry, e *entry, pointer string, recorders map[int]recorderMark) {
	last, ok := recorders[it.Recorder]
	at := jsonrt.MakeTimeKey(e.atText)
	recorders[it.Recorder] = recorderMark{at, pointer}
	if !ok || !last.at.Valid || !at.Valid {
		return
	}
	if step := instantAfter(last.at.Timestamp, at.Timestamp); step > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: %s: recorder-order: at goes back %s from the entry before it in the runner's flight recorder (%s): appended out of order; merged in order of at",
			s.name, it.Line, pointer, step, last.pointer))
	}
}

// instantAfter is how much later a is than b.
func instantAfter(a, b jsonrt.Timestamp) time.Duration {
	return time.Duration(a.Unix-b.Unix)*time.Second + time.Duration(a.Nano-b.Nano)
}

// add copies the entry's texts into the batch.
func (b *batch) add(e entry) {
	start := len(b.buf)
	b.buf = append(b.buf, e.raw...)
	e.raw = b.buf[start:len(b.buf):len(b.buf)]
	start = len(b.buf)
	b.buf = append(b.buf, e.atText...)
	e.atText = b.buf[start:len(b.buf):len(b.buf)]
	b.entries = append(b.entries, e)
}

// A checker checks one input's entries and makes their merge keys.
type checker struct {
	name   string
	v      timeline.Validator
	view   timeline.ClusterTimelineEntryView
	intern map[string]string
}

func (c *checker) str(b []byte) string {
	if s, ok := c.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	c.intern[s] = s
	return s
}

// check checks an entry and returns it with its key and its text on one
// line. The texts may alias the entry and the checker's memory: they are
// valid until the next call.
func (c *checker) check(it *dump.Entry) (entry, *InputError) {
	fail := func(id rule.ID, msg string) (entry, *InputError) {
		return entry{}, &InputError{c.name, it.Line, id, msg}
	}
	var vs []timeline.Violation
	if it.Runner {
		vs = c.v.RunnerFlightRecorderEntry(it.Raw)
	} else {
		vs = c.v.ClusterTimelineEntry(it.Raw, &c.view)
	}
	if len(vs) > 0 {
		v := vs[0]
		msg := v.Message
		if v.Pointer != "" {
			msg = v.Pointer + ": " + msg
		}
		if len(vs) > 1 {
			msg += fmt.Sprintf(" (and %d more; flightline validate lists them)", len(vs)-1)
		}
		return fail(dump.KeywordRule(v.Keyword), msg)
	}
	if _, err := jsonrt.ParseTimestamp(c.view.At); err != nil {
		return fail(rule.Timestamp, fmt.Sprintf("/at: %q: %v; the entry cannot be placed in time", c.view.At, err))
	}
	rank, err := timeline.ParseInt(c.view.DeviceRank)
	if err != nil {
		return fail(rule.Schema, fmt.Sprintf("/deviceRank: %s is %v", c.view.DeviceRank, err)) // validated: cannot happen
	}
	node := c.str(c.view.NodeID)
	e := entry{
		key:    timeline.MakeSortKey(c.view.At, node, rank),
		nodeID: node,
		rank:   rank,
		atText: c.view.At,
		line:   it.Line,
		raw:    it.Raw,
	}
	if bytes.IndexByte(it.Raw, '\n') >= 0 || bytes.IndexByte(it.Raw, '\r') >= 0 {
		// A pretty entry goes out on one line, its strings as written.
		var b bytes.Buffer
		if err := json.Compact(&b, it.Raw); err != nil {
			return fail(rule.JSONSyntax, err.Error()) // checked above; cannot happen
		}
		e.raw = b.Bytes()
	}
	return e, nil
}

// lenient makes an entry of one that breaks the schema, when its merge key
// can still be read: at as a timestamp, nodeId and runnerId as strings,
// deviceRank as an integer, from the entry or, for a flight-recorder
// entry that could not be lifted, from its context. The entry passes as
// written, on one line.
func (c *checker) lenient(it *dump.Entry) (entry, bool) {
	type identity struct {
		At       *string     `json:"at"`
		NodeID   *string     `json:"nodeId"`
		RunnerID *string     `json:"runnerId"`
		Rank     json.Number `json:"deviceRank"`
	}
	var v struct {
		identity
		Context *struct {
			NodeID   *string     `json:"nodeId"`
			RunnerID *string     `json:"runnerId"`
			Rank     json.Number `json:"rank"`
		} `json:"context"`
	}
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(it.Raw, &v); err != nil && !errors.As(err, &typeErr) {
		return entry{}, false
	}
	if v.Context != nil && v.NodeID == nil && v.RunnerID == nil && v.Rank == "" {
		v.NodeID, v.RunnerID, v.Rank = v.Context.NodeID, v.Context.RunnerID, v.Context.Rank
	}
	if v.At == nil || v.NodeID == nil || v.RunnerID == nil {
		return entry{}, false
	}
	rank, err := timeline.ParseInt(v.Rank)
	if _, terr := jsonrt.ParseTimestamp(*v.At); terr != nil || err != nil {
		return entry{}, false
	}
	node := c.str([]byte(*v.NodeID))
	e := entry{
		key:    timeline.MakeSortKey(*v.At, node, rank),
		nodeID: node,
		rank:   rank,
		atText: []byte(*v.At),
		line:   it.Line,
		raw:    it.Raw,
	}
	if bytes.ContainsAny(it.Raw, "\n\r") {
		var b bytes.Buffer
		if json.Compact(&b, it.Raw) == nil {
			e.raw = b.Bytes()
		}
	}
	return e, true
}

// runnerFields are the properties of a ClusterTimelineRunner, which a node
// dump's supervisor runner has among others.
var runnerFields = timeline.ClusterTimelineRunnerProperties()

// describeNode gathers, from a document with flight recorders (a node
// dump, a ClusterDiagnostics, a capture), a ClusterTimelineRunner for each
// of its supervisor runners, and the document's facts (describeDocument).
func (s *source) describeNode(r *dump.Reader) {
	s.describeDocument(r)
	if !r.Format().Recorders() {
		return
	}
	arrayLine := 0
	for _, m := range r.Members() {
		if m.Key == "supervisorRunners" || m.Key == "nodes" || m.Key == "nodeDiagnostics" {
			arrayLine = m.Line
		}
	}
	for i, raw := range r.Runners() {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			continue // reported when the dump was read
		}
		var synopsis bytes.Buffer
		synopsis.WriteByte('{')
		for _, name := range runnerFields {
			v, ok := fields[name]
			if !ok {
				continue
			}
			if synopsis.Len() > 1 {
				synopsis.WriteByte(',')
			}
			key, _ := json.Marshal(name)
			synopsis.Write(key)
			synopsis.WriteByte(':')
			synopsis.Write(v)
		}
		synopsis.WriteByte('}')
		var runner timeline.ClusterTimelineRunner
		if err := runner.UnmarshalJSON(synopsis.Bytes()); err != nil {
			s.docProblems = append(s.docProblems, fmt.Sprintf("%s: supervisor runner %d cannot be described as a ClusterTimelineRunner: %s",
				s.name, i, strings.TrimPrefix(err.Error(), "decode ClusterTimelineRunner: ")))
			continue
		}
		s.runners = append(s.runners, RunnerState{ClusterTimelineRunner: runner, Input: s.name, Line: arrayLine, Pointer: r.RunnerPointer(i)})
	}
}

// describeDocument gathers what a merged ClusterTimeline carries from the
// rest of the document, whatever its kind: when it was taken, the local and
// the master node (as written: Skulk can serve the string "None"), the
// nodes out of reach, and the nodes whose diagnostics it holds.
func (s *source) describeDocument(r *dump.Reader) {
	doc := r.Document()
	if doc == nil {
		return
	}
	var d struct {
		GeneratedAt     *string         `json:"generatedAt"`
		LocalNodeID     *string         `json:"localNodeId"`
		MasterNodeID    json.RawMessage `json:"masterNodeId"`
		NodeID          *string         `json:"nodeId"`
		Runtime         *runtimeFacts   `json:"runtime"`
		NodeDiagnostics *struct {
			Runtime *runtimeFacts `json:"runtime"`
		} `json:"nodeDiagnostics"`
		Nodes []clusterNode `json:"nodes"`
	}
	if json.Unmarshal(doc.Text, &d) != nil {
		return // the reader has said what is wrong with it
	}
	f := &s.facts
	if d.GeneratedAt != nil {
		f.generatedAt = *d.GeneratedAt
	}
	f.master(d.MasterNodeID)
	switch {
	case d.LocalNodeID != nil:
		f.localNodeID = *d.LocalNodeID
	case d.NodeID != nil:
		f.localNodeID = *d.NodeID
	}
	runtimes := []*runtimeFacts{d.Runtime}
	if d.NodeDiagnostics != nil {
		runtimes = append(runtimes, d.NodeDiagnostics.Runtime)
	}
	for _, rt := range runtimes {
		if rt == nil {
			continue
		}
		f.nodes = append(f.nodes, rt.NodeID)
		f.master(rt.MasterNodeID)
		if f.localNodeID == "" {
			f.localNodeID = rt.NodeID
		}
	}
	for _, n := range d.Nodes {
		switch {
		case n.OK && n.Diagnostics != nil:
			f.nodes = append(f.nodes, n.NodeID)
			if n.Diagnostics.Runtime != nil {
				f.master(n.Diagnostics.Runtime.MasterNodeID)
			}
		case !n.OK:
			text := "the diagnostics were not collected"
			if n.Error != nil {
				text = *n.Error
			}
			f.unreachable = append(f.unreachable, timeline.ClusterTimelineUnreachable{NodeID: n.NodeID, URL: n.URL, Error: text})
		}
	}
}

// docFacts are what one input says of the cluster besides its entries.
type docFacts struct {
	generatedAt, localNodeID string
	masterNodeID             *string
	// unreachable are the nodes out of reach a ClusterDiagnostics names;
	// nodes are those whose diagnostics the input holds.
	unreachable []timeline.ClusterTimelineUnreachable
	nodes       []string
}

// master takes the master node from raw, the first time it is given.
func (f *docFacts) master(raw json.RawMessage) {
	var m *string
	if f.masterNodeID == nil && len(raw) > 0 && json.Unmarshal(raw, &m) == nil && m != nil {
		f.masterNodeID = m
	}
}

// runtimeFacts are a node diagnostics' runtime, as far as a merged
// timeline needs it.
type runtimeFacts struct {
	NodeID       string          `json:"nodeId"`
	MasterNodeID json.RawMessage `json:"masterNodeId"`
}

// A clusterNode is one node of a ClusterDiagnostics, as far as a merged
// timeline needs it.
type clusterNode struct {
	NodeID      string  `json:"nodeId"`
	URL         *string `json:"url"`
	OK          bool    `json:"ok"`
	Error       *string `json:"error"`
	Diagnostics *struct {
		Runtime *runtimeFacts `json:"runtime"`
	} `json:"diagnostics"`
}
