package merge

import (
	"fmt"
	"slices"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// An entry is one item of an input: an entry, with its merge key once
// checked, or a problem the reader found.
type entry struct {
	raw  []byte
	line int
	// runner marks a flight-recorder entry that could not be lifted, and
	// recorder numbers its recorder (-1 for other entries).
	runner   bool
	recorder int
	// pointer is the entry's JSON pointer, for Options.Pointers and in a
	// flight recorder.
	pointer string
	problem *dump.Problem

	// What checking found.
	key    timeline.SortKey
	nodeID string
	rank   timeline.Int
	// view describes an entry that follows the schema (valid is set);
	// its texts are the batch's. Of an entry that does not, kept under
	// Options.Lenient, it has at only.
	view  keptView
	valid bool
	// fault is why the entry breaks the schema; under Options.Lenient,
	// kept says its merge key could still be read.
	fault *InputError
	kept  bool
	// unsorted marks an entry of an input read as a stream that sorts
	// before the one before it: the input must be sorted first.
	unsorted bool
}

// A source reads one input and hands its entries over in batches, in
// three steps: a goroutine reads the input into batches, the merge's
// checkers check them (several batches at once), and a second goroutine
// takes them in order, says what they hold that is not an entry, and
// passes the entries on (or, for an input to sort first, sorts them all
// first).
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
	members     []dump.Member
	runners     []RunnerState
	facts       docFacts
	docProblems []string
	// Written by the goroutine that takes the batches in order.
	sorted   bool
	warnings []string
	problems []*Problem // what Options.Lenient let through

	size sizes
	// sent are the batches of an input read whole, kept for a replay.
	sent []*batch
	done chan struct{} // closed when the input has been read and sent
}

type batch struct {
	src     *source
	entries []entry
	buf     []byte // the entries' texts
	text    []byte // the texts of their views
	err     error
	// recorders reports that the input holds flight recorders.
	recorders bool
	// done is closed once the entries are checked.
	done chan struct{}
	// pooled marks a batch that owns its memory and goes back to free.
	pooled bool
}

const (
	batchEntries = 1024
	// batchesAhead is how many batches an input reads ahead of the
	// checkers, and they of the merge.
	batchesAhead = 2
	// batchesHeld is how many batches an input holds at most: those ahead,
	// the one being read, the one being taken in order, and the merge's
	// current and previous ones.
	batchesHeld = 2*batchesAhead + 4
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
	text := min(max(per/(2*batchesHeld), 4<<10), 128<<10)
	return sizes{
		batchBytes:   text,
		batchEntries: min(batchEntries, max(text/256, 16)),
		readBuffer:   min(max(per/2, 4<<10), 1<<20),
	}
}

