// Command tracepic draws a Chrome trace, as flightline export writes it,
// as an SVG picture.
//
// The picture is laid out the way a trace viewer shows it: a group per
// process (node), a lane per thread (runner, named by its rank), each
// phase slice as a coloured box along a time axis in seconds, and each
// instant (event) as a small tick under its lane.
//
//	go run ./testdata/tracepic [-o out.svg] [-from S] [-to S] [-last S] trace.json
//
// The picture of a hung cluster in docs/ is made from the stuck-barrier
// scenario of testdata/gen, zoomed on the last four minutes, where the
// two ranks of task-51 stop while the other runners go on:
//
//	go run ./testdata/gen -n 3000 -scenario stuck-barrier -format node -out /tmp/walk/nodes
//	go run ./cmd/flightline export --format chrome -o /tmp/walk/trace.json /tmp/walk/nodes
//	go run ./testdata/tracepic -last 240 -o docs/stuck-barrier-trace.svg \
//		-title 'stuck-barrier: rank 0 of task-51 waits in decode_barrier, rank 1 is stuck in prefill_stream' \
//		/tmp/walk/trace.json
//
// # Flags
//
//	-o PATH     write the SVG to PATH (default standard output)
//	-from S     start the picture S seconds after the first event
//	-to S       end the picture S seconds after the first event (default
//	            the end of the trace)
//	-last S     start the picture S seconds before its end, to see where a
//	            hang is; not with -from
//	-width PX   width of the picture in pixels (default 1200)
//	-title T    title above the picture (default the input's file name)
//	-instants   draw the instants as ticks (default true; -instants=false
//	            leaves them out)
//
// Times are those of the trace: seconds since its first slice or instant,
// which for flightline export is the first timeline entry.
//
// # What it draws
//
// Only complete slices (ph "X"), instants (ph "i" or "I") and the
// process_name, thread_name, process_sort_index and thread_sort_index
// metadata are read, from either form of the Trace Event Format (an
// object with traceEvents, or a bare array); counters and everything else
// are left out. Processes and threads are ordered by sort index, then by
// id, as trace viewers order them.
//
// To keep the picture small however long the trace: slices of the same
// name next to each other on a lane (touching, or apart only by slices
// that take no time) make one box; where slices are narrower than a
// pixel, each pixel takes the colour of the phase that had most of its
// time, and such boxes narrower than a pixel are left out; instants in
// the same or adjacent pixels make one tick. Boxes wide enough to point at
// have a tooltip, and those wide enough to read carry their phase and
// duration; a box that the window cuts keeps its whole duration.
//
// Phases are coloured by kind: the barrier phases (prefill_barrier,
// decode_barrier, decode_wait_first_token), where a rank waits for its
// peers, in warm red, orange and crimson; the other waiting phases (idle,
// task_submission, ...) in greys; the working phases (prefill_stream,
// decode_stream, ...) in blues and greens; cancellation, errors and
// shutdown in purples. A slice name that is not a flightline phase gets a
// muted colour of its own. The legend lists the phases drawn.
//
// The output depends only on the input and the flags, byte for byte.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "tracepic:", err)
		os.Exit(2)
	}
}

// options are the flags, with the window still in seconds as given.
type options struct {
	out      string
	from, to float64 // NaN when not given
	last     float64 // 0 when not given
	width    int
	title    string
	instants bool
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tracepic", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tracepic [-o out.svg] [-from S] [-to S] [-last S] [-width PX] [-title T] [-instants=false] trace.json")
		fs.PrintDefaults()
	}
	opt := options{from: math.NaN(), to: math.NaN()}
	fs.StringVar(&opt.out, "o", "", "write the SVG to `path` (default standard output)")
	seconds(fs, &opt.from, "from", "start the picture `S` seconds after the first event")
	seconds(fs, &opt.to, "to", "end the picture `S` seconds after the first event (default the end)")
	fs.Float64Var(&opt.last, "last", 0, "start the picture `S` seconds before its end")
	fs.IntVar(&opt.width, "width", 1200, "width of the picture in `pixels`")
	fs.StringVar(&opt.title, "title", "", "`title` above the picture (default the input's file name)")
	fs.BoolVar(&opt.instants, "instants", true, "draw the instants as ticks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("want one trace file")
	}
	if opt.last < 0 {
		return errors.New("-last must not be negative")
	}
	if opt.last > 0 && !math.IsNaN(opt.from) {
		return errors.New("-last and -from do not go together")
	}
	if opt.width < 400 {
		return errors.New("-width must be at least 400")
	}

	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tr, err := parseTrace(data)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	win, err := opt.window(tr)
	if err != nil {
		return err
	}
	if opt.title == "" {
		opt.title = filepath.Base(path)
	}

	var buf bytes.Buffer
	draw(&buf, tr, picture{window: win, width: opt.width, title: opt.title, instants: opt.instants})
	if opt.out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(opt.out, buf.Bytes(), 0o644)
}

// seconds defines a float flag that stays NaN unless it is given.
func seconds(fs *flag.FlagSet, p *float64, name, usage string) {
	fs.Func(name, usage, func(s string) error {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("not a number of seconds")
		}
		*p = v
		return nil
	})
}

// window turns the flags into the span of the trace to draw, in
// microseconds like the trace itself.
func (o options) window(tr *trace) (span, error) {
	w := span{tr.start, tr.end}
	if !math.IsNaN(o.to) {
		w.end = tr.start + o.to*1e6
	}
	switch {
	case o.last > 0:
		w.start = w.end - o.last*1e6
	case !math.IsNaN(o.from):
		w.start = tr.start + o.from*1e6
	}
	w.start = math.Max(w.start, tr.start)
	w.end = math.Min(w.end, tr.end)
	if w.end <= w.start {
		return w, fmt.Errorf("nothing to draw between %s and %s (the trace lasts %s)",
			secs(w.start-tr.start), secs(w.end-tr.start), secs(tr.end-tr.start))
	}
	return w, nil
}
