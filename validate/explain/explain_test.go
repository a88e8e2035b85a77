package explain

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// step is an entry of a hand-written timeline: seconds after the start,
// rank, phase and task ("" for none).
type step struct {
	sec   float64
	rank  int64
	phase timeline.Phase
	task  string
}

func analyze(steps []step, world int64) *Analysis {
	a := New(Options{})
	for i, s := range steps {
		e := timeline.ClusterTimelineEntry{
			At:     timeline.DateTimeOf(time.Date(2026, 4, 24, 22, 0, 0, 0, time.UTC).Add(time.Duration(s.sec * float64(time.Second)))),
			NodeID: fmt.Sprintf("node-%d", s.rank), RunnerID: fmt.Sprintf("runner-%d", s.rank),
			DeviceRank: timeline.IntOf(s.rank), WorldSize: timeline.IntOf(world), Phase: s.phase, Event: "enter",
		}
		if s.task != "" {
			e.TaskID = &s.task
		}
		a.Add(&e, Location{Path: "t.ndjson", Line: i + 1})
	}
	return a.Analysis()
}

func suspects(res *Analysis) string {
	var out []string
	for _, s := range res.Suspects {
		out = append(out, fmt.Sprintf("%s/%s: %s", s.TaskID, s.Rank, strings.Join(s.Reasons, "; ")))
	}
	return strings.Join(out, "\n")
}

func TestVerdicts(t *testing.T) {
	bar, pre, dec, done := timeline.PhaseDecodeBarrier, timeline.PhasePrefillStream, timeline.PhaseDecodeStream, timeline.PhaseCompletion
	cases := []struct {
		name  string
		steps []step
		want  string
	}{
		{"all done", []step{{0, 0, pre, "t"}, {0.1, 1, pre, "t"}, {1, 0, done, "t"}, {1.1, 1, done, "t"}, {60, 0, timeline.PhaseIdle, ""}}, ""},
		{"a short wait is not a hang", []step{{0, 0, bar, "t"}, {0.1, 1, pre, "t"}, {5, 1, pre, "t"}}, ""},
		{"behind a barrier", []step{{0, 0, bar, "t"}, {0.1, 1, pre, "t"}, {40, 1, pre, "t"}},
			"t/1: rank 0 has waited at decode_barrier for 40.0s while rank 1 is still in prefill_stream, behind it"},
		{"a rank ahead of a barrier is not behind it; the one left there is silent", []step{{0, 0, bar, "t"}, {0.1, 1, dec, "t"}, {40, 1, dec, "t"}},
			"t/0: rank 0 has been silent for 40.0s in decode_barrier with the task unfinished"},
		{"silent with the task unfinished", []step{{0, 0, dec, "t"}, {0.1, 1, dec, "t"}, {1, 1, done, "t"}, {45, 1, timeline.PhaseIdle, ""}},
			"t/0: rank 0 has been silent for 45.0s in decode_stream with the task unfinished"},
		{"missing rank", []step{{0, 0, done, "t"}, {0.1, 2, done, "t"}},
			"t/1: rank 1 of 3 never reported for the task: a missing dump, or a rank that never started"},
	}
	for _, c := range cases {
		world := int64(2)
		if c.name == "missing rank" {
			world = 3
		}
		if got := suspects(analyze(c.steps, world)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
