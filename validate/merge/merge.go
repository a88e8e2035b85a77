// Package merge merges cluster timeline dumps into one timeline, as
// Skulk's timeline endpoint serves it.
//
// The inputs may be per node or per rank, in any of the dump formats; the
// result is in the schema's merge order.
//
// Inputs that are in order are merged as streams, k ways, holding a few
// batches of entries per input; the entries are checked on every core. An
// input that turns out not to be in order is
// sorted in memory first (a node dump always is: its flight recorders are
// in order each on its own), and the merge starts over. Entries pass
// through as written: an NDJSON line byte for byte, an entry of a node dump
// as the generated lift writes it, with every value as written.
package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// An Input is one dump to merge. Open may be called more than once: the
// merge starts over when an input turns out not to be in order; an input
// that must be read once (standard input, a pipe) is marked Once.
type Input struct {
	Name string
	Open func() (io.ReadCloser, error)
	// Once says the input cannot be read twice. It is read whole, once,
	// and kept in memory (its entries, sorted) for as long as the merge
	// may start over: memory grows with it, as it does for a node dump.
	Once bool
}

// Options configure Merge.
type Options struct {
	// Dedupe drops entries that are the same as an entry of the same key
	// before them (the same node dumped twice); they are counted either way.
	Dedupe bool
	// MaxEntryBytes bounds one entry; 0 means dump.DefaultMaxEntryBytes.
	MaxEntryBytes int
	// Pointers asks for the JSON pointer of each entry in its input.
	Pointers bool
	// Views asks for each entry's view (Entry.View).
	Views bool
	// Lenient carries on past an entry that breaks the schema, and past a
	// problem of a dump that does not stop its reading: each is reported
	// in its InputReport's Problems, and the entry is merged as written
	// when its merge key (at, nodeId, deviceRank, runnerId) can still be
	// read, and dropped when it cannot. Only a dump that cannot be read
	// on stops the merge.
	Lenient bool
}

// An Entry is one entry of the merged timeline.
type Entry struct {
	// Raw is the entry's JSON text, on one line. It is valid until the
	// emit function returns.
	Raw []byte
	Key timeline.SortKey
	// View describes the entry as the generated validator read it, valid
	// until emit returns, when Options.Views asks for it; it is nil for an
	// entry that breaks the schema, which Options.Lenient let through.
	View *timeline.ClusterTimelineEntryView
	// Input and Line say where the entry comes from, and Pointer, when
	// Options.Pointers asks for it, where in the input's document.
	Input   int
	Line    int
	Pointer string
}

// An InputError is a problem of one input that stops the merge.
type InputError struct {
	Path    string
	Line    int
	Rule    rule.ID
	Message string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.Path, e.Line, e.Rule, e.Message)
}

// A Problem is what Options.Lenient let the merge carry on past: an entry
// that breaks the schema, merged as written or, when its merge key could
// not be read, dropped; or a problem of the dump around the entries.
type Problem struct {
	Path string
	Line int
	// Pointer is the entry's JSON pointer in its input, when
	// Options.Pointers asks for it and the input is not NDJSON.
	Pointer string
	Rule    rule.ID
	Message string
	Dropped bool
}

func (p *Problem) Error() string {
	at := p.Path + ":" + strconv.Itoa(p.Line)
	if p.Pointer != "" {
		at += " (" + p.Pointer + ")"
	}
	s := fmt.Sprintf("%s: %s: %s", at, p.Rule, p.Message)
	if p.Dropped {
		s += "; the entry is left out: its merge key cannot be read"
	}
	return s
}

// A Report says what a merge did.
type Report struct {
	Entries int
	Inputs  []InputReport
	// Duplicates counts entries that were the same as the entry before
	// them; Dropped those that --dedupe left out.
	Duplicates, Dropped int
	// Moved counts entries whose place follows the instant of their at
	// where Skulk, which compares at as text, would put them elsewhere.
	Moved int
	// Doc is the rest of the inputs' documents, for a ClusterTimeline
	// output.
	Doc Document
}

// An InputReport says what one input held.
type InputReport struct {
	Name    string
	Format  dump.Format
	Entries int
	// Sorted reports an input that was not in order and was sorted first.
	Sorted bool
	// Warnings are what reading it found that does not stop the merge.
	Warnings []string
	// Problems are what Options.Lenient let the merge carry on past.
	Problems []*Problem
	// Members are the names of the top-level members of a ClusterTimeline
	// or node document, and GeneratedAt its generatedAt as written ("" when
	// it has none, or one that is not a string).
	Members     []string
	GeneratedAt string
}

