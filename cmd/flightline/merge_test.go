package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// generator runs the project's data generator (testdata/gen), built once.
func generator(t *testing.T, args ...string) []byte {
	t.Helper()
	if genBinary == "" {
		t.Fatal("the data generator was not built")
	}
	out, err := exec.Command(genBinary, args...).Output()
	if err != nil {
		t.Fatalf("testdata/gen %v: %v", args, err)
	}
	return out
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// TestMergeSkulkExample: the Skulk example of DOMAIN.md, split into the
// two node dumps it came from, merges back into Skulk's timeline.
func TestMergeSkulkExample(t *testing.T) {
	r := flightline(t, repoRoot, "", "merge", "testdata/merge/skulk-peer-node.json", "testdata/merge/skulk-local-node.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var ats, nodes []string
	var ranks []int64
	for _, l := range lines(r.stdout) {
		var e timeline.ClusterTimelineEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		rank, _ := e.DeviceRank.Int64()
		ats, nodes, ranks = append(ats, string(e.At)), append(nodes, e.NodeID), append(ranks, rank)
		if e.WorldSize.Cmp(timeline.IntOf(2)) != 0 || *e.TaskID != "task-1" || e.Attrs["rank"].Integer.Cmp(e.DeviceRank) != 0 {
			t.Errorf("entry %s", l)
		}
	}
	wantAts := []string{"2026-04-24T22:03:50.000000+00:00", "2026-04-24T22:03:50.500000+00:00", "2026-04-24T22:03:51.508000+00:00", "2026-04-24T22:03:52.000000+00:00"}
	if !slices.Equal(ats, wantAts) || !slices.Equal(ranks, []int64{0, 1, 0, 1}) ||
		!slices.Equal(nodes, []string{"local-node", "peer-node", "local-node", "peer-node"}) {
		t.Errorf("merged %v %v %v", ats, ranks, nodes)
	}
	// As a ClusterTimeline: the runners, sorted as Skulk sorts them, and a
	// document that validates.
	out := filepath.Join(t.TempDir(), "timeline.json")
	r = flightline(t, repoRoot, "", "merge", "--format", "json", "--generated-at", "2026-04-24T22:03:53+00:00", "-o", out,
		"testdata/merge/skulk-peer-node.json", "testdata/merge/skulk-local-node.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(out)
	var doc timeline.ClusterTimeline
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Timeline) != 4 || len(doc.Runners) != 2 || doc.Runners[0].RunnerID != "runner-0" || doc.LocalNodeID != "peer-node" ||
		doc.GeneratedAt != "2026-04-24T22:03:53+00:00" {
		t.Errorf("document %s", data)
	}
	if r := flightline(t, repoRoot, "", "validate", out); r.code != 0 {
		t.Errorf("the merged ClusterTimeline does not validate:\n%s", r.stdout)
	}
}

// TestMergeEqualsSort: merging generated per-rank dumps, read as streams,
// gives the generator's own merged timeline, byte for byte; so does
// merging the same entries shuffled, which merge must sort first.
func TestMergeEqualsSort(t *testing.T) {
	dir := t.TempDir()
	generator(t, "-n", "5000", "-zulu", "0.3", "-split", "rank", "-out", filepath.Join(dir, "ranks"))
	all := generator(t, "-n", "5000", "-zulu", "0.3")
	r := flightline(t, dir, "", "merge", "ranks")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != string(all) {
		t.Error("merging the per-rank dumps does not give the merged timeline")
	}
	if strings.Contains(r.stderr, "sorted it first") || !strings.Contains(r.stderr, "5000 entries from 7 inputs") {
		t.Errorf("stderr: %s", r.stderr)
	}
	shuffled := lines(string(all))
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	os.WriteFile(filepath.Join(dir, "shuffled.ndjson"), []byte(strings.Join(shuffled, "\n")+"\n"), 0o644)
	r = flightline(t, dir, "", "merge", "shuffled.ndjson")
	if r.code != 0 || r.stdout != string(all) {
		t.Errorf("merging a shuffled dump: exit %d, equal %v", r.code, r.stdout == string(all))
	}
	if !strings.Contains(r.stderr, "shuffled.ndjson is not in order; it was sorted first") {
		t.Errorf("no warning about the unsorted input: %s", r.stderr)
	}
}

// TestMergePassthrough: an NDJSON entry passes through byte for byte.
func TestMergePassthrough(t *testing.T) {
	in, _ := os.ReadFile(filepath.Join(repoRoot, "testdata", "merge", "passthrough.ndjson"))
	r := flightline(t, repoRoot, "", "merge", "testdata/merge/passthrough.ndjson")
	if r.code != 0 || r.stdout != string(in) {
		t.Errorf("exit %d:\n got %s\nwant %s", r.code, r.stdout, in)
	}
}

// TestMergeLiftFidelity: a node dump's entry keeps every value as
// written when lifted: floats stay floats, big integers keep every digit,
// escapes and unicode survive.
func TestMergeLiftFidelity(t *testing.T) {
	r := flightline(t, repoRoot, "", "merge", "testdata/merge/fidelity-node.json")
	want := `{"at":"2026-04-24T22:03:50.250000+00:00","nodeId":"node-f","runnerId":"runner-f","deviceRank":0,"worldSize":1,` +
		`"phase":"decode_stream","event":"token","detail":"caf\u00e9 \u2603 \"quoted\" \\ back \ud83d\ude00 and raw é",` +
		`"attrs":{"zeta":1.50,"big":123456789012345678901234567890,"neg":-0.0,"exp":1E+2,"ok":false,"list":["a","\u0041"]},` +
		`"taskId":"task-f","commandId":null,"mlxMemory":{"generatedAt":"2026-04-24T22:03:50.250000+00:00","active":{"inBytes":9007199254740993},"cache":null,"source":"mlx.core"}}` + "\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d:\n got %s\nwant %s", r.code, r.stdout, want)
	}
}

