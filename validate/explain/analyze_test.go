package explain

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/validate/human"
)

// t0 is when the hand-written timelines start.
var t0 = time.Date(2026, 4, 24, 22, 0, 0, 0, time.UTC)

// at returns the instant sec seconds after t0.
func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// step is an entry of a hand-written timeline: seconds after t0, rank,
// phase, event and task ("" for none). Rank r is runner-r on node-r.
type e struct {
	sec   float64
	rank  int64
	phase string
	event string
	task  string
}

// feed feeds the entries, of a task of world ranks, to an analyzer.
func feed(opts Options, world int64, steps []e) *Analyzer {
	a := New(opts)
	for i, s := range steps {
		ev := s.event
		if ev == "" {
			ev = "enter"
		}
		en := Entry{At: at(s.sec), AtText: at(s.sec).Format(time.RFC3339Nano), NodeID: fmt.Sprintf("node-%d", s.rank),
			RunnerID: fmt.Sprintf("runner-%d", s.rank), Rank: s.rank, WorldSize: world, Phase: s.phase, Event: ev, TaskID: s.task}
		a.Add(&en, Location{Path: "t.ndjson", Line: i + 1})
	}
	return a
}

// verdict is the suspects as "kind task/rank", joined by "; ".
func verdict(res *Analysis) string {
	var out []string
	for _, s := range res.Suspects {
		out = append(out, fmt.Sprintf("%s %s/%d", s.Kind, s.TaskID, s.Rank))
		if len(s.Reasons) == 0 || len(s.Evidence) == 0 {
			out = append(out, "(without reasons or evidence)")
		}
	}
	return strings.Join(out, "; ")
}

// A task of two ranks up to the prefill, then rank 0 goes on to the
// decode barrier and rank 1 stays in prefill_stream.
var hang = []e{
	{0, 0, "task_submission", "", "t"}, {0.01, 1, "task_submission", "", "t"},
	{0.1, 0, "prefill_barrier", "", "t"}, {0.11, 1, "prefill_barrier", "", "t"},
	{0.2, 0, "prefill_stream", "", "t"}, {0.21, 1, "prefill_stream", "", "t"},
	{1, 0, "decode_barrier", "", "t"},
}

func with(base []e, more ...e) []e { return append(append([]e{}, base...), more...) }

