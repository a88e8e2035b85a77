package merge

import (
	"bytes"
	"fmt"
	"slices"
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
