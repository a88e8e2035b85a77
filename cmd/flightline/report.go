package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/report"
)

const reportDoc = `Writes one self-contained HTML page that shows a timeline and explain's
verdict on it: it opens offline in any browser, and fetches nothing, so that
it can be attached to a ticket or kept as a CI artifact.

The verdict is on top: each suspect rank with its reasons and evidence
(click an entry to see it on the timeline). Below it, a swimlane per rank,
grouped by model instance and then by node: each phase a bar coloured by its
family (prefill, decode, barrier, lifecycle, error), each entry a tick whose
detail and attrs show on hover, the suspects' lanes highlighted and their
evidence marked, ranks that never reported and unreachable nodes as empty
lanes that say why. The time axis reads in seconds before the clock, the
instant every wait is measured to (see flightline explain --help).

The inputs are read as flightline explain reads them (any mix of dumps,
merged), with the same flags. -o is written as merge -o is; without it the
page goes to standard output, unless that is a terminal.

Exit status: 0 when the page is written (whatever the verdict: flightline
explain's exit status says whether a rank is suspect), 2 for bad usage, an
input that cannot be read or holds nothing to analyze, or an output that
cannot be written.`

type reportFlags struct {
	out, title string
	analysisFlags
}

func reportCommand(e *env) *cobra.Command {
	var f reportFlags
	cmd := command("report [-o FILE.html] [flags] [PATH...]", "write a timeline and its verdict as one HTML page that opens offline", reportDoc,
		func(cmd *cobra.Command, args []string) int { return runReport(e, cmd, args, &f) })
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output", "o", "", "write the page to `path` (default standard output, unless it is a terminal; - for standard output)")
	fl.StringVar(&f.title, "title", "", "the page's `title` (default one naming the inputs)")
	f.define(cmd)
	liveFlags(e, cmd)
	return cmd
}

func runReport(e *env, cmd *cobra.Command, args []string, f *reportFlags) int {
	opts, err := f.options(cmd)
	if err != nil {
		return usage(e, err)
	}
	if f.out == "" && e.stdoutTerminal {
		return usage(e, newUsageError(cmd, "the page is HTML: name a file with -o (or -o - for standard output)"))
	}
	files, code := readyInputs(e, cmd, args)
	if code != exitOK {
		return code
	}
	o, err := openOutput(e, f.out)
	if err != nil {
		return outputFailed(e, "report", err)
	}
	p := e.startProgress("report", sizes(files))
	rep, err := report.Build(mergeInputs(e, files, p), report.Options{Explain: opts, MaxEntryBytes: f.maxEntry,
		Title: f.title, Generator: "flightline " + currentVersion().Version})
	p.finish()
	if err != nil {
		o.discard()
		return analysisFailed(e, "report", err)
	}
	explainWarnings(e, "report", rep.Analysis, rep.Warnings, false, f.now)
	if err := rep.WriteHTML(o); err != nil {
		o.discard()
		e.errorf("report: %s: %s", human.Escape(o.name), human.Escape(pathError(err)))
		return exitUsage
	}
	if err := o.commit(); err != nil {
		e.errorf("report: %s: %s", human.Escape(o.name), human.Escape(pathError(err)))
		return exitUsage
	}
	if !e.quiet {
		a := rep.Analysis
		verdict := "no suspect"
		if n := len(a.Suspects); n > 0 {
			verdict = plural(n, "suspect", "suspects")
		}
		e.errorf("report: %s of %s, %s, into %s", plural(a.Entries, "entry", "entries"), plural(a.Runners, "runner", "runners"),
			verdict, human.Escape(outputName(f.out)))
	}
	return e.stepSummary("report", exitOK, func(w io.Writer) {
		writeExplainMarkdown(w, "report", rep.Analysis, "the report: "+md(outputName(f.out)))
	})
}