func TestRules(t *testing.T) {
	done := []e{{0, 0, "decode_stream", "", "t"}, {0.1, 1, "decode_stream", "", "t"}, {1, 0, "completion", "", "t"}, {1.1, 1, "completion", "", "t"}}
	cases := []struct {
		name  string
		world int64
		steps []e
		now   float64 // seconds after t0; 0 for the last entry
		snap  *Snapshot
		want  string
	}{
		{"all done", 2, with(done, e{60, 0, "idle", "", ""}), 0, nil, ""},
		{"the last entry is no clock when nothing logs after the hang", 2, hang, 0, nil, ""},
		{"a short wait", 2, hang, 20, nil, ""},
		{"behind a barrier, by --now", 2, hang, 142, nil, "behind-peer t/1"},
		{"behind a barrier, by the entries of others", 2, with(hang, e{142, 2, "idle", "", ""}), 0, nil, "behind-peer t/1"},
		{"a rank in a phase a newer Skulk added is behind", 2, with(hang[:4], e{0.2, 0, "prefill_schedule", "", "t"},
			e{0.21, 1, "prefill_schedule", "", "t"}, e{0.5, 0, "prefill_stream", "", "t"}, e{1, 0, "decode_barrier", "", "t"}), 100, nil, "behind-peer t/1"},
		{"the rank left at a barrier its peer passed went silent first", 2,
			[]e{{0, 0, "decode_barrier", "", "t"}, {0.1, 1, "decode_barrier", "", "t"}, {0.2, 1, "decode_stream", "", "t"}}, 40, nil, "frozen t/0"},
		{"a lone rank gone silent", 1, []e{{0, 0, "decode_stream", "", "t"}, {1, 0, "decode_stream", "progress", "t"}}, 46, nil, "frozen t/0"},
		{"a rank that finished does not count, the other froze", 2, with(done[:2], e{1, 0, "completion", "", "t"}), 50, nil, "frozen t/1"},
		{"crashed, with its peer waiting", 2, with(hang[:6], e{0.5, 1, "error", "exception", "t"}, e{0.5, 1, "error", "runner_crashed", ""},
			e{0.6, 1, "shutdown_cleanup", "", ""}, e{1, 0, "decode_barrier", "", "t"}), 100, nil, "crashed t/1"},
		{"crashed, with no one waiting", 2, with(hang[:6], e{0.5, 1, "error", "runner_crashed", "t"}, e{0.5, 0, "error", "runner_crashed", "t"}), 100, nil, ""},
		{"error after completion rests", 1, []e{{0, 0, "completion", "", "t"}, {0.1, 0, "error", "exception", "t"}}, 100, nil, ""},
		{"a task failed on a rank that went idle, with its peer waiting", 2, with(hang[:6], e{0.5, 1, "error", "exception", "t"},
			e{0.6, 1, "idle", "", ""}, e{1, 0, "decode_barrier", "", "t"}), 100, nil, "crashed t/1"},
		{"a rank that never reported, while its peer waits", 2, []e{{0, 0, "decode_barrier", "", "t"}}, 100, nil, "never-reported t/1"},
		{"a rank that never reported for a finished task is a note", 2, []e{{0, 0, "completion", "", "t"}}, 100, nil, ""},
		{"a rank on an unreachable node", 2, []e{{0, 0, "decode_barrier", "", "t"}}, 100,
			&Snapshot{Unreachable: []Unreachable{{NodeID: "node-1", Error: "ConnectError"}}}, "unreachable-node t/1"},
		{"a long warmup outside any task", 1, []e{{0, 0, "created", "", ""}, {1, 0, "warmup", "", ""}}, 240, nil, ""},
		{"a warmup past --startup-silence", 1, []e{{0, 0, "created", "", ""}, {1, 0, "warmup", "", ""}}, 700, nil, "frozen /0"},
		{"a lifecycle task loading long", 2, []e{{0, 0, "task_submission", "", "load"}, {0, 1, "task_submission", "", "load"},
			{0.1, 0, "load_model", "", "load"}, {0.1, 1, "load_model", "", "load"}}, 300, nil, ""},
		{"a lifecycle task never reaches completion: its runners move on", 1, []e{{0, 0, "load_model", "", "load"},
			{20, 0, "warmup", "", "warm"}, {30, 0, "idle", "runner_ready", "warm"}}, 900, nil, ""},
		{"entries without a task id belong to the task their runner is in", 2, []e{{0, 0, "task_submission", "", "t"},
			{0, 1, "task_submission", "", "t"}, {0.1, 0, "task_agreement", "", ""}, {0.1, 1, "task_agreement", "", ""},
			{0.2, 0, "decode_barrier", "", "t"}}, 100, nil, "behind-peer t/1"},
		{"a recovered hang", 2, []e{{0, 0, "decode_stream", "", "t"}, {0, 1, "decode_stream", "", "t"},
			{31, 1, "decode_stream", "pipeline_eval_timeout", "t"}, {31.5, 1, "decode_stream", "progress", "t"},
			{31.6, 0, "decode_stream", "progress", "t"}, {32, 0, "completion", "", "t"}, {32, 1, "completion", "", "t"}}, 100, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{}
			if c.now > 0 {
				opts.Now = at(c.now)
			}
			res := feed(opts, c.world, c.steps).Analyze(c.snap)
			if got := verdict(res); got != c.want {
				t.Errorf("suspects %q, want %q\n%s", got, c.want, describe(res))
			}
		})
	}
}

func describe(res *Analysis) string {
	var b strings.Builder
	res.Describe(&b, true)
	return b.String()
}

