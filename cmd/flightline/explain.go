package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/merge"
)

const explainDoc = `Reads timeline dumps (merging them as flightline merge does) and tells,
for each task that has not finished on every rank, where each rank stands:
its last phase, when it entered it, how long before the end of the timeline,
and its last event. Then the verdict: the rank that holds up the others,
with the entries that show it (PATH:LINE). A rank holds up the others when
another rank of its task has waited at a barrier (prefill_barrier,
decode_barrier, decode_wait_first_token) for --silence or longer while it is
still in a phase before it; a rank that never reported for its task, and a
runner silent for --silence or longer with its task unfinished, are suspects
too.

Exit status: 0 when no rank is suspect, 1 when one is, 2 for bad usage or
unreadable input.`

func runExplain(e *env, args []string) int {
	fs := newFlags(e, "explain", "[flags] PATH...", explainDoc)
	format := fs.String("format", "text", "output `format`: text or json")
	silence := fs.Duration("silence", 0, "how long a wait or a silence counts (default 30s, as Skulk's dashboard)")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		e.errorf("explain: unknown --format %q; want text or json", *format)
		return exitUsage
	}
	inputs, cleanup, code := mergeInputs(e, "explain", fs.Args())
	defer cleanup()
	if code != exitOK {
		return code
	}
	a, err := readTimeline(inputs, explain.Options{Silence: *silence})
	if err != nil {
		var ie *merge.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(e.stderr, "%s\n", ie)
			return exitFindings
		}
		e.errorf("explain: %s", pathError(err))
		return exitUsage
	}
	res := a.Analysis()
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(res)
	} else {
		var b strings.Builder
		res.Describe(&b)
		fmt.Fprint(e.stdout, b.String())
	}
	if len(res.Suspects) > 0 {
		return exitFindings
	}
	return exitOK
}

// readTimeline merges the inputs into an analyzer.
func readTimeline(inputs []merge.Input, opts explain.Options) (*explain.Analyzer, error) {
	a := explain.New(opts)
	var entry timeline.ClusterTimelineEntry
	rep, err := merge.Merge(inputs, merge.Options{Pointers: true},
		func() error { a = explain.New(opts); return nil },
		func(m *merge.Entry) error {
			if err := entry.UnmarshalJSON(m.Raw); err != nil {
				return err
			}
			a.Add(&entry, explain.Location{Path: inputs[m.Input].Name, Line: m.Line, Pointer: m.Pointer})
			return nil
		})
	if err != nil {
		return nil, err
	}
	a.Runners(rep.Doc.Runners)
	return a, nil
}
