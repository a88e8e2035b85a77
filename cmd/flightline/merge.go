package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/merge"
)

const mergeDoc = `Merges timeline dumps into one timeline, in the schema's merge order (the
instant of at, then nodeId and deviceRank; entries equal on all three keep
the order they came in): per-rank or per-node NDJSON or JSON-array dumps,
ClusterTimeline objects, node diagnostics dumps (GET /v1/diagnostics/node),
ClusterDiagnostics (GET /v1/diagnostics/cluster) and captures, whose flight
recorders are lifted onto their runners as Skulk does. PATH is a file, a
directory of dumps, or - for standard input, which is read when no PATH is
given and it is not a terminal. A URL reads a running cluster: http://node:52415 reads its cluster timeline,
and the diagnostics of each node it could not reach, tried directly from
here; any other URL (an endpoint such as .../v1/diagnostics/cluster) is read
as it is (--timeout, --header).

Sorted inputs are merged as streams; an input that is not in order is sorted
first, with a warning. Entries pass through as written (an NDJSON line byte
for byte). A malformed input stops the merge with exit status 2.

-o writes a regular file (or a new one) through a temporary file beside it,
renamed over it at the end, so that a failure leaves the file as it was; it
keeps the file's mode, and follows a symbolic link to its target. Standard
output (the default, or -o -), a FIFO or a device is written as the merge
goes.`

func mergeCommand(e *env) *cobra.Command {
	var f mergeFlags
	cmd := command("merge [flags] [PATH...]", "merge per-node and per-rank dumps into one timeline", mergeDoc,
		func(cmd *cobra.Command, args []string) int { return runMerge(e, cmd, args, &f) })
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output", "o", "", "write the merged timeline to `path` (default standard output; - for standard output)")
	f.format = formatFlag(cmd, "ndjson", "ndjson", "json")
	fl.BoolVar(&f.dedupe, "dedupe", false, "drop entries that are the same as the one before them (counted either way)")
	fl.StringVar(&f.generatedAt, "generated-at", "", "the generatedAt of a json output (default: the latest of the inputs', else now)")
	fl.IntVar(&f.maxEntry, "max-entry-bytes", dump.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
	liveFlags(e, cmd)
	return cmd
}

type mergeFlags struct {
	out, generatedAt string
	format           *string
	dedupe           bool
	maxEntry         int
}

func runMerge(e *env, cmd *cobra.Command, args []string, f *mergeFlags) int {
	if err := oneOf(cmd, "format", *f.format, "ndjson", "json"); err != nil {
		return usage(e, err)
	}
	// Of the bounds, merge has only --max-entry-bytes.
	if err := checkBounds(cmd, 0, 0, f.maxEntry, validate.DefaultMaxSchemaEntryBytes); err != nil {
		return usage(e, err)
	}
	generatedAt := f.generatedAt
	if generatedAt != "" {
		if _, err := timeline.DateTime(generatedAt).Time(); err != nil {
			e.errorf("merge: --generated-at: %v", err)
			return exitUsage
		}
	}
	files, code := readyInputs(e, cmd, args)
	if code != exitOK {
		return code
	}
	o, err := openOutput(e, f.out)
	if err != nil {
		return outputFailed(e, "merge", err)
	}
	var w entryWriter = &ndjsonWriter{w: o}
	if *f.format == "json" {
		spool, err := newSpool()
		if err != nil {
			o.discard()
			e.errorf("merge: %v", err)
			return exitUsage
		}
		defer spool.Close()
		w = &timelineWriter{merge.NewTimelineWriter(spool), generatedAt}
	}
	p := e.startProgress("merge", sizes(files))
	rep, err := merge.Merge(mergeInputs(e, files, p), merge.Options{Dedupe: f.dedupe, MaxEntryBytes: f.maxEntry},
		func() error { return errors.Join(w.reset(), o.reset()) }, w.entry)
	p.finish()
	if err == nil {
		err = w.finish(o, &rep.Doc)
	}
	if err == nil {
		err = o.commit()
	} else {
		o.discard()
	}
	if err != nil {
		return mergeFailed(e, "merge", err, o)
	}
	if !e.quiet {
		reportMerge(e, rep, outputName(f.out), f.dedupe)
	}
	return exitOK
}

// readyInputs returns the dump files args name, or the exit status of a
// command that cannot read them all: merge, explain and export read every
// input or none.
func readyInputs(e *env, cmd *cobra.Command, args []string) ([]inputFile, int) {
	args, err := pathArgs(e, cmd, args)
	if err != nil {
		return nil, usage(e, err)
	}
	code := exitOK
	if err := checkHeaders(e, cmd); err != nil {
		return nil, usage(e, err)
	}
	files := inputFiles(e, cmd.Name(), args, func(path string, err error) {
		e.pathFailed(cmd.Name(), path, err)
		code = exitUsage
	})
	return files, code
}

// mergeFailed reports the error that stopped a merge: a malformed input,
// one that could not be read, or an output that could not be written. Each
// is exit status 2: merge's findings are not the dump's (validate says
// what is wrong with a dump, with exit status 1).
func mergeFailed(e *env, name string, err error, o *output) int {
	var ie *merge.InputError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "%s\n", human.Escape(ie.Error()))
		if o.partial() {
			e.errorf("%s: stopped; what was written to %s is incomplete", name, human.Escape(o.name))
		} else {
			e.errorf("%s: stopped; nothing was written", name)
		}
		return exitUsage
	}
	e.errorf("%s: %s", name, human.Escape(pathError(err)))
	return exitUsage
}

