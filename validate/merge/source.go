package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate"
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
	format      validate.Format
	sorted      bool
	warnings    []string
	members     []validate.Member
	runners     []timeline.ClusterTimelineRunner
	nodeID      string
	docProblems []string
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
	batchBytes   = 256 << 10
	// batchesAhead is how many batches an input reads ahead of the merge.
	batchesAhead = 3
)

func startSource(i int, in Input, opts Options, sortFirst bool, stop <-chan struct{}) *source {
	s := &source{index: i, name: in.Name, batches: make(chan *batch, batchesAhead), free: make(chan *batch, batchesAhead+3)}
	go s.read(in, opts, sortFirst, stop)
	return s
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

	r := validate.NewReader(rc, opts.MaxEntryBytes)
	c := checker{name: in.Name, intern: map[string]string{}}
	fresh := func() *batch {
		select {
		case b := <-s.free:
			b.entries, b.buf = b.entries[:0], b.buf[:0]
			return b
		default:
			return &batch{entries: make([]entry, 0, batchEntries), buf: make([]byte, 0, batchBytes+batchBytes/4), pooled: true}
		}
	}
	b := fresh()
	var all []entry // the entries of an input read whole
	collect := sortFirst
	var prev timeline.SortKey
	havePrev, stopped := false, false
	r.Read(func(it validate.Item) bool {
		if p := it.Problem; p != nil {
			if p.Severity == validate.Warning {
				s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: %s: %s", in.Name, p.Line, p.Rule, p.Message))
				return true
			}
			msg := p.Message
			if p.Pointer != "" {
				msg = p.Pointer + ": " + msg
			}
			b.err = &InputError{in.Name, p.Line, p.Rule, msg}
			return false
		}
		if r.Format() == validate.Node {
			collect = true // a node dump's flight recorders are in order each on its own
		}
		e, err := c.check(&it.Entry)
		if err != nil {
			b.err = err
			return false
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
		if len(b.entries) >= batchEntries || len(b.buf) >= batchBytes {
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
			if !send(&batch{entries: all[i:min(i+batchEntries, len(all))]}) {
				return
			}
		}
	}
	send(b)
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
func (c *checker) check(it *validate.Entry) (entry, error) {
	fail := func(rule, msg string) (entry, error) {
		return entry{}, &InputError{c.name, it.Line, rule, msg}
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
		rule := "schema"
		if v.Keyword == timeline.KeywordSyntax {
			rule = "json-syntax"
		}
		return fail(rule, msg)
	}
	if _, err := jsonrt.ParseTimestamp(c.view.At); err != nil {
		return fail("timestamp", fmt.Sprintf("/at: %q: %v; the entry cannot be placed in time", c.view.At, err))
	}
	rank, err := timeline.ParseInt(c.view.DeviceRank)
	if err != nil {
		return fail("schema", fmt.Sprintf("/deviceRank: %s is %v", c.view.DeviceRank, err)) // validated: cannot happen
	}
	node := c.str(c.view.NodeID)
	e := entry{
		key:    timeline.MakeSortKey(c.view.At, node, rank, c.str(c.view.RunnerID)),
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
			return fail("json-syntax", err.Error()) // checked above; cannot happen
		}
		e.raw = b.Bytes()
	}
	return e, nil
}

// runnerFields are the properties of a ClusterTimelineRunner, which a node
// dump's supervisor runner has among others.
var runnerFields = timeline.ClusterTimelineRunnerProperties()

// describeNode gathers, from a node dump, its node's id and a
// ClusterTimelineRunner for each of its supervisor runners.
func (s *source) describeNode(r *validate.Reader) {
	if r.Format() != validate.Node {
		return
	}
	for _, m := range r.Members() {
		if m.Key == "runtime" {
			var rt struct {
				NodeID string `json:"nodeId"`
			}
			json.Unmarshal(m.Raw, &rt)
			s.nodeID = rt.NodeID
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
			s.docProblems = append(s.docProblems, fmt.Sprintf("%s: supervisorRunners/%d cannot be described as a ClusterTimelineRunner: %s",
				s.name, i, strings.TrimPrefix(err.Error(), "decode ClusterTimelineRunner: ")))
			continue
		}
		s.runners = append(s.runners, runner)
	}
}
