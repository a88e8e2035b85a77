package main

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/merge"
)

const explainDoc = `Reads timeline dumps (merging them as flightline merge does) and the snapshot
taken with them, and names the rank that holds a distributed task up.

Every wait is measured to the clock: when the snapshot was taken (the latest
generatedAt of the ClusterTimeline and node dumps among the inputs), else
--now, else the last entry, which the output then says. A task is stuck when
its ranks stopped moving, and the suspects are the ranks that stopped it:
  behind-peer       a rank has waited at a barrier for --silence while this one,
                    silent as long, is still at a step before it
  crashed           it crashed (process gone, runner_crashed, or phase error)
                    while its peers wait
  unreachable-node  it never reported for the task and its node is unreachable,
                    while its peers wait; the node is named with its error
  never-reported    it never reported for the task while its peers wait
  frozen            every rank still in the task has been silent for --silence;
                    the one furthest behind, the first to go silent
Resting phases (idle, created, completion, cancel_observed, shutdown_cleanup,
error after completion) never count; connect_group, load_model, warmup and
Skulk's lifecycle tasks count after --startup-silence. A pipeline_eval_timeout
followed by progress is a recovered hang, listed and not a suspect.

The output is a roll call of each unfinished task (its ranks grouped by where
they stopped, and where they parted), a line for the finished ones, and the
verdict with the entries that show it (PATH:LINE). It fits a screen unless
--verbose. Entries a newer Skulk wrote (an unknown phase or field) are
warnings on standard error, and the analysis goes on.

A URL reads a running cluster: http://node:52415 reads its cluster timeline,
and the diagnostics of each node it could not reach, tried directly from
here; any other URL (an endpoint such as .../v1/diagnostics/cluster) is read
as it is (--timeout, --header).

Exit status: 0 when no rank is suspect, 1 when one is, 2 for bad usage or
input that cannot be read or is empty (a failed curl -fsS gives an empty
standard input).`

// explainFlags are explain's flags.
type explainFlags struct {
	format  *string
	verbose bool
	analysisFlags
}

// analysisFlags are the flags of the commands that run explain's
// analysis: explain and report.
type analysisFlags struct {
	silence, startup time.Duration
	now              string
	maxEntry         int
}

func (f *analysisFlags) define(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&f.silence, "silence", 30*time.Second, "how long a wait or a silence counts (Skulk's dashboard's threshold)")
	fl.DurationVar(&f.startup, "startup-silence", 10*time.Minute, "the same, for the lifecycle phases and tasks (connect, load, warm up)")
	fl.StringVar(&f.now, "now", "", "the clock, RFC 3339, when no input says when it was taken")
	fl.IntVar(&f.maxEntry, "max-entry-bytes", dump.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
}

// options checks the flags and returns the analysis's options.
func (f *analysisFlags) options(cmd *cobra.Command) (explain.Options, error) {
	switch {
	case f.silence <= 0:
		return explain.Options{}, newUsageError(cmd, "--silence %v: want a duration above zero, such as 30s", f.silence)
	case f.startup <= 0:
		return explain.Options{}, newUsageError(cmd, "--startup-silence %v: want a duration above zero, such as 10m", f.startup)
	case f.maxEntry <= 0:
		return explain.Options{}, newUsageError(cmd, "--max-entry-bytes %d: want 1 or more", f.maxEntry)
	}
	opts := explain.Options{Silence: f.silence, StartupSilence: f.startup}
	if f.now != "" {
		t, err := time.Parse(time.RFC3339Nano, f.now)
		if err != nil {
			return opts, newUsageError(cmd, "--now %q is not an RFC 3339 time such as 2026-04-24T22:03:51Z", f.now)
		}
		opts.Now = t
	}
	return opts, nil
}

func explainCommand(e *env) *cobra.Command {
	var f explainFlags
	cmd := command("explain [flags] [PATH...]", "name the rank that holds the others up", explainDoc,
		func(cmd *cobra.Command, args []string) int { return runExplain(e, cmd, args, &f) })
	f.format = formatFlag(cmd, "text", explainFormats...)
	f.define(cmd)
	cmd.Flags().BoolVar(&f.verbose, "verbose", false, "every rank of every unfinished task, and every warning; no screen limit")
	liveFlags(e, cmd)
	return cmd
}

// explainFormats are explain's output formats.
var explainFormats = []string{"text", "json", "github"}

func runExplain(e *env, cmd *cobra.Command, args []string, f *explainFlags) int {
	if err := oneOf(cmd, "format", *f.format, explainFormats...); err != nil {
		return usage(e, err)
	}
	e.annotate = *f.format == "github"
	opts, err := f.options(cmd)
	if err != nil {
		return usage(e, err)
	}
	files, code := readyInputs(e, cmd, args)
	if code != exitOK {
		return code
	}
	p := e.startProgress("explain", sizes(files))
	res, warnings, err := explain.Read(mergeInputs(e, files, p), opts, f.maxEntry)
	p.finish()
	if err != nil {
		return analysisFailed(e, "explain", err)
	}
	explainWarnings(e, "explain", res, warnings, f.verbose, f.now)
	switch *f.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(res)
	case "github":
		writeExplainGitHub(e.stdout, res)
	default:
		err = res.Describe(e.stdout, f.verbose)
	}
	if err != nil {
		e.errorf("explain: %v", err)
		return exitUsage
	}
	code = exitOK
	if len(res.Suspects) > 0 {
		code = exitFindings
	}
	return e.stepSummary("explain", code, func(w io.Writer) { writeExplainMarkdown(w, "explain", res, "") })
}

// analysisFailed reports the error that stopped explain's analysis: an
// input that cannot be read, or holds nothing to analyze.
func analysisFailed(e *env, name string, err error) int {
	var ie *merge.InputError
	var ue *explain.UnreadableError
	switch {
	case errors.As(err, &ie), errors.As(err, &ue):
		e.errorf("%s: %s", name, human.Escape(err.Error()))
	default:
		e.errorf("%s: %s", name, human.Escape(pathError(err)))
	}
	return exitUsage
}

// explainWarnings writes the analysis's warnings on standard error (with
// --format github as workflow commands on standard output), the first 50
// unless verbose, and says when --now was not used.
func explainWarnings(e *env, name string, res *explain.Analysis, warnings []string, verbose bool, now string) {
	warn := e.stderrPainter().paint(yellow, "warning")
	const shown = 50
	for i, w := range warnings {
		if !verbose && i == shown {
			e.errorf("%s: %s: and %d more (--verbose lists them)", name, warn, len(warnings)-shown)
			break
		}
		if e.annotate {
			annotation(e.stdout, "warning", "", 0, "flightline "+name, w)
		} else {
			e.errorf("%s: %s: %s", name, warn, human.Escape(w))
		}
	}
	if now != "" && res.Clock.Source == explain.FromGeneratedAt {
		e.errorf("%s: %s: --now is not used: %s says when it was taken (%s)", name, warn, human.Escape(res.Clock.Input), res.Clock.Value)
	}
}