// TestSnapshotEvidence: the snapshot's time in phase counts when it is the
// larger evidence (the flight recorder lost the start of the phase), its
// last progress when it is the later one, and a gone process is a crash.
func TestSnapshotEvidence(t *testing.T) {
	// Rank 0's recorder starts with the decode barrier 10s before the
	// snapshot; the snapshot has it there for 50s.
	steps := []e{{-1, 1, "prefill_barrier", "", "t"}, {-0.5, 1, "prefill_stream", "", "t"}, {20, 0, "decode_barrier", "", "t"}}
	state := func(rank int64, phase string, inPhase float64, alive bool) RunnerState {
		return RunnerState{NodeID: fmt.Sprintf("node-%d", rank), RunnerID: fmt.Sprintf("runner-%d", rank), InstanceID: "i",
			Rank: rank, WorldSize: 2, Phase: phase, SecondsInPhase: inPhase, ProcessAlive: alive, ActiveTaskID: "t",
			StatusKind: "RunnerRunning", TakenAt: at(30), Where: Location{Path: "snap.json", Line: 1, Pointer: fmt.Sprintf("/runners/%d", rank)}}
	}
	snap := &Snapshot{At: at(30), AtText: "30", Input: "snap.json"}
	if got := verdict(feed(Options{}, 2, steps).Analyze(snap)); got != "" {
		t.Fatalf("without the runners' states: %q", got)
	}
	snap.Runners = []RunnerState{state(0, "decode_barrier", 50, true), state(1, "prefill_stream", 31, true)}
	res := feed(Options{}, 2, steps).Analyze(snap)
	if got := verdict(res); got != "behind-peer t/1" {
		t.Fatalf("with them: %q\n%s", got, describe(res))
	}
	if r := res.RollCall.Unfinished[0].Ranks[0]; r.SinceSeconds != 50 || r.Status != Working {
		t.Errorf("rank 0 %+v: want 50s in phase, from the snapshot", r)
	}
	if ev := res.Suspects[0].Evidence; ev[len(ev)-1].Pointer != "/runners/1" {
		t.Errorf("evidence %+v: want the snapshot's runner last", ev)
	}

	recent := state(1, "prefill_stream", 31, true)
	recent.LastProgressAt = at(25) // progress the entries do not show
	snap.Runners = []RunnerState{state(0, "decode_barrier", 50, true), recent}
	if got := verdict(feed(Options{}, 2, steps).Analyze(snap)); got != "" {
		t.Errorf("rank 1 made progress 5s ago: %q", got)
	}

	snap.Runners = []RunnerState{state(0, "decode_barrier", 50, true), state(1, "prefill_stream", 31, false)}
	if got := verdict(feed(Options{}, 2, steps).Analyze(snap)); got != "crashed t/1" {
		t.Errorf("rank 1's process is gone: %q", got)
	}

	// A rank the entries never show, that the snapshot has in the task.
	snap.Runners = []RunnerState{state(0, "decode_barrier", 50, true), state(1, "prefill_stream", 60, true)}
	res = feed(Options{}, 2, steps[2:]).Analyze(snap)
	if got := verdict(res); got != "behind-peer t/1" {
		t.Errorf("rank 1 known from the snapshot alone: %q\n%s", got, describe(res))
	}
}

// TestClock: generatedAt, else --now, else the last entry; a clock
// before the last entry is the last entry, with a note.
func TestClock(t *testing.T) {
	cases := []struct {
		name   string
		now    time.Time
		snap   *Snapshot
		source ClockSource
		value  string
	}{
		{"last entry", time.Time{}, nil, FromLastEntry, at(1).Format(time.RFC3339Nano)},
		{"--now", at(100), nil, FromNow, at(100).Format(time.RFC3339Nano)},
		{"generatedAt before --now", at(100), &Snapshot{At: at(50), AtText: "fifty", Input: "s.json"}, FromGeneratedAt, "fifty"},
		{"a clock before the last entry", at(0.5), nil, FromLastEntry, at(1).Format(time.RFC3339Nano)},
	}
	for _, c := range cases {
		res := feed(Options{Now: c.now}, 2, hang).Analyze(c.snap)
		if res.Clock.Source != c.source || res.Clock.Value != c.value {
			t.Errorf("%s: clock %+v, want %s %s", c.name, res.Clock, c.source, c.value)
		}
		if clamped := c.name == "a clock before the last entry"; clamped != (len(res.Notes) == 1) || clamped != res.Clock.Clamped {
			t.Errorf("%s: notes %q, clock %+v", c.name, res.Notes, res.Clock)
		}
	}
}

