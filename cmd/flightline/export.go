package main

import (
	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/validate/chrome"
	"github.com/flightline-dev/flightline/validate/merge"
)

const exportDoc = `Writes timeline dumps (merged as flightline merge does) in a format other
tools open. --format chrome writes Chrome trace event JSON for Perfetto
(ui.perfetto.dev) or chrome://tracing: a process per node, a thread per
runner named by its rank, each entry's phase as a slice until the runner's
next entry, each event as an instant with its detail and attrs, and the MLX
active memory as a counter.

PATH is a file, a directory of dumps, or - for standard input, which is read
when no PATH is given and it is not a terminal. A URL reads a running cluster: http://node:52415 reads its cluster timeline,
and the diagnostics of each node it could not reach, tried directly from
here; any other URL (an endpoint such as .../v1/diagnostics/cluster) is read
as it is (--timeout, --header).
-o is written as merge -o is.`

func exportCommand(e *env) *cobra.Command {
	var out string
	var format *string
	cmd := command("export [--format chrome] [-o PATH] [PATH...]", "write a timeline as a Chrome trace for Perfetto", exportDoc,
		func(cmd *cobra.Command, args []string) int { return runExport(e, cmd, args, *format, out) })
	format = formatFlag(cmd, "chrome", "chrome")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `path` (default standard output; - for standard output)")
	liveFlags(e, cmd)
	return cmd
}

func runExport(e *env, cmd *cobra.Command, args []string, format, out string) int {
	if err := oneOf(cmd, "format", format, "chrome"); err != nil {
		return usage(e, err)
	}
	files, code := readyInputs(e, cmd, args)
	if code != exitOK {
		return code
	}
	o, err := openOutput(e, out)
	if err != nil {
		return outputFailed(e, "export", err)
	}
	w := chrome.NewWriter(o)
	p := e.startProgress("export", sizes(files))
	_, err = merge.Merge(mergeInputs(e, files, p), merge.Options{Views: true},
		func() error { w = chrome.NewWriter(o); return o.reset() },
		func(m *merge.Entry) error { return w.AddJSON(m.Raw, m.View) })
	p.finish()
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = o.commit()
	} else {
		o.discard()
	}
	if err != nil {
		return mergeFailed(e, "export", err, o)
	}
	return exitOK
}