// newSpool is a temporary file for entries kept until the end of a
// command. It is removed at once where the system allows an open file to
// be, so that nothing is left behind however the program ends.
func newSpool() (*spoolFile, error) {
	f, err := os.CreateTemp("", "flightline-spool-*")
	if err != nil {
		return nil, err
	}
	s := &spoolFile{File: f}
	if os.Remove(f.Name()) != nil {
		s.remove = true
	}
	return s, nil
}

type spoolFile struct {
	*os.File
	remove bool
}

func (s *spoolFile) Close() error {
	err := s.File.Close()
	if s.remove {
		os.Remove(s.Name())
	}
	return err
}

// reportMerge tells, on standard error, what the merge did beyond writing.
func reportMerge(e *env, rep *merge.Report, where string, dedupe bool) {
	warn := e.stderrPainter().paint(yellow, "warning")
	for _, in := range rep.Inputs {
		for _, w := range in.Warnings {
			e.errorf("merge: %s: %s", warn, human.Escape(w))
		}
		if in.Sorted && !in.Format.Recorders() { // recorders are sorted into place, each step said
			e.errorf("merge: %s: %s is not in order; it was sorted first", warn, human.Escape(in.Name))
		}
	}
	for _, p := range rep.Doc.Problems {
		e.errorf("merge: %s: %s", warn, human.Escape(p))
	}
	if rep.Moved > 0 {
		e.errorf("merge: moved %s to follow the instant of at, where Skulk, comparing at as text, would put them elsewhere",
			plural(rep.Moved, "entry", "entries"))
	}
	if rep.Duplicates > 0 {
		if dedupe {
			e.errorf("merge: dropped %s that repeated the entry before them", plural(rep.Dropped, "duplicate", "duplicates"))
		} else {
			e.errorf("merge: %s: %s repeat the entry before them (--dedupe drops them)", warn, plural(rep.Duplicates, "entry", "entries"))
		}
	}
	e.errorf("merge: %s from %s into %s", plural(rep.Entries, "entry", "entries"), plural(len(rep.Inputs), "input", "inputs"), human.Escape(where))
}

// An entryWriter writes the merged entries in one output format.
type entryWriter interface {
	entry(*merge.Entry) error
	reset() error
	finish(o *output, doc *merge.Document) error
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

func (n *ndjsonWriter) reset() error { return nil }

func (n *ndjsonWriter) finish(*output, *merge.Document) error { return nil }

// timelineWriter writes a ClusterTimeline object.
type timelineWriter struct {
	w           *merge.TimelineWriter
	generatedAt string
}

func (t *timelineWriter) entry(e *merge.Entry) error { return t.w.Add(e) }
func (t *timelineWriter) reset() error               { return t.w.Reset() }

// finish writes the document: its generatedAt is --generated-at, else the
// latest of the inputs', else now.
func (t *timelineWriter) finish(o *output, doc *merge.Document) error {
	at := t.generatedAt
	switch {
	case at != "":
	case doc.LatestGeneratedAt != "":
		at = doc.LatestGeneratedAt
	default:
		at = time.Now().UTC().Format("2006-01-02T15:04:05.000000+00:00")
	}
	return t.w.WriteTo(o, doc, at)
}
