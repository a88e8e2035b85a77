package main

import (
	"errors"
	"fmt"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/chrome"
	"github.com/flightline-dev/flightline/validate/merge"
)

const exportDoc = `Writes timeline dumps (merged as flightline merge does) in a format other
tools open. --format chrome writes Chrome trace event JSON for Perfetto
(ui.perfetto.dev) or chrome://tracing: a process per node, a thread per
runner named by its rank, each entry's phase as a slice until the runner's
next entry, each event as an instant with its detail and attrs, and the MLX
active memory as a counter.`

func runExport(e *env, args []string) int {
	fs := newFlags(e, "export", "--format chrome [-o PATH] PATH...", exportDoc)
	format := fs.String("format", "chrome", "output `format`: chrome")
	out := fs.String("o", "", "write to `path` (default standard output)")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "chrome" {
		e.errorf("export: unknown --format %q; want chrome", *format)
		return exitUsage
	}
	inputs, cleanup, code := mergeInputs(e, "export", fs.Args())
	defer cleanup()
	if code != exitOK {
		return code
	}
	o, err := newOutput(*out)
	if err != nil {
		e.errorf("export: %v", err)
		return exitUsage
	}
	w := chrome.NewWriter(o)
	var entry timeline.ClusterTimelineEntry
	_, err = merge.Merge(inputs, merge.Options{},
		func() error { w = chrome.NewWriter(o); return o.reset() },
		func(m *merge.Entry) error {
			if err := entry.UnmarshalJSON(m.Raw); err != nil {
				return err
			}
			return w.Add(&entry)
		})
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		o.discard()
		var ie *merge.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(e.stderr, "%s\n", ie)
			return exitFindings
		}
		e.errorf("export: %s", pathError(err))
		return exitUsage
	}
	if err := o.commit(e.stdout); err != nil {
		e.errorf("export: %v", err)
		return exitUsage
	}
	return exitOK
}
