package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
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
// input is read once, without a copy in TMPDIR: kept in memory and
// sorted, in order or not.
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
	os.Remove("out.ndjson")
	r = runIn(t, text, nil, "merge", "-o", "out.ndjson", "-", "shuffled.ndjson")
	if got, _ := os.ReadFile("out.ndjson"); r.code != 0 || len(got) != 2*len(all) || !strings.Contains(r.stderr, "<stdin> is not in order; it was sorted first") {
		t.Errorf("merging shuffled standard input with a shuffled file: exit %d, %d bytes of %d: %s", r.code, len(got), 2*len(all), r.stderr)
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

// TestMergeSkulkDocument: merge --format json of Skulk's cluster
// diagnostics writes the ClusterTimeline Skulk served with it: the same
// timeline, masterNodeId, localNodeId and unreachable nodes, and the same
// runners but for how long each has been in its phase (the two snapshots
// were taken moments apart). Merging a node whose recorder goes backwards
// says so, with the pointers of the step.
func TestMergeSkulkDocument(t *testing.T) {
	clusters := filepath.Join(sharedDir(t), "skulk", "clusters")
	docs, _ := filepath.Glob(filepath.Join(clusters, "*", "cluster_diagnostics.json"))
	if len(docs) == 0 {
		t.Fatalf("no cluster_diagnostics.json under %s", clusters)
	}
	for _, doc := range docs {
		scenario := filepath.Base(filepath.Dir(doc))
		t.Run(scenario, func(t *testing.T) {
			t.Chdir(t.TempDir())
			r := runIn(t, "", nil, "merge", "--format", "json", "-o", "merged.json", doc)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got, want map[string]any
			for name, v := range map[string]*map[string]any{"merged.json": &got, filepath.Join(filepath.Dir(doc), "cluster_timeline.json"): &want} {
				data, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(data, v); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			for _, key := range []string{"timeline", "masterNodeId", "localNodeId", "unreachableNodes", "runners"} {
				g, w := got[key], want[key]
				if key == "runners" {
					g, w = withoutSecondsInPhase(g), withoutSecondsInPhase(w)
				}
				gj, _ := json.Marshal(g)
				wj, _ := json.Marshal(w)
				if string(gj) != string(wj) {
					t.Errorf("%s:\n got %.300s\nwant %.300s", key, gj, wj)
				}
			}
		})
	}
	r := runIn(t, "", nil, "merge", "-o", os.DevNull, filepath.Join(clusters, "ipc-reorder", "nodes"))
	if r.code != 0 || !regexp.MustCompile(`warning: \S+node-B.json:1: /supervisorRunners/0/flightRecorder/111: recorder-order: at goes back 400µs from the entry before it in the runner's flight recorder \(/supervisorRunners/0/flightRecorder/110\)`).MatchString(r.stderr) {
		t.Errorf("merging ipc-reorder's nodes: exit %d\n%s", r.code, r.stderr)
	}
}

// withoutSecondsInPhase is a runners list without their secondsInPhase.
func withoutSecondsInPhase(runners any) any {
	list, _ := runners.([]any)
	for _, r := range list {
		if m, ok := r.(map[string]any); ok {
			delete(m, "secondsInPhase")
		}
	}
	return list
}

// TestOutputEscaped: merge, export and report escape the -o path in the
// error of an output they cannot open, as they escape everything else.
func TestOutputEscaped(t *testing.T) {
	t.Chdir(repoRoot)
	for _, name := range []string{"merge", "export", "report"} {
		r := runIn(t, "", nil, name, "-q", "-o", "no\x1bdir/out", "testdata/sample/stuck-barrier.ndjson")
		if r.code != exitUsage || !strings.HasPrefix(r.stderr, "flightline: "+name+": -o no") || strings.ContainsRune(r.stderr, '\x1b') {
			t.Errorf("%s: exit %d, stderr %q, want one escaped line", name, r.code, r.stderr)
		}
	}
}