// TestMergeBadInput: a malformed input stops the merge with exit 1 and a
// PATH:LINE message, and leaves no file behind.
func TestMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	good := generator(t, "-n", "50")
	os.WriteFile(filepath.Join(dir, "good.ndjson"), good, 0o644)
	bad := bytes.Replace(good, []byte(`"phase":"idle"`), []byte(`"phase":"bogus"`), 1)
	os.WriteFile(filepath.Join(dir, "bad.ndjson"), bad, 0o644)
	badLine := 1 + bytes.Count(bad[:bytes.Index(bad, []byte("bogus"))], []byte("\n"))
	out := filepath.Join(dir, "out", "merged.ndjson")
	os.MkdirAll(filepath.Dir(out), 0o755)
	r := flightline(t, dir, "", "merge", "-o", out, "good.ndjson", "bad.ndjson")
	want := "bad.ndjson:" + strconv.Itoa(badLine) + ": schema: /phase:"
	if r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("exit %d, stderr %q, want it to start with %q", r.code, r.stderr, want)
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
	// Unreadable input: exit 2.
	if r := flightline(t, dir, "", "merge", "missing.ndjson"); r.code != 2 || !strings.Contains(r.stderr, "missing.ndjson: no such file") {
		t.Errorf("missing input: exit %d, %s", r.code, r.stderr)
	}
}

// TestMergeDedupe: the same node dumped twice is counted, and dropped
// only with --dedupe.
func TestMergeDedupe(t *testing.T) {
	args := []string{"testdata/merge/skulk-local-node.json", "testdata/merge/skulk-local-node.json", "testdata/merge/skulk-peer-node.json"}
	r := flightline(t, repoRoot, "", append([]string{"merge"}, args...)...)
	if r.code != 0 || len(lines(r.stdout)) != 6 || !strings.Contains(r.stderr, "2 entries repeat the entry before them") {
		t.Errorf("exit %d, %d lines, %s", r.code, len(lines(r.stdout)), r.stderr)
	}
	r = flightline(t, repoRoot, "", append([]string{"merge", "--dedupe"}, args...)...)
	if r.code != 0 || len(lines(r.stdout)) != 4 || !strings.Contains(r.stderr, "dropped 2 duplicates") {
		t.Errorf("--dedupe: exit %d, %d lines, %s", r.code, len(lines(r.stdout)), r.stderr)
	}
}

// TestMergeMoved: where Skulk's text order of at differs from the instant
// order, merge follows the instant and says how many entries moved.
func TestMergeMoved(t *testing.T) {
	dir := t.TempDir()
	a := `{"at":"2026-04-24T22:03:50Z","nodeId":"a","runnerId":"r0","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}` + "\n"
	b := `{"at":"2026-04-24T22:03:50.5+00:00","nodeId":"a","runnerId":"r1","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}` + "\n"
	os.WriteFile(filepath.Join(dir, "a.ndjson"), []byte(a), 0o644)
	os.WriteFile(filepath.Join(dir, "b.ndjson"), []byte(b), 0o644)
	r := flightline(t, dir, "", "merge", "b.ndjson", "a.ndjson")
	if r.stdout != a+b || !strings.Contains(r.stderr, "moved 1 entry to follow the instant of at") {
		t.Errorf("got %s\n%s", r.stdout, r.stderr)
	}
}