func startSource(i int, in Input, opts Options, sortFirst bool, size sizes, check chan<- *batch, stop <-chan struct{}) *source {
	s := &source{index: i, name: in.Name, batches: make(chan *batch, batchesAhead), free: make(chan *batch, batchesHeld), size: size, done: make(chan struct{})}
	read := make(chan *batch, batchesAhead)
	quit := make(chan struct{})
	go s.read(in, opts, read, check, quit, stop)
	go s.inOrder(opts, sortFirst, read, quit, stop)
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

// read reads the input into batches, each sent both to the checkers and,
// in order, to the goroutine that takes them in order. It stops early
// when that goroutine quits.
func (s *source) read(in Input, opts Options, read chan<- *batch, check chan<- *batch, quit, stop <-chan struct{}) {
	defer close(read)
	send := func(b *batch) bool {
		for _, ch := range []chan<- *batch{check, read} {
			select {
			case ch <- b:
			case <-quit:
				return false
			case <-stop:
				return false
			}
		}
		return true
	}
	rc, err := in.Open()
	if err != nil {
		b := s.fresh()
		b.err = err
		close(b.done)
		read <- b
		return
	}
	defer rc.Close()

	r := dump.NewReaderSize(rc, opts.MaxEntryBytes, s.size.readBuffer)
	b := s.fresh()
	stopped := false
	r.Read(func(it dump.Item) bool {
		e := entry{problem: it.Problem}
		if it.Problem == nil {
			start := len(b.buf)
			b.buf = append(b.buf, it.Entry.Raw...)
			e.raw = b.buf[start:len(b.buf):len(b.buf)]
			e.line, e.runner, e.recorder = it.Entry.Line, it.Entry.Runner, it.Entry.Recorder
			if opts.Pointers || e.recorder >= 0 {
				e.pointer = r.Pointer(&it.Entry)
			}
			b.recorders = r.Format().Recorders()
		}
		b.entries = append(b.entries, e)
		if len(b.entries) >= s.size.batchEntries || len(b.buf) >= s.size.batchBytes {
			if !send(b) {
				stopped = true
				return false
			}
			b = s.fresh()
		}
		return true
	})
	if stopped {
		return
	}
	s.format = r.Format()
	s.members = r.Members()
	s.describeNode(r)
	send(b)
}

// fresh returns an empty batch: one the merge is done with, or a new one.
func (s *source) fresh() *batch {
	select {
	case b := <-s.free:
		b.entries, b.buf, b.text, b.recorders, b.err = b.entries[:0], b.buf[:0], b.text[:0], false, nil
		b.done = make(chan struct{})
		return b
	default:
		return &batch{src: s, entries: make([]entry, 0, s.size.batchEntries), buf: make([]byte, 0, s.size.batchBytes+s.size.batchBytes/4),
			pooled: true, done: make(chan struct{})}
	}
}

// inOrder takes the checked batches of the input in order. It reports
// what the reader and the checker found in the order of the input: a
// warning, a problem that stops the merge, or, under Options.Lenient, a
// problem it carries on past. It passes the entries on to the merge, or,
// for an input to sort first (and every one with flight recorders, which
// are in order each on its own), sorts them all and then passes them on.
// An input read as a stream that turns out not to be in order ends with
// the entry out of order, marked unsorted.
func (s *source) inOrder(opts Options, sortFirst bool, read <-chan *batch, quit chan<- struct{}, stop <-chan struct{}) {
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
	var all []entry // the entries of an input read whole
	collect := sortFirst
	var prev timeline.SortKey
	havePrev := false
	recorders := map[int]recorderMark{} // each runner's last entry, in a node dump
	for b := range read {
		select {
		case <-b.done:
		case <-stop:
			return
		}
		collect = collect || b.recorders
		kept, last := 0, false
		for i := range b.entries {
			e := &b.entries[i]
			if !s.take(e, b, opts) {
				last = true
				break
			}
			if e.problem != nil || (e.fault != nil && !e.kept) {
				continue
			}
			if e.recorder >= 0 {
				s.checkRecorder(e, recorders)
			}
			if collect {
				all = append(all, *e)
				continue
			}
			if havePrev && timeline.CompareSortKeys(&e.key, &prev) < 0 {
				e.unsorted, last = true, true
			}
			prev, havePrev = e.key, true
			if kept != i {
				b.entries[kept] = *e
			}
			kept++
			if last {
				break
			}
		}
		switch {
		case collect && b.err != nil:
			send(&batch{err: b.err})
		case collect:
			continue // its entries are in all
		default:
			b.entries = b.entries[:kept]
			if !send(b) {
				last = true
			}
		}
		if last {
			close(quit)
			return
		}
	}
	if !collect {
		return
	}
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

// take takes in what the reader or the checker found of one item of b,
// in the order of the input. It reports false, setting b.err, for what
// stops the merge.
func (s *source) take(e *entry, b *batch, opts Options) bool {
	if p := e.problem; p != nil {
		msg := p.Message
		if p.Pointer != "" {
			msg = p.Pointer + ": " + msg
		}
		if p.Severity == rule.Warning {
			s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: %s: %s", s.name, p.Line, p.Rule, msg))
			return true
		}
		if opts.Lenient && !p.Fatal {
			s.problems = append(s.problems, &Problem{Path: s.name, Line: p.Line, Rule: p.Rule, Message: msg})
			return true
		}
		b.err = &InputError{s.name, p.Line, p.Rule, msg}
		return false
	}
	if f := e.fault; f != nil {
		if !opts.Lenient {
			b.err = f
			return false
		}
		p := &Problem{Path: s.name, Line: f.Line, Rule: f.Rule, Message: f.Message, Dropped: !e.kept}
		if opts.Pointers {
			p.Pointer = e.pointer
		}
		s.problems = append(s.problems, p)
	}
	return true
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
func (s *source) checkRecorder(e *entry, recorders map[int]recorderMark) {
	last, ok := recorders[e.recorder]
	at := jsonrt.MakeTimeKey(e.view.at())
	recorders[e.recorder] = recorderMark{at, e.pointer}
	if !ok || !last.at.Valid || !at.Valid {
		return
	}
	if step := instantAfter(last.at.Timestamp, at.Timestamp); step > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: %s: recorder-order: at goes back %s from the entry before it in the runner's flight recorder (%s): appended out of order; merged in order of at",
			s.name, e.line, e.pointer, step, last.pointer))
	}
}

// instantAfter is how much later a is than b.
func instantAfter(a, b jsonrt.Timestamp) time.Duration {
	return time.Duration(a.Unix-b.Unix)*time.Second + time.Duration(a.Nano-b.Nano)
}
