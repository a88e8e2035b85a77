package validate

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"io"
	"runtime"
	"strings"

	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
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
	Format   dump.Format
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
	entry          dump.Entry
	start, end     int // the entry's text in buf
	problem        *dump.Problem
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
	reader := dump.NewReader(r, opts.MaxEntryBytes)
	var stats Stats
	emit := func(f Finding) {
		f.Path = name
		if f.Severity == rule.Error {
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
		reader.Read(func(it dump.Item) bool {
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
				if f.Rule == rule.JSONTrailing && stats.Format == dump.NDJSON {
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
		if stats.Entries == 0 && !listsRunners(reader) {
			emit(Finding{Line: 1, Entry: -1, Severity: rule.Warning, Rule: rule.Empty, Message: "the dump holds no entries: " + emptyWhat[stats.Format]})
		}
	}
	return stats
}

// listsRunners reports whether a ClusterTimeline without entries names the
// cluster's runners: a cluster whose runners have recorded nothing yet, or
// the snapshot flightline watch keeps beside its archive, not an empty
// dump.
func listsRunners(r *dump.Reader) bool {
	if r.Format() != dump.Timeline {
		return false
	}
	for _, m := range r.Members() {
		if m.Key == "runners" {
			return nonEmptyArray(m.Raw)
		}
	}
	return false
}

// nonEmptyArray reports whether raw is a JSON array with at least one
// element: not null, an object or [].
func nonEmptyArray(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 || raw[0] != '[' || !json.Valid(raw) {
		return false
	}
	rest := bytes.TrimLeft(raw[1:], " \t\r\n")
	return len(rest) > 0 && rest[0] != ']'
}

// emptyWhat says what an empty dump of each format is.
var emptyWhat = map[dump.Format]string{
	dump.Empty:    "the file is empty",
	dump.NDJSON:   "every line is blank",
	dump.Array:    "an empty JSON array",
	dump.Timeline: "a ClusterTimeline whose timeline is empty",
	dump.Node:     "a node dump whose runners recorded nothing",
	dump.Cluster:  "a ClusterDiagnostics whose runners recorded nothing",
	dump.Capture:  "a capture whose node's runners recorded nothing",
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

// joinList joins items as "a", "a and b" or "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
