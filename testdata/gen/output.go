package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// An output takes the merged entries, in order, and writes them out.
type output interface {
	write(x *entry) error
	close(g *generator) error
}

// An entryWriter writes entries as NDJSON, one a line, or as a JSON array:
// compact, as Python's json.dumps writes it, or indented by two spaces.
type entryWriter struct {
	w      *bufio.Writer
	c      io.Closer // nil for standard output
	array  bool
	pretty bool
	n      int
	buf    []byte
	indent bytes.Buffer
}

func newEntryWriter(w io.Writer, c io.Closer, array, pretty bool) *entryWriter {
	return &entryWriter{w: bufio.NewWriterSize(w, 1<<20), c: c, array: array, pretty: pretty}
}

func (w *entryWriter) write(x *entry) error {
	var err error
	if w.buf, err = x.e.AppendJSON(w.buf[:0]); err != nil {
		return err
	}
	if x.span != "" {
		w.buf = newerJSON(w.buf, x.span)
	}
	switch {
	case !w.array:
		w.buf = append(w.buf, '\n')
		_, err = w.w.Write(w.buf)
	case w.pretty:
		if w.n == 0 {
			w.w.WriteString("[\n  ")
		} else {
			w.w.WriteString(",\n  ")
		}
		w.indent.Reset()
		if err = json.Indent(&w.indent, w.buf, "  ", "  "); err == nil {
			_, err = w.w.Write(w.indent.Bytes())
		}
	default:
		if w.n == 0 {
			w.w.WriteByte('[')
		} else {
			w.w.WriteByte(',')
		}
		_, err = w.w.Write(w.buf)
	}
	w.n++
	return err
}

func (w *entryWriter) close(*generator) error {
	if w.array {
		switch {
		case w.n == 0:
			w.w.WriteString("[]\n")
		case w.pretty:
			w.w.WriteString("\n]\n")
		default:
			w.w.WriteString("]\n")
		}
	}
	return closeAll(w.w.Flush(), w.c)
}

// closeAll closes c, if any, and returns err or else the error closing.
func closeAll(err error, c io.Closer) error {
	if c == nil {
		return err
	}
	return errors.Join(err, c.Close())
}

// A splitWriter writes each node's or each runner's entries to a file of
// its own in dir.
type splitWriter struct {
	dir    string
	byRank bool
	array  bool
	pretty bool
	files  map[string]*entryWriter
	runner map[*runner]*entryWriter
}

func newSplitWriter(dir, by string, array, pretty bool) *splitWriter {
	return &splitWriter{
		dir:    dir,
		byRank: by == "rank",
		array:  array,
		pretty: pretty,
		files:  map[string]*entryWriter{},
		runner: map[*runner]*entryWriter{},
	}
}

// fileName returns the file rn's entries go to: <nodeId>.ndjson, or
// <nodeId>-rank<r>-<runnerId>.ndjson by rank; .json for arrays.
func (s *splitWriter) fileName(rn *runner) string {
	ext := ".ndjson"
	if s.array {
		ext = ".json"
	}
	if s.byRank {
		return rn.node.id + "-rank" + strconv.Itoa(rn.rank) + "-" + rn.id + ext
	}
	return rn.node.id + ext
}

func (s *splitWriter) write(x *entry) error {
	w := s.runner[x.r]
	if w == nil {
		name := s.fileName(x.r)
		if w = s.files[name]; w == nil {
			f, err := os.Create(filepath.Join(s.dir, name))
			if err != nil {
				return err
			}
			w = newEntryWriter(f, f, s.array, s.pretty)
			s.files[name] = w
		}
		s.runner[x.r] = w
	}
	return w.write(x)
}

func (s *splitWriter) close(g *generator) error {
	var err error
	for _, name := range slices.Sorted(maps.Keys(s.files)) {
		err = errors.Join(err, s.files[name].close(g))
	}
	return err
}

// A timelineWriter writes a ClusterTimeline object, as GET
// /v1/diagnostics/cluster/timeline returns it, with every entry.
type timelineWriter struct {
	w       io.Writer
	c       io.Closer
	pretty  bool
	entries []byte // the timeline's entries, comma-separated
	n       int
}

func (tw *timelineWriter) write(x *entry) error {
	if tw.n > 0 {
		tw.entries = append(tw.entries, ',')
	}
	tw.n++
	start := len(tw.entries)
	var err error
	if tw.entries, err = x.e.AppendJSON(tw.entries); err != nil {
		return err
	}
	if x.span != "" {
		tw.entries = append(tw.entries[:start], newerJSON(tw.entries[start:], x.span)...)
	}
	return nil
}