// Merge reads the inputs and calls emit with each entry of the merged
// timeline, in the order of timeline.Compare. reset is called before the
// merge starts over (emit must then forget what it was given). The *Entry
// emit gets is reused for the next entry: emit must not keep it. A malformed
// input, an entry that breaks the schema or whose at is not a timestamp
// stops the merge with an *InputError, unless Options.Lenient says
// otherwise.
func Merge(inputs []Input, opts Options, reset func() error, emit func(*Entry) error) (*Report, error) {
	sortFirst := make([]bool, len(inputs))
	kept := make([]*source, len(inputs)) // the inputs read once, as read
	// The checkers serve every input, and outlast a merge that starts over.
	done := make(chan struct{})
	defer close(done)
	check := startCheckers(opts, done)
	for {
		rep, unsorted, err := mergeOnce(inputs, sortFirst, kept, opts, check, emit)
		if err != nil || unsorted < 0 {
			return rep, err
		}
		// An input was out of order: sort it first, and start over.
		sortFirst[unsorted] = true
		if err := reset(); err != nil {
			return nil, err
		}
	}
}

// mergeOnce merges the inputs, the ones marked in sortFirst sorted in
// memory, their entries checked by check. It stops early, returning the
// index of the input, when an input read as a stream turns out to be out
// of order. kept holds the inputs that are read once, from an earlier try,
// and gets those read now.
func mergeOnce(inputs []Input, sortFirst []bool, kept []*source, opts Options, check chan<- *batch, emit func(*Entry) error) (*Report, int, error) {
	rep := &Report{Inputs: make([]InputReport, len(inputs))}
	stop := make(chan struct{})
	defer close(stop)
	sources := make([]*source, len(inputs))
	size := bufferSizes(len(inputs))
	for i, in := range inputs {
		rep.Inputs[i].Name = in.Name
		switch {
		case kept[i] != nil:
			sources[i] = kept[i].replay()
		case in.Once:
			sources[i] = startSource(i, in, opts, true, size, check, stop)
			kept[i] = sources[i]
		default:
			sources[i] = startSource(i, in, opts, sortFirst[i], size, check, stop)
		}
	}

	var heads mergeHeap
	for _, s := range sources {
		e, err := s.next()
		if err != nil {
			return rep, -1, err
		}
		if e != nil {
			heads.push(head{e, s})
		}
	}
	// advance replaces the head of s, which is on top, with the entry of s
	// that follows, or takes s out at its end.
	advance := func(s *source) error {
		e, err := s.next()
		switch {
		case err != nil:
			return err
		case e == nil:
			heads.pop()
		default:
			heads.replaceTop(head{e, s})
		}
		return nil
	}

	var dups dupWindow
	var prevText prevKey
	out := new(Entry) // one for all: emit must not keep it
	var view timeline.ClusterTimelineEntryView
	seed := maphash.MakeSeed()
	for heads.len() > 0 {
		h := heads.top()
		e, s := h.entry, h.src
		if e.unsorted {
			return rep, s.index, nil
		}
		rep.Entries++
		if prevText.less(e) {
			rep.Moved++
		}
		prevText.set(e)
		if dups.same(e, seed) {
			rep.Duplicates++
			if opts.Dedupe {
				rep.Dropped++
				rep.Entries--
				if err := advance(s); err != nil {
					return rep, -1, err
				}
				continue
			}
		}
		*out = Entry{Raw: e.raw, Key: e.key, Input: s.index, Line: e.line}
		if e.valid && opts.Views {
			e.view.view(&view)
			out.View = &view
		}
		if opts.Pointers {
			out.Pointer = e.pointer
		}
		if err := emit(out); err != nil {
			return rep, -1, err
		}
		if err := advance(s); err != nil {
			return rep, -1, err
		}
	}
	for i, s := range sources {
		rep.Inputs[i].Format = s.format
		rep.Inputs[i].Entries = s.count
		rep.Inputs[i].Sorted = s.sorted
		rep.Inputs[i].Warnings = s.warnings
		rep.Inputs[i].Problems = s.problems
		for _, m := range s.members {
			rep.Inputs[i].Members = append(rep.Inputs[i].Members, m.Key)
			if m.Key == "generatedAt" && m.Raw != nil {
				json.Unmarshal(m.Raw, &rep.Inputs[i].GeneratedAt)
			}
		}
		rep.Doc.add(s)
	}
	rep.Doc.finish()
	return rep, -1, nil
}

// A head is the next entry of a source, in the merge heap.
type head struct {
	entry *entry
	src   *source
}

