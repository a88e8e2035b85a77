package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/explain"
)

// generator runs the project's data generator (testdata/gen).
func generator(t *testing.T, args ...string) []byte {
	t.Helper()
	bin, err := dataGenerator()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("testdata/gen %v: %v", args, err)
	}
	return out
}

// TestMergeShuffled: merging the entries of a timeline shuffled, which
// merge must sort first, gives the timeline, with a warning. Standard
// input is read once, as a stream, without a copy in TMPDIR: in order, it
// merges; out of order, it would have to be read again, and the command
// says so (until the merge package reads such an input whole the first
// time).
func TestMergeShuffled(t *testing.T) {
	t.Chdir(t.TempDir())
	all := generator(t, "-n", "5000", "-zulu", "0.3")
	shuffled := lines(string(all))
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	text := strings.Join(shuffled, "\n") + "\n"
	writeTree(t, ".", map[string]string{"shuffled.ndjson": text})
	r := runIn(t, "", nil, "merge", "shuffled.ndjson")
	if r.code != 0 || r.stdout != string(all) {
		t.Errorf("merging a shuffled dump: exit %d, equal %v", r.code, r.stdout == string(all))
	}
	if !strings.Contains(r.stderr, "shuffled.ndjson is not in order; it was sorted first") {
		t.Errorf("no warning about the unsorted input: %s", r.stderr)
	}
	r = runIn(t, string(all), nil, "merge", "-o", "out.ndjson")
	if got, _ := os.ReadFile("out.ndjson"); r.code != 0 || string(got) != string(all) {
		t.Errorf("merging standard input: exit %d, equal %v: %s", r.code, string(got) == string(all), r.stderr)
	}
	r = runIn(t, text, nil, "merge", "-o", "out.ndjson")
	if got, _ := os.ReadFile("out.ndjson"); r.code != 2 || string(got) != string(all) ||
		!strings.Contains(r.stderr, "<stdin> can be read only once") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("merging shuffled standard input: exit %d, out.ndjson kept %v: %s", r.code, string(got) == string(all), r.stderr)
	}
}

// TestExplainScenarios: in the generated deadlock scenarios explain names
// the rank the generator made hold the others up, and in a healthy
// timeline none. The generator's documentation (testdata/gen) says which.
func TestExplainScenarios(t *testing.T) {
	t.Chdir(t.TempDir())
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
				file := c.scenario + seed + ".ndjson"
				writeTree(t, ".", map[string]string{file: string(generator(t, "-n", "4000", "-seed", seed, "-scenario", c.scenario))})
				split := c.scenario + seed + "-nodes"
				generator(t, "-n", "4000", "-seed", seed, "-scenario", c.scenario, "-split", "node", "-out", split)
				for _, in := range []string{file, split} {
					r := runIn(t, "", nil, "explain", "--format", "json", in)
					var res explain.Analysis
					if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
						t.Fatalf("explain output: %v\n%s%s", err, r.stdout, r.stderr)
					}
					var got []string
					for _, s := range res.Suspects {
						rank, _ := json.Marshal(s.Rank)
						got = append(got, strings.Join([]string{string(rank), s.NodeID, s.RunnerID}, " "))
						if len(s.Evidence) == 0 || len(s.Reasons) == 0 {
							t.Errorf("%s: suspect without evidence: %+v", in, s)
						}
					}
					if strings.Join(got, ";") != strings.Join(c.want, ";") {
						t.Errorf("%s: suspects %q, want %q", in, got, c.want)
					}
					if wantCode := map[bool]int{true: 1, false: 0}[len(c.want) > 0]; r.code != wantCode {
						t.Errorf("%s: exit %d, want %d", in, r.code, wantCode)
					}
				}
			}
		})
	}
}

// TestExportChrome: the Chrome trace parses as JSON, with a process per
// node, a thread per runner, a slice and an instant per entry, and a
// counter per MLX memory snapshot.
func TestExportChrome(t *testing.T) {
	t.Chdir(t.TempDir())
	dump := generator(t, "-n", "2000", "-scenario", "stuck-barrier")
	writeTree(t, ".", map[string]string{"dump.ndjson": string(dump)})
	r := runIn(t, "", nil, "export", "--format", "chrome", "-o", "trace.json", "dump.ndjson")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile("trace.json")
	// Standard output gives the same trace.
	if r := runIn(t, "", nil, "export", "dump.ndjson"); r.stdout != string(data) {
		t.Error("export to standard output differs from export -o")
	}
	var trace struct {
		TraceEvents []struct {
			Name string          `json:"name"`
			Ph   string          `json:"ph"`
			Dur  float64         `json:"dur"`
			Args json.RawMessage `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &trace); err != nil {
		t.Fatalf("the trace is not JSON: %v", err)
	}
	entries, memory := 0, 0
	nodes, runners := map[string]bool{}, map[string]bool{}
	for _, l := range lines(string(dump)) {
		var e timeline.ClusterTimelineEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		entries++
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
	if count["X"] != entries || count["i"] != entries || count["C"] != memory {
		t.Errorf("events %v for %d entries and %d memory snapshots", count, entries, memory)
	}
	if len(processes) != len(nodes) || len(threads) != len(runners) {
		t.Errorf("%d processes for %d nodes, %d threads for %d runners", len(processes), len(nodes), len(threads), len(runners))
	}
	for th := range threads {
		if !strings.Contains(th, "rank ") {
			t.Errorf("thread name %s does not name the rank", th)
		}
	}
	if _, err := os.Stat(filepath.Join(".", "trace.json")); err != nil {
		t.Error(err)
	}
}