// TestRecovered: a pipeline_eval_timeout followed by progress is listed,
// with how long it took.
func TestRecovered(t *testing.T) {
	res := feed(Options{Now: at(100)}, 1, []e{{0, 0, "decode_stream", "", "t"}, {31, 0, "decode_stream", "pipeline_eval_timeout", "t"},
		{33.5, 0, "decode_stream", "progress", "t"}, {34, 0, "completion", "", "t"}}).Analyze(nil)
	if len(res.Recovered) != 1 || res.Recovered[0].AfterSeconds != 2.5 || res.Recovered[0].AgoSeconds != 69 || res.Recovered[0].Where.Line != 2 {
		t.Errorf("recovered %+v", res.Recovered)
	}
	res = feed(Options{Now: at(100)}, 1, []e{{0, 0, "decode_stream", "", "t"}, {31, 0, "decode_stream", "pipeline_eval_timeout", "t"}}).Analyze(nil)
	if len(res.Recovered) != 0 || verdict(res) != "frozen t/0" {
		t.Errorf("a timeout with nothing after it: recovered %+v, suspects %q", res.Recovered, verdict(res))
	}
}

// TestHuman: explain writes durations with human.Duration, a negative one
// (an entry after the clock) clamped to 0.0s. validate/human's own test
// lacks some of these cases (the clamp, 59.9s, 59m59s, 26h05m).
func TestHuman(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"}, {-time.Second, "0.0s"}, {12340 * time.Millisecond, "12.3s"}, {59940 * time.Millisecond, "59.9s"},
		{59960 * time.Millisecond, "1m00s"}, {149 * time.Second, "2m29s"}, {3599 * time.Second, "59m59s"},
		{3600 * time.Second, "1h00m"}, {3720 * time.Second, "1h02m"}, {26*time.Hour + 5*time.Minute, "26h05m"},
	} {
		if got := human.Duration(max(c.d, 0)); got != c.want {
			t.Errorf("human.Duration(max(%v, 0)) = %q, want %q", c.d, got, c.want)
		}
	}
}

// TestStartups: a startup without task ids is each runner's work outside
// any task; the runners of one instance, as the snapshot names it, are
// called together, and a rank that never started up is missing.
func TestStartups(t *testing.T) {
	steps := []e{{0, 0, "connect_group", "", ""}, {0, 1, "connect_group", "", ""}, {5, 0, "warmup", "", ""}, {5, 1, "warmup", "", ""}}
	res := feed(Options{Now: at(65)}, 3, steps).Analyze(nil)
	if n := len(res.RollCall.Unfinished); n != 2 {
		t.Errorf("without the snapshot, %d calls, want one per runner", n)
	}
	snap := &Snapshot{}
	for r := int64(0); r < 2; r++ {
		snap.Runners = append(snap.Runners, RunnerState{RunnerID: fmt.Sprintf("runner-%d", r), InstanceID: "i", Rank: r, Phase: "warmup", ProcessAlive: true})
	}
	res = feed(Options{Now: at(65)}, 3, steps).Analyze(snap)
	calls := res.RollCall.Unfinished
	if len(calls) != 1 || calls[0].InstanceID != "i" || len(calls[0].Groups) != 2 || calls[0].Groups[1].Status != Missing {
		t.Fatalf("calls %+v", calls)
	}
	if text := describe(res); !strings.Contains(text, "the runners of instance i, starting up, outside any task (3 ranks): unfinished") {
		t.Errorf("text:\n%s", text)
	}
}