// mergeHeap orders heads by the merge key, then by input, so that equal
// entries come in the order of their inputs.
type mergeHeap struct{ h []head }

func (m *mergeHeap) len() int { return len(m.h) }

func (m *mergeHeap) less(i, j int) bool {
	a, b := m.h[i], m.h[j]
	if c := timeline.CompareSortKeys(&a.entry.key, &b.entry.key); c != 0 {
		return c < 0
	}
	return a.src.index < b.src.index
}

func (m *mergeHeap) push(h head) {
	m.h = append(m.h, h)
	for i := len(m.h) - 1; i > 0; {
		p := (i - 1) / 2
		if !m.less(i, p) {
			break
		}
		m.h[i], m.h[p] = m.h[p], m.h[i]
		i = p
	}
}

func (m *mergeHeap) top() head { return m.h[0] }

func (m *mergeHeap) pop() head {
	top := m.h[0]
	last := len(m.h) - 1
	m.h[0] = m.h[last]
	m.h = m.h[:last]
	m.down()
	return top
}

// replaceTop puts h in the place of the top, which a pop and a push would
// do with twice the comparisons.
func (m *mergeHeap) replaceTop(h head) {
	m.h[0] = h
	m.down()
}

// down moves the top down to its place.
func (m *mergeHeap) down() {
	for i := 0; ; {
		l, r, min := 2*i+1, 2*i+2, i
		if l < len(m.h) && m.less(l, min) {
			min = l
		}
		if r < len(m.h) && m.less(r, min) {
			min = r
		}
		if min == i {
			break
		}
		m.h[i], m.h[min] = m.h[min], m.h[i]
		i = min
	}
}

// prevKey is Skulk's key of the entry before, to count the entries whose
// place differs from Skulk's order: at compared as text, then nodeId,
// then deviceRank.
type prevKey struct {
	ok     bool
	at     []byte
	nodeID string
	rank   timeline.Int
}

func (p *prevKey) less(e *entry) bool {
	if !p.ok {
		return false
	}
	if c := bytes.Compare(e.view.at(), p.at); c != 0 {
		return c < 0
	}
	if e.nodeID != p.nodeID {
		return e.nodeID < p.nodeID
	}
	return e.rank.Cmp(p.rank) < 0
}

func (p *prevKey) set(e *entry) {
	p.ok = true
	p.at = append(p.at[:0], e.view.at()...)
	p.nodeID = e.nodeID
	p.rank = e.rank
}

// dupWindow finds an entry the same as one before it. Equal entries have
// equal keys, so they are neighbours in the merged order: the window holds
// the entries of the current key. Entries are compared by their content
// as the schema reads it, so that the same entry from an NDJSON dump and
// from a node dump is one. Hashing that content costs a decode, so the
// first entry of a key is only hashed when a second one comes; its text
// is still valid then (see source.next).
type dupWindow struct {
	key    timeline.SortKey
	set    bool
	first  []byte // the first entry of the key, until hashed
	hashes []uint64
	// index holds the hashes once there are many, so that a key shared by
	// n entries costs O(n), not O(n²).
	index map[uint64]struct{}
}

// manyHashes is where the window starts to index its hashes.
const manyHashes = 16

func (d *dupWindow) same(e *entry, seed maphash.Seed) bool {
	if !d.set || timeline.CompareSortKeys(&d.key, &e.key) != 0 {
		d.key, d.set, d.hashes, d.index, d.first = e.key, true, d.hashes[:0], nil, e.raw
		return false
	}
	if len(d.hashes) == 0 {
		d.hashes = append(d.hashes, canonicalHash(d.first, seed))
	}
	h := canonicalHash(e.raw, seed)
	if d.index != nil {
		if _, ok := d.index[h]; ok {
			return true
		}
		d.index[h] = struct{}{}
		return false
	}
	if slices.Contains(d.hashes, h) {
		return true
	}
	d.hashes = append(d.hashes, h)
	if len(d.hashes) == manyHashes {
		d.index = make(map[uint64]struct{}, 2*manyHashes)
		for _, h := range d.hashes {
			d.index[h] = struct{}{}
		}
	}
	return false
}

// canonicalHash hashes an entry as the schema reads it: decoded and
// encoded again, whatever its spacing or escapes.
func canonicalHash(raw []byte, seed maphash.Seed) uint64 {
	var e timeline.ClusterTimelineEntry
	if err := e.UnmarshalJSON(raw); err == nil {
		if canon, err := e.MarshalJSON(); err == nil {
			return maphash.Bytes(seed, canon)
		}
	}
	return maphash.Bytes(seed, raw)
}
