package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/merge"
)

const mergeDoc = `Merges timeline dumps into one timeline, in the schema's merge order (the
instant of at, then nodeId, deviceRank and runnerId): per-rank or per-node
NDJSON or JSON-array dumps, ClusterTimeline objects, and node diagnostics
dumps (GET /v1/diagnostics/node), whose flight recorders are lifted onto
their runners as Skulk does. PATH is a file, a directory of dumps, or - for
standard input.

Sorted inputs are merged as streams; an input that is not in order is sorted
first, with a warning. Entries pass through as written (an NDJSON line byte
for byte). A malformed input stops the merge with exit status 1, and no
partial output is left behind.`

func runMerge(e *env, args []string) int {
	fs := newFlags(e, "merge", "[flags] PATH...", mergeDoc)
	out := fs.String("o", "", "write the merged timeline to `path` (default standard output)")
	format := fs.String("format", "ndjson", "output `format`: ndjson, or json for a ClusterTimeline object")
	dedupe := fs.Bool("dedupe", false, "drop entries that are the same as the one before them (counted either way)")
	generatedAt := fs.String("generated-at", "", "the generatedAt of a json output (default now)")
	maxEntry := fs.Int("max-entry-bytes", validate.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "ndjson" && *format != "json" {
		e.errorf("merge: unknown --format %q; want ndjson or json", *format)
		return exitUsage
	}
	if *generatedAt == "" {
		*generatedAt = time.Now().UTC().Format("2006-01-02T15:04:05.000000+00:00")
	} else if _, err := timeline.DateTime(*generatedAt).Time(); err != nil {
		e.errorf("merge: --generated-at: %v", err)
		return exitUsage
	}
	inputs, cleanup, code := mergeInputs(e, "merge", fs.Args())
	defer cleanup()
	if code != exitOK {
		return code
	}

	o, err := newOutput(*out)
	if err != nil {
		e.errorf("merge: %v", err)
		return exitUsage
	}
	var w entryWriter = &ndjsonWriter{w: o}
	if *format == "json" {
		jw, err := newTimelineWriter()
		if err != nil {
			o.discard()
			e.errorf("merge: %v", err)
			return exitUsage
		}
		defer jw.close()
		w = jw
	}
	rep, err := merge.Merge(inputs, merge.Options{Dedupe: *dedupe, MaxEntryBytes: *maxEntry}, w.reset, w.entry)
	if err == nil {
		err = w.finish(o, &rep.Doc, *generatedAt)
	}
	if err != nil {
		o.discard()
		var ie *merge.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(e.stderr, "%s\n", ie)
			e.errorf("merge: stopped; nothing was written")
			return exitFindings
		}
		e.errorf("merge: %s", pathError(err))
		return exitUsage
	}
	if err := o.commit(e.stdout); err != nil {
		e.errorf("merge: %v", err)
		return exitUsage
	}
	reportMerge(e, rep, *out, *dedupe)
	return exitOK
}

// mergeInputs turns PATH arguments into inputs: the dump files of each
// file or directory, and standard input, kept in a temporary file so that
// it can be read again.
func mergeInputs(e *env, cmd string, args []string) ([]merge.Input, func(), int) {
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	if len(args) == 0 {
		e.errorf("%s: name at least one PATH (a file, a directory, or - for standard input)", cmd)
		return nil, cleanup, exitUsage
	}
	var inputs []merge.Input
	code := exitOK
	for _, arg := range args {
		if arg == "-" {
			tmp, err := os.CreateTemp("", "flightline-stdin-*")
			if err != nil {
				e.errorf("%s: %v", cmd, err)
				return nil, cleanup, exitUsage
			}
			temps = append(temps, tmp.Name())
			_, err = io.Copy(tmp, bufio.NewReader(e.stdin))
			tmp.Close()
			if err != nil {
				e.errorf("%s: standard input: %v", cmd, err)
				return nil, cleanup, exitUsage
			}
			inputs = append(inputs, fileInput(stdinName, tmp.Name()))
			continue
		}
		files, err := dumpFiles(arg)
		if err != nil {
			e.errorf("%s: %s", cmd, pathError(err))
			code = exitUsage
			continue
		}
		for _, f := range files {
			if fh, err := os.Open(f); err != nil {
				e.errorf("%s: %s", cmd, pathError(err))
				code = exitUsage
				continue
			} else {
				fh.Close()
			}
			inputs = append(inputs, fileInput(f, f))
		}
	}
	return inputs, cleanup, code
}

