package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
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

PATH is a file, a directory of dumps, or - for standard input, which is read
when no PATH is given and it is not a terminal.

Exit status: 0 when no rank is suspect, 1 when one is, 2 for bad usage or
unreadable input.`

func explainCommand(e *env) *cobra.Command {
	var format *string
	var silence time.Duration
	cmd := command("explain [flags] [PATH...]", "name the rank that holds the others up", explainDoc,
		func(cmd *cobra.Command, args []string) int {
			if cmd.Flags().Changed("silence") && silence <= 0 {
				return usage(e, newUsageError(cmd, "--silence %v: want a duration above zero, such as 30s", silence))
			}
			return runExplain(e, cmd, args, *format, silence)
		})
	format = formatFlag(cmd, "text", "text", "json")
	cmd.Flags().DurationVar(&silence, "silence", 0, "how long a wait or a silence counts (default 30s, as Skulk's dashboard)")
	return cmd
}

func runExplain(e *env, cmd *cobra.Command, args []string, format string, silence time.Duration) int {
	if err := oneOf(cmd, "format", format, "text", "json"); err != nil {
		return usage(e, err)
	}
	files, code := readyInputs(e, cmd, args)
	if code != exitOK {
		return code
	}
	p := e.startProgress("explain", sizes(files))
	a, err := readTimeline(mergeInputs(e, files, p), explain.Options{Silence: silence})
	p.finish()
	if err != nil {
		var ie *merge.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(e.stderr, "%s\n", human.Escape(ie.Error()))
			return exitFindings
		}
		e.errorf("explain: %s", human.Escape(pathError(err)))
		return exitUsage
	}
	res := a.Analysis()
	if format == "json" {
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
