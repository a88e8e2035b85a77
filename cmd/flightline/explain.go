package main

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/explain"
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

Exit status: 0 when no rank is suspect, 1 when one is, 2 for bad usage or
input that cannot be read or is empty (a failed curl -fsS gives an empty
standard input).`

func runExplain(e *env, args []string) int {
	fs := newFlags(e, "explain", "[flags] PATH...", explainDoc)
	format := fs.String("format", "text", "output `format`: text or json")
	silence := fs.Duration("silence", 30*time.Second, "how long a wait or a silence counts (Skulk's dashboard's threshold)")
	startup := fs.Duration("startup-silence", 10*time.Minute, "the same, for the lifecycle phases and tasks (connect, load, warm up)")
	now := fs.String("now", "", "the clock, RFC 3339, when no input says when it was taken")
	verbose := fs.Bool("verbose", false, "every rank of every unfinished task, and every warning; no screen limit")
	maxEntry := fs.Int("max-entry-bytes", dump.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		e.errorf("explain: unknown --format %q; want text or json", *format)
		return exitUsage
	}
	opts := explain.Options{Silence: *silence, StartupSilence: *startup}
	if *silence <= 0 || *startup <= 0 {
		e.errorf("explain: --silence and --startup-silence must be more than 0")
		return exitUsage
	}
	if *now != "" {
		t, err := time.Parse(time.RFC3339Nano, *now)
		if err != nil {
			e.errorf("explain: --now %q is not an RFC 3339 time such as 2026-04-24T22:03:51Z", *now)
			return exitUsage
		}
		opts.Now = t
	}
	inputs, cleanup, code := mergeInputs(e, "explain", fs.Args())
	defer cleanup()
	if code != exitOK {
		return code
	}
	res, warnings, err := explain.Read(inputs, opts, *maxEntry)
	if err != nil {
		var ie *merge.InputError
		var ue *explain.UnreadableError
		switch {
		case errors.As(err, &ie), errors.As(err, &ue):
			e.errorf("explain: %s", err)
		default:
			e.errorf("explain: %s", pathError(err))
		}
		return exitUsage
	}
	const shown = 50
	for i, w := range warnings {
		if !*verbose && i == shown {
			e.errorf("explain: warning: and %d more (--verbose lists them)", len(warnings)-shown)
			break
		}
		e.errorf("explain: warning: %s", w)
	}
	if *now != "" && res.Clock.Source == explain.FromGeneratedAt {
		e.errorf("explain: warning: --now is not used: %s says when it was taken (%s)", res.Clock.Input, res.Clock.Value)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(res)
	} else {
		err = res.Describe(e.stdout, *verbose)
	}
	if err != nil {
		e.errorf("explain: %v", err)
		return exitUsage
	}
	if len(res.Suspects) > 0 {
		return exitFindings
	}
	return exitOK
}