func fileInput(name, path string) merge.Input {
	return merge.Input{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// reportMerge tells, on standard error, what the merge did beyond writing.
func reportMerge(e *env, rep *merge.Report, out string, dedupe bool) {
	for _, in := range rep.Inputs {
		for _, w := range in.Warnings {
			e.errorf("merge: warning: %s", w)
		}
		if in.Sorted && in.Format != validate.Node { // a node dump's recorders are never in one order
			e.errorf("merge: warning: %s is not in order; it was sorted first", in.Name)
		}
	}
	for _, p := range rep.Doc.Problems {
		e.errorf("merge: warning: %s", p)
	}
	if rep.Moved > 0 {
		e.errorf("merge: moved %s to follow the instant of at, where Skulk, comparing at as text, would put them elsewhere",
			plural(rep.Moved, "entry", "entries"))
	}
	if rep.Duplicates > 0 {
		if dedupe {
			e.errorf("merge: dropped %s that repeated the entry before them", plural(rep.Dropped, "duplicate", "duplicates"))
		} else {
			e.errorf("merge: warning: %s repeat the entry before them (--dedupe drops them)", plural(rep.Duplicates, "entry", "entries"))
		}
	}
	where := "standard output"
	if out != "" {
		where = out
	}
	e.errorf("merge: %s from %s into %s", plural(rep.Entries, "entry", "entries"), plural(len(rep.Inputs), "input", "inputs"), where)
}

// An entryWriter writes the merged entries in one output format.
type entryWriter interface {
	entry(*merge.Entry) error
	reset() error
	finish(o *output, doc *merge.Document, generatedAt string) error
}

// ndjsonWriter writes one entry a line, as the inputs wrote them.
type ndjsonWriter struct{ w *output }

func (n *ndjsonWriter) entry(e *merge.Entry) error {
	if _, err := n.w.Write(e.Raw); err != nil {
		return err
	}
	_, err := n.w.Write([]byte{'\n'})
	return err
}

func (n *ndjsonWriter) reset() error { return n.w.reset() }

func (n *ndjsonWriter) finish(*output, *merge.Document, string) error { return nil }

// timelineWriter writes a ClusterTimeline object. Its entries go to a
// temporary file first: the runners, which come before the timeline, are
// known only once every input has been read.
type timelineWriter struct {
	tmp   *os.File
	w     *bufio.Writer
	count int
}

func newTimelineWriter() (*timelineWriter, error) {
	tmp, err := os.CreateTemp("", "flightline-timeline-*")
	if err != nil {
		return nil, err
	}
	return &timelineWriter{tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20)}, nil
}

func (t *timelineWriter) close() {
	t.tmp.Close()
	os.Remove(t.tmp.Name())
}

func (t *timelineWriter) entry(e *merge.Entry) error {
	if t.count > 0 {
		t.w.WriteByte(',')
	}
	t.count++
	_, err := t.w.Write(e.Raw)
	return err
}

func (t *timelineWriter) reset() error {
	t.count = 0
	t.w.Reset(t.tmp)
	if _, err := t.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return t.tmp.Truncate(0)
}

func (t *timelineWriter) finish(o *output, doc *merge.Document, generatedAt string) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	head := timeline.ClusterTimeline{
		GeneratedAt:      timeline.DateTime(generatedAt),
		LocalNodeID:      doc.LocalNodeID,
		MasterNodeID:     doc.MasterNodeID,
		Runners:          append([]timeline.ClusterTimelineRunner{}, doc.Runners...),
		Timeline:         []timeline.ClusterTimelineEntry{},
		UnreachableNodes: append([]timeline.ClusterTimelineUnreachable{}, doc.Unreachable...),
	}
	text, err := head.MarshalJSON()
	if err != nil {
		return err
	}
	// Splice the entries into the empty timeline the encoder wrote.
	before, after, ok := strings.Cut(string(text), `"timeline":[]`)
	if !ok {
		return errors.New("the ClusterTimeline encoding has no timeline")
	}
	io.WriteString(o, before+`"timeline":[`)
	if _, err := t.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(o, t.tmp); err != nil {
		return err
	}
	_, err = io.WriteString(o, "]"+after+"\n")
	return err
}