func TestSummary(t *testing.T) {
	tb := "Traceback (most recent call last):\n  File \"runner.py\", line 3, in step\n    eval()\nRuntimeError: [METAL] out of memory\n"
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{tb, 100, "RuntimeError: [METAL] out of memory"},
		{"peer rank 0 failed\nmore", 100, "peer rank 0 failed"},
		{strings.Repeat("é", 100), 11, strings.Repeat("é", 5) + "…"}, // not cut inside a character
	} {
		if got := summary(c.in, c.n); got != c.want {
			t.Errorf("summary(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestBehindMany: the ranks that wait behind one rank make one reason.
func TestBehindMany(t *testing.T) {
	var steps []e
	for r := int64(0); r < 4; r++ {
		steps = append(steps, e{0.1 * float64(r), r, "prefill_stream", "", "t"})
		if r != 2 {
			steps = append(steps, e{1 + float64(r), r, "decode_barrier", "", "t"})
		}
	}
	res := feed(Options{Now: at(100)}, 4, steps).Analyze(nil)
	if verdict(res) != "behind-peer t/2" || len(res.Suspects[0].Reasons) != 1 ||
		!strings.HasPrefix(res.Suspects[0].Reasons[0], "ranks 0-1, 3 have waited at decode_barrier for up to 1m39s while rank 2") {
		t.Errorf("suspects %+v", res.Suspects)
	}
}

// TestScreen: however many tasks hang, the text fits 40 lines unless
// verbose, and says what it leaves out.
func TestScreen(t *testing.T) {
	a := New(Options{Now: at(300)})
	for i := range 12 { // twelve instances of two ranks, each hung in a task
		for _, s := range []e{{0, 0, "prefill_stream", "", ""}, {0.1, 1, "prefill_stream", "", ""}, {0.5, 0, "decode_barrier", "", ""}} {
			en := Entry{At: at(float64(i) + s.sec), NodeID: fmt.Sprintf("node-%d", s.rank), RunnerID: fmt.Sprintf("runner-%d-%d", i, s.rank),
				Rank: s.rank, WorldSize: 2, Phase: s.phase, Event: "enter", TaskID: fmt.Sprintf("t%d", i)}
			en.AtText = en.At.Format(time.RFC3339Nano)
			a.Add(&en, Location{Path: "t.ndjson", Line: 3*i + 1})
		}
	}
	res := a.Analyze(nil)
	if len(res.Suspects) != 12 {
		t.Fatalf("%d suspects, want 12", len(res.Suspects))
	}
	var short, long strings.Builder
	res.Describe(&short, false)
	res.Describe(&long, true)
	if n := strings.Count(short.String(), "\n"); n > screen || !strings.Contains(short.String(), "more suspects (--verbose or --format json lists them)") {
		t.Errorf("%d lines:\n%s", n, short.String())
	}
	if n := strings.Count(long.String(), "\n"); n <= screen || strings.Count(long.String(), "behind-peer") != 12 {
		t.Errorf("verbose, %d lines:\n%s", n, long.String())
	}
}

// TestDescribeEscapes: a task id, a runner id, a detail and an unreachable
// node's error from the inputs reach the text escaped, so they cannot
// clear the screen, set the terminal's title or overwrite a line.
func TestDescribeEscapes(t *testing.T) {
	task := "t\x1b[2J\rx"
	a := New(Options{Now: at(100)})
	for i, s := range []struct {
		sec          float64
		rank         int64
		phase, event string
		detail       string
	}{
		{0, 0, "decode_stream", "enter", ""}, {0, 1, "decode_stream", "enter", ""},
		{5, 1, "error", "enter", "boom\x1b]0;pwned\x07\rgone"},
	} {
		en := Entry{At: at(s.sec), NodeID: fmt.Sprintf("node-%d", s.rank), RunnerID: fmt.Sprintf("runner-%d\r", s.rank),
			Rank: s.rank, WorldSize: 2, Phase: s.phase, Event: s.event, TaskID: task, Detail: s.detail}
		en.AtText = en.At.Format(time.RFC3339Nano)
		a.Add(&en, Location{Path: "t.ndjson", Line: i + 1})
	}
	res := a.Analyze(&Snapshot{Unreachable: []Unreachable{{NodeID: "node-2\x1b]0;x\x07", Error: "refused\r\x1b[2K"}}})
	for _, verbose := range []bool{false, true} {
		var b strings.Builder
		if err := res.Describe(&b, verbose); err != nil {
			t.Fatal(err)
		}
		text := b.String()
		for _, r := range strings.TrimSuffix(text, "\n") {
			if r < 0x20 && r != '\n' || r == 0x7f {
				t.Fatalf("verbose %v: the text keeps %U:\n%q", verbose, r, text)
			}
		}
		for _, want := range []string{`task t\u001b[2J\rx`, `boom\u001b]0;pwned\u0007\rgone`, `node-2\u001b]0;x\u0007`, `refused\r\u001b[2K`} {
			if !strings.Contains(text, want) {
				t.Errorf("verbose %v: no %s in\n%s", verbose, want, text)
			}
		}
		if verbose && !strings.Contains(text, `runner-1\r`) {
			t.Errorf("no runner-1\\r in\n%s", text)
		}
	}
}
