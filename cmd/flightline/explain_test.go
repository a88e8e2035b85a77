package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/explain"
)

// explainJSON runs explain --format json on the inputs.
func explainJSON(t *testing.T, dir string, args ...string) (*explain.Analysis, int) {
	t.Helper()
	r := flightline(t, dir, "", append([]string{"explain", "--format", "json"}, args...)...)
	var res explain.Analysis
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("explain output: %v\n%s%s", err, r.stdout, r.stderr)
	}
	return &res, r.code
}

// TestExplainScenarios: in the generated deadlock scenarios explain names
// the rank the generator made hold the others up, and in a healthy
// timeline none. The generator's documentation (testdata/gen) says which.
func TestExplainScenarios(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		scenario string
		want     []string // suspects as "rank node runner"
	}{
		{"healthy", nil},
		{"stuck-barrier", []string{"1 node-c runner-1-1"}},
		{"missing-rank", []string{"3 node-c runner-2-3", "3 node-c runner-2-3"}},
		{"silent-runner", []string{"0 node-a runner-0-0"}},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			for _, seed := range []string{"1", "7"} {
				file := filepath.Join(dir, c.scenario+seed+".ndjson")
				os.WriteFile(file, generator(t, "-n", "4000", "-seed", seed, "-scenario", c.scenario), 0o644)
				split := filepath.Join(dir, c.scenario+seed+"-nodes")
				generator(t, "-n", "4000", "-seed", seed, "-scenario", c.scenario, "-split", "node", "-out", split)
				for _, in := range []string{file, split} {
					res, code := explainJSON(t, dir, in)
					var got []string
					for _, s := range res.Suspects {
						got = append(got, strings.Join([]string{itoaInt(s.Rank), s.NodeID, s.RunnerID}, " "))
						if len(s.Evidence) == 0 || len(s.Reasons) == 0 {
							t.Errorf("%s: suspect without evidence: %+v", in, s)
						}
					}
					if strings.Join(got, ";") != strings.Join(c.want, ";") {
						t.Errorf("%s: suspects %q, want %q", in, got, c.want)
					}
					if wantCode := map[bool]int{true: 1, false: 0}[len(c.want) > 0]; code != wantCode {
						t.Errorf("%s: exit %d, want %d", in, code, wantCode)
					}
				}
			}
		})
	}
}

func itoaInt(n timeline.Int) string { return n.String() }

// TestExplainStuckBarrierText checks the text verdict of the stuck barrier
// scenario: the waiting rank and the rank behind it, with evidence.
func TestExplainStuckBarrierText(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stuck.ndjson")
	os.WriteFile(file, generator(t, "-n", "3000", "-scenario", "stuck-barrier"), 0o644)
	r := flightline(t, dir, "", "explain", "stuck.ndjson")
	for _, want := range []string{
		"unfinished", "decode_barrier", "prefill_stream", "verdict: 1 suspect",
		"rank 1 of task", "(node node-c, runner runner-1-1)",
		"rank 0 has waited at decode_barrier for", "while rank 1 is still in prefill_stream, behind it",
		"evidence: stuck.ndjson:",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
}

// TestExportChrome: the Chrome trace parses as JSON, with a process per
// node, a thread per runner, a slice and an instant per entry, and a
// counter per MLX memory snapshot.
func TestExportChrome(t *testing.T) {
	dir := t.TempDir()
	dump := generator(t, "-n", "2000", "-scenario", "stuck-barrier")
	os.WriteFile(filepath.Join(dir, "dump.ndjson"), dump, 0o644)
	r := flightline(t, dir, "", "export", "--format", "chrome", "-o", "trace.json", "dump.ndjson")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "trace.json"))
	var trace struct {
		TraceEvents []struct {
			Name string          `json:"name"`
			Ph   string          `json:"ph"`
			Ts   float64         `json:"ts"`
			Dur  float64         `json:"dur"`
			Pid  int             `json:"pid"`
			Tid  int             `json:"tid"`
			Args json.RawMessage `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &trace); err != nil {
		t.Fatalf("the trace is not JSON: %v", err)
	}
	var entries []timeline.ClusterTimelineEntry
	nodes, runners, memory := map[string]bool{}, map[string]bool{}, 0
	for _, l := range lines(string(dump)) {
		var e timeline.ClusterTimelineEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
		nodes[e.NodeID], runners[e.RunnerID] = true, true
		if e.MlxMemory != nil && e.MlxMemory.Active != nil {
			memory++
		}
	}
	count := map[string]int{}
	processes, threads := map[string]bool{}, map[string]bool{}
	for _, ev := range trace.TraceEvents {
		count[ev.Ph]++
		if ev.Ph == "M" && ev.Name == "process_name" {
			processes[string(ev.Args)] = true
		}
		if ev.Ph == "M" && ev.Name == "thread_name" {
			threads[string(ev.Args)] = true
		}
		if ev.Ph == "X" && ev.Dur < 0 {
			t.Errorf("a slice with a negative duration: %+v", ev)
		}
	}
	if count["X"] != len(entries) || count["i"] != len(entries) || count["C"] != memory {
		t.Errorf("events %v for %d entries and %d memory snapshots", count, len(entries), memory)
	}
	if len(processes) != len(nodes) || len(threads) != len(runners) {
		t.Errorf("%d processes for %d nodes, %d threads for %d runners", len(processes), len(nodes), len(threads), len(runners))
	}
	for th := range threads {
		if !strings.Contains(th, "rank ") {
			t.Errorf("thread name %s does not name the rank", th)
		}
	}
}
