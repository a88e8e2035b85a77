package validate

import (
	"bytes"
	"hash/maphash"
	"io"
	"runtime"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// Options configure Dump.
type Options struct {
	// Schema, when set, validates entries with jsonschema/v5 against
	// another schema instead of the generated validator.
	Schema *Schema
	// MaxEntryBytes bounds one entry; 0 means DefaultMaxEntryBytes.
	MaxEntryBytes int
	// Jobs is how many goroutines check entries; 0 means GOMAXPROCS.
	Jobs int
}

// Stats count what Dump read and found.
type Stats struct {
	Format   Format
	Entries  int
	Errors   int
	Warnings int
}

// The size of the batches entries travel in between the goroutines.
const (
	batchEntries = 512
	batchBytes   = 1 << 20
)

// A batch is a run of consecutive items of a dump: the reader fills it, a
// worker checks its entries, and the collector applies the rules that span
// entries, in order.
type batch struct {
	buf      []byte // the entries' text
	items    []batchItem
	findings []Finding
	arena    []byte // strings the facts keep
	done     chan struct{}
}

type batchItem struct {
	entry          Entry
	start, end     int // the entry's text in buf
	problem        *Problem
	facts          facts
	fstart, fcount int // the entry's findings in findings
}

func (b *batch) reset() {
	b.buf, b.items, b.findings, b.arena = b.buf[:0], b.items[:0], b.findings[:0], b.arena[:0]
	b.done = make(chan struct{})
}

func (b *batch) full() bool { return len(b.items) >= batchEntries || len(b.buf) >= batchBytes }

// Dump validates the dump read from r and calls report with each finding,
// in the order of the dump; name is the Path of the findings. Entries are
// checked on opts.Jobs goroutines; memory stays bounded by the number of
// runners and tasks and the size of the largest entry, whatever the size
// of the dump.
func Dump(name string, r io.Reader, opts Options, report func(Finding)) Stats {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	reader := NewReader(r, opts.MaxEntryBytes)
	var stats Stats
	emit := func(f Finding) {
		f.Path = name
		if f.Severity == Error {
			stats.Errors++
		} else {
			stats.Warnings++
		}
		report(f)
	}

	inflight := 4 * jobs
	free := make(chan *batch, inflight)
	for range inflight {
		free <- &batch{}
	}
	work := make(chan *batch, inflight)
	ordered := make(chan *batch, inflight)
	seed := maphash.MakeSeed()
	for range jobs {
		go func() {
			c := &entryChecker{schema: opts.Schema, seed: seed}
			for b := range work {
				c.checkBatch(b)
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(ordered)
		b := <-free
		b.reset()
		send := func() {
			work <- b
			ordered <- b
			b = <-free
			b.reset()
		}
		reader.Read(func(it Item) bool {
			if it.Problem != nil {
				b.items = append(b.items, batchItem{problem: it.Problem})
			} else {
				start := len(b.buf)
				b.buf = append(b.buf, it.Entry.Raw...)
				b.items = append(b.items, batchItem{entry: it.Entry, start: start, end: len(b.buf)})
			}
			if b.full() {
				send()
			}
			return true
		})
		if len(b.items) > 0 {
			send()
		}
	}()

	var stream *streamChecker
	fatal := false
	for b := range ordered {
		<-b.done
		if stream == nil {
			stats.Format = reader.Format()
			stream = newStreamChecker(stats.Format, emit)
		}
		for i := range b.items {
			it := &b.items[i]
			if it.problem != nil {
				p := it.problem
				fatal = fatal || p.Fatal
				emit(Finding{Line: p.Line, Entry: p.Entry, Pointer: p.Pointer, Severity: p.Severity, Rule: p.Rule, Message: p.Message})
				continue
			}
			stats.Entries++
			for _, f := range b.findings[it.fstart : it.fstart+it.fcount] {
				if f.Rule == ruleJSONTrailing && stats.Format == NDJSON {
					f.Message = "more than one value on the line: " + f.Message
				}
				emit(f)
			}
			it.entry.Raw = b.buf[it.start:it.end]
			stream.add(&it.entry, &it.facts)
		}
		free <- b
	}
	stats.Format = reader.Format()
	if stream == nil {
		stream = newStreamChecker(reader.Format(), emit)
	}
	stream.finish()
	if !fatal {
		if reader.Format() == Timeline {
			checkTimelineMembers(reader.Members(), reader.Start(), emit)
		}
		if stats.Entries == 0 {
			emit(Finding{Line: 1, Entry: -1, Severity: Warning, Rule: ruleEmpty, Message: "the dump holds no entries: " + emptyWhat[stats.Format]})
		}
	}
	return stats
}

// emptyWhat says what an empty dump of each format is.
var emptyWhat = map[Format]string{
	Empty:    "the file is empty",
	NDJSON:   "every line is blank",
	Array:    "an empty JSON array",
	Timeline: "a ClusterTimeline whose timeline is empty",
	Node:     "a node dump whose runners recorded nothing",
}

// checkBatch checks the entries of b.
func (c *entryChecker) checkBatch(b *batch) {
	for i := range b.items {
		it := &b.items[i]
		if it.problem != nil {
			continue
		}
		it.entry.Raw = b.buf[it.start:it.end]
		it.fstart = len(b.findings)
		b.findings = c.check(&it.entry, b.findings, &it.facts, &b.arena)
		it.fcount = len(b.findings) - it.fstart
	}
}

// checkTimelineMembers checks the rest of a ClusterTimeline object, the
// members other than its timeline, against the ClusterTimeline schema: a
// document is put together from them, with an empty timeline in place of
// the one read as a stream.
func checkTimelineMembers(members []Member, start int, emit func(Finding)) {
	var doc bytes.Buffer
	starts := make([]int, len(members))
	doc.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			doc.WriteByte(',')
		}
		key, _ := marshalString(m.Key)
		doc.Write(key)
		doc.WriteByte(':')
		starts[i] = doc.Len()
		if m.Raw == nil {
			doc.WriteString("[]") // the timeline, read as a stream
		} else {
			doc.Write(m.Raw)
		}
	}
	doc.WriteByte('}')
	// line finds the line of a value from its offset in doc.
	line := func(offset int) int {
		for i := len(members) - 1; i >= 0; i-- {
			if offset >= starts[i] {
				m := members[i]
				return m.Line + bytes.Count(m.Raw[:min(offset-starts[i], len(m.Raw))], nl)
			}
		}
		return 1
	}
	var v timeline.Validator
	for _, vi := range v.ClusterTimeline(doc.Bytes()) {
		at := line(vi.Offset)
		if vi.Keyword == timeline.KeywordRequired && strings.Count(vi.Pointer, "/") == 1 {
			at = start // a property the object lacks: the object's line
		}
		emit(Finding{Line: at, Entry: -1, Pointer: vi.Pointer, Severity: Error, Rule: ruleOf(vi.Keyword.String(), vi.Message), Message: vi.Message})
	}
	v.DateTimes(func(i int, value []byte) bool {
		pointer, offset := v.DateTimeAt(i)
		e := Entry{Line: line(offset), Index: -1}
		found, _, _ := checkTimestamp(nil, &e, value, func() string { return pointer })
		for _, f := range found {
			emit(f)
		}
		return true
	})
}