func (tw *timelineWriter) close(g *generator) error {
	now, at := g.generatedAt()
	local := g.cluster.nodes[0].id
	tl := timeline.ClusterTimeline{
		GeneratedAt:      timeline.DateTime(at),
		LocalNodeID:      local,
		MasterNodeID:     &local,
		Runners:          []timeline.ClusterTimelineRunner{},
		Timeline:         []timeline.ClusterTimelineEntry{},
		UnreachableNodes: g.scenario.unreachable(),
	}
	head, err := tl.AppendJSON(nil)
	var runners []byte
	for i, rn := range g.synopses(now) {
		if i > 0 {
			runners = append(runners, ',')
		}
		start := len(runners)
		if runners, err = rn.r.AppendJSON(runners); err != nil {
			break
		}
		if rn.span != "" {
			runners = append(runners[:start], newerJSON(runners[start:], "")...)
		}
	}
	buf := splice(splice(head, "runners", runners), "timeline", tw.entries)
	if err == nil {
		err = writeDocument(tw.w, buf, tw.pretty)
	}
	return closeAll(err, tw.c)
}

// splice puts items, comma-separated JSON values, into the empty list of
// the first member name of the compact JSON doc, so that values the
// schema's types cannot hold (see newerJSON) are written as they are.
func splice(doc []byte, name string, items []byte) []byte {
	empty := []byte(`"` + name + `":[]`)
	return bytes.Replace(doc, empty, slices.Concat(empty[:len(empty)-1], items, []byte(`]`)), 1)
}

// writeDocument writes the compact JSON doc to w, indented by two spaces
// if pretty, and a newline.
func writeDocument(w io.Writer, doc []byte, pretty bool) error {
	if pretty {
		var out bytes.Buffer
		if err := json.Indent(&out, doc, "", "  "); err != nil {
			return err
		}
		doc = out.Bytes()
	}
	_, err := w.Write(append(doc, '\n'))
	return err
}

// A synopsis is a runner's state in a ClusterTimeline; span marks a
// runner whose last entry is of the newer phase (see newerJSON).
type synopsis struct {
	r    timeline.ClusterTimelineRunner
	span string
}

// synopses returns the current state of each runner that has recorded
// anything, as of now, sorted by model, rank and runner as Skulk sorts
// them; a runner of a node that went down is left out.
func (g *generator) synopses(now int64) []synopsis {
	out := []synopsis{}
	for _, rn := range g.cluster.runners {
		s := &rn.state
		if !s.seen || rn.node == g.scenario.dead {
			continue
		}
		out = append(out, synopsis{span: s.lastSpan, r: timeline.ClusterTimelineRunner{
			NodeID:          rn.node.id,
			RunnerID:        rn.id,
			InstanceID:      rn.inst.id,
			ModelID:         rn.inst.model.id,
			DeviceRank:      timeline.IntOf(int64(rn.rank)),
			WorldSize:       timeline.IntOf(int64(rn.inst.worldSize)),
			Pid:             ptr(timeline.IntOf(rn.pid)),
			ProcessAlive:    !s.crashed,
			StatusKind:      s.status,
			Phase:           s.last.Phase,
			PhaseDetail:     s.last.Detail,
			SecondsInPhase:  seconds(now - s.phaseSince),
			LastProgressAt:  &s.last.At,
			ActiveTaskID:    s.last.TaskID,
			ActiveCommandID: s.last.CommandID,
			LastMlxMemory:   s.memory,
		}})
	}
	slices.SortFunc(out, func(a, b synopsis) int {
		return cmp.Or(
			cmp.Compare(a.r.ModelID, b.r.ModelID),
			a.r.DeviceRank.Cmp(b.r.DeviceRank),
			cmp.Compare(a.r.RunnerID, b.r.RunnerID))
	})
	return out
}

// seconds converts microseconds to seconds.
func seconds(us int64) float64 { return float64(us) / float64(second) }

// A pipe hands entries to out on another goroutine, in chunks, so that
// encoding and writing overlap with generating.
type pipe struct {
	out    output
	full   chan []entry
	free   chan []entry
	done   chan error
	failed atomic.Bool // out failed; close says how
	chunk  []entry
}

const chunkSize = 2048

func newPipe(out output) *pipe {
	p := &pipe{
		out:  out,
		full: make(chan []entry, 4),
		free: make(chan []entry, 6),
		done: make(chan error, 1),
	}
	for range cap(p.free) {
		p.free <- make([]entry, 0, chunkSize)
	}
	p.chunk = <-p.free
	go p.drain()
	return p
}

// drain writes the chunks out; after an error it only recycles them.
func (p *pipe) drain() {
	var err error
	for chunk := range p.full {
		for i := 0; i < len(chunk) && err == nil; i++ {
			err = p.out.write(&chunk[i])
		}
		if err != nil {
			p.failed.Store(true)
		}
		p.free <- chunk[:0]
	}
	p.done <- err
}

// errOutput stops the generator when the output failed.
var errOutput = errors.New("output failed")

// write copies x, so the generator may reuse its batch.
func (p *pipe) write(x *entry) error {
	if p.failed.Load() {
		return errOutput
	}
	p.chunk = append(p.chunk, *x)
	if len(p.chunk) == chunkSize {
		p.full <- p.chunk
		p.chunk = <-p.free
	}
	return nil
}

func (p *pipe) close(g *generator) error {
	if len(p.chunk) > 0 {
		p.full <- p.chunk
	}
	close(p.full)
	err := <-p.done
	if cerr := p.out.close(g); err == nil {
		err = cerr
	}
	return err
}
