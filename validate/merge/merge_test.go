package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
	"github.com/flightline-dev/flightline/validate/rule"
)

func memInput(name, text string) Input {
	return Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }}
}

// entry writes an entry at the second s of a minute, on a runner of rank.
func testEntry(s string, rank int, extra string) string {
	r := strconv.Itoa(rank)
	return `{"at":"2026-04-24T22:03:` + s + `+00:00","nodeId":"node-` + r + `","runnerId":"runner-` + r +
		`","deviceRank":` + r + `,"worldSize":2,"phase":"decode_stream","event":"enter"` + extra + `}`
}

// run merges the inputs and returns the merged entries and the report.
func run(t *testing.T, opts Options, inputs ...Input) ([]string, *Report) {
	t.Helper()
	var got []string
	rep, err := Merge(inputs, opts, func() error { got = nil; return nil }, func(e *Entry) error {
		got = append(got, string(e.Raw))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, rep
}

type mergeCase struct {
	name       string
	opts       Options
	inputs     [][]string
	want       []string
	duplicates int
	sorted     []bool
}

func TestMerge(t *testing.T) {
	a0, a2, a4 := testEntry("00", 0, ""), testEntry("02", 0, ""), testEntry("04", 0, "")
	b1, b3 := testEntry("01", 1, ""), testEntry("03", 1, "")
	cases := []mergeCase{
		{"interleave", Options{}, [][]string{{a0, a2, a4}, {b1, b3}}, []string{a0, b1, a2, b3, a4}, 0, []bool{false, false}},
		{"unsorted input is sorted first", Options{}, [][]string{{a2, a0, a4}, {b1, b3}}, []string{a0, b1, a2, b3, a4}, 0, []bool{true, false}},
		{"same entry twice is kept", Options{}, [][]string{{a0, a2}, {a0, b1}}, []string{a0, a0, b1, a2}, 1, []bool{false, false}},
		{"dedupe drops it", Options{Dedupe: true}, [][]string{{a0, a2}, {a0, b1}}, []string{a0, b1, a2}, 1, []bool{false, false}},
		{"same key, other content is not a duplicate", Options{Dedupe: true},
			[][]string{{a0, testEntry("00", 0, `,"detail":"x"`)}, {testEntry("00", 0, `,"detail":"y"`)}},
			[]string{a0, testEntry("00", 0, `,"detail":"x"`), testEntry("00", 0, `,"detail":"y"`)}, 0, []bool{false, false}},
		{"the same content written otherwise is a duplicate", Options{Dedupe: true},
			[][]string{{a0}, {strings.ReplaceAll(a0, `,"`, `, "`)}}, []string{a0}, 1, []bool{false, false}},
		{"third copy of a key", Options{}, [][]string{{a0, a0, a0}}, []string{a0, a0, a0}, 2, []bool{false}},
	}
	// Many entries of one key, each given twice: the window indexes them.
	var many, manyOnce []string
	for i := range 3 * manyHashes {
		e := testEntry("00", 0, `,"detail":"`+strconv.Itoa(i)+`"`)
		many, manyOnce = append(many, e, e), append(manyOnce, e)
	}
	cases = append(cases, mergeCase{"many entries of one key", Options{Dedupe: true}, [][]string{many}, manyOnce, 3 * manyHashes, []bool{false}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var inputs []Input
			for i, lines := range c.inputs {
				inputs = append(inputs, memInput("in"+strconv.Itoa(i), strings.Join(lines, "\n")+"\n"))
			}
			got, rep := run(t, c.opts, inputs...)
			if !slices.Equal(got, c.want) {
				t.Errorf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if rep.Duplicates != c.duplicates {
				t.Errorf("%d duplicates, want %d", rep.Duplicates, c.duplicates)
			}
			for i, in := range rep.Inputs {
				if in.Sorted != c.sorted[i] {
					t.Errorf("input %d sorted %v, want %v", i, in.Sorted, c.sorted[i])
				}
			}
		})
	}
}

// TestMergePrettyEntry: an entry written over several lines goes out on
// one, with its strings exactly as written.
// TestMergeBigRanks: ranks beyond the int64 range order exactly, however
// they are written, and pass through as written.
func TestMergeBigRanks(t *testing.T) {
	at := func(runner, rank string) string {
		return `{"at":"2026-04-24T22:03:50+00:00","nodeId":"node-a","runnerId":"` + runner + `","deviceRank":` + rank +
			`,"worldSize":18446744073709551617,"phase":"decode_stream","event":"enter"}`
	}
	// By rank first, then by runnerId: same is high's rank written otherwise.
	low, high, same := at("runner-z", "18446744073709551615"), at("runner-a", "18446744073709551616"), at("runner-b", "1.8446744073709551616e19")
	got, rep := run(t, Options{}, memInput("a", high+"\n"+same+"\n"), memInput("b", low+"\n"))
	if want := []string{low, high, same}; !slices.Equal(got, want) {
		t.Errorf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Entries != 3 {
		t.Errorf("%d entries", rep.Entries)
	}
}

func TestMergePrettyEntry(t *testing.T) {
	pretty := "[\n  {\n    \"at\": \"2026-04-24T22:03:00+00:00\",\n    \"nodeId\": \"node-0\",\n    \"runnerId\": \"runner-0\",\n" +
		"    \"deviceRank\": 0,\n    \"worldSize\": 2,\n    \"phase\": \"decode_stream\",\n    \"event\": \"enter\",\n" +
		"    \"detail\": \"two  spaces, caf\\u00e9 \\\"q\\\"\"\n  }\n]\n"
	got, _ := run(t, Options{}, memInput("pretty.json", pretty))
	want := testEntry("00", 0, `,"detail":"two  spaces, caf\u00e9 \"q\""`)
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestMergeDocumentProblems: a ClusterTimeline whose members break its
// schema stops the merge as validate fails it, with the member's pointer.
func TestMergeDocumentProblems(t *testing.T) {
	doc := `{"generatedAt": 5, "localNodeId": "node-0", "timeline": [` + testEntry("00", 0, "") + `]}`
	_, err := Merge([]Input{memInput("doc.json", doc)}, Options{}, func() error { return nil }, func(*Entry) error { return nil })
	ie, ok := err.(*InputError)
	if !ok || ie.Path != "doc.json" || ie.Line != 1 || !strings.HasPrefix(ie.Message, "/generatedAt: ") {
		t.Fatalf("got %v, want an InputError at doc.json:1 naming /generatedAt", err)
	}
}

func TestMergeStopsOnBadEntry(t *testing.T) {
	_, err := Merge([]Input{memInput("good", testEntry("00", 0, "")+"\n"), memInput("bad", testEntry("01", 1, "")+"\n"+`{"at":"noon"}`+"\n")},
		Options{}, func() error { return nil }, func(*Entry) error { return nil })
	ie, ok := err.(*InputError)
	if !ok || ie.Path != "bad" || ie.Line != 2 {
		t.Fatalf("got %v, want an InputError at bad:2", err)
	}
}

// TestMergeStopsOnBadTimestamp: an entry that follows the schema but
// whose at is not a timestamp (empty, of any node and rank, or text)
// cannot be placed, and stops the merge.
func TestMergeStopsOnBadTimestamp(t *testing.T) {
	good := testEntry("00", 0, "")
	for _, bad := range []string{
		strings.Replace(good, "2026-04-24T22:03:00+00:00", "noon", 1),
		strings.Replace(good, "2026-04-24T22:03:00+00:00", "", 1),
		strings.Replace(strings.Replace(good, "2026-04-24T22:03:00+00:00", "", 1), `"node-0"`, `""`, 1),
		strings.Replace(good, "2026-04-24T22:03:00+00:00", "2026-04-24 22:03:00", 1),
	} {
		_, err := Merge([]Input{memInput("in", good+"\n"+bad+"\n")}, Options{}, func() error { return nil }, func(*Entry) error { return nil })
		ie, ok := err.(*InputError)
		if !ok || ie.Line != 2 || ie.Rule != rule.Timestamp || !strings.Contains(ie.Message, "cannot be placed in time") {
			t.Errorf("%s: got %v, want a timestamp InputError at in:2", bad, err)
		}
	}
}

// BenchmarkMergePerRank merges 8 per-rank NDJSON files of 100,000 entries
// in all, generated by testdata/gen, writing the merged timeline away.
func BenchmarkMergePerRank(b *testing.B) {
	dir := b.TempDir()
	cmd := exec.Command("go", "run", "../../testdata/gen", "-n", "100000", "-nodes", "8", "-instances", "8", "-split", "rank", "-out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("testdata/gen: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	var inputs []Input
	var size int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		size += int64(len(data))
		inputs = append(inputs, Input{Name: f, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Merge(inputs, Options{}, func() error { return nil }, func(e *Entry) error {
			io.Discard.Write(e.Raw)
			return nil
		})
		if err != nil || rep.Entries != 100000 {
			b.Fatal(err, rep.Entries)
		}
	}
	b.ReportMetric(100000*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// TestMergeOnce reads an input marked Once a single time, even when the
// merge starts over because another input is out of order.
func TestMergeOnce(t *testing.T) {
	a0, a2, a4 := testEntry("00", 0, ""), testEntry("02", 0, ""), testEntry("04", 0, "")
	b1, b3 := testEntry("01", 1, ""), testEntry("03", 1, "")
	opens := 0
	once := Input{Name: "<stdin>", Once: true, Open: func() (io.ReadCloser, error) {
		opens++
		if opens > 1 {
			return nil, errors.New("opened twice")
		}
		return io.NopCloser(strings.NewReader(strings.Join([]string{b3, b1}, "\n"))), nil
	}}
	got, rep := run(t, Options{}, memInput("unsorted", strings.Join([]string{a2, a4, a0}, "\n")), once)
	if want := []string{a0, b1, a2, b3, a4}; !slices.Equal(got, want) {
		t.Errorf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if opens != 1 {
		t.Errorf("the Once input was opened %d times", opens)
	}
	if !rep.Inputs[0].Sorted || !rep.Inputs[1].Sorted || rep.Inputs[1].Entries != 2 {
		t.Errorf("report %+v", rep.Inputs)
	}
}

// TestMergeManyInputsMemory merges thousands of one-entry inputs: the
// buffers each input gets shrink with their number.
func TestMergeManyInputsMemory(t *testing.T) {
	const n = 5000
	inputs := make([]Input, n)
	for i := range inputs {
		inputs[i] = memInput("in"+strconv.Itoa(i), testEntry(fmt.Sprintf("%02d", i%60), i%2, "")+"\n")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, _ := run(t, Options{}, inputs...)
	runtime.ReadMemStats(&after)
	if len(got) != n {
		t.Fatalf("%d entries, want %d", len(got), n)
	}
	// 5000 inputs with 1 MB of buffers each allocated 7 GB before.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 400<<20 {
		t.Errorf("merging %d one-entry inputs allocated %d MB", n, alloc>>20)
	}
}

// TestMergeSkulkNodes merges the node dumps of each of Skulk's scenarios,
// and its ClusterDiagnostics: the result is Skulk's own merged timeline,
// byte for byte, ties included, and the document Skulk's ClusterTimeline
// carries.
func TestMergeSkulkNodes(t *testing.T) {
	for _, name := range skulkdata.Scenarios(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(skulkdata.Dir(t), "clusters", name)
			var skulk struct {
				MasterNodeID     *string `json:"masterNodeId"`
				LocalNodeID      string  `json:"localNodeId"`
				UnreachableNodes []struct {
					NodeID string `json:"nodeId"`
				} `json:"unreachableNodes"`
			}
			data, _ := os.ReadFile(filepath.Join(dir, "cluster_timeline.json"))
			if err := json.Unmarshal(data, &skulk); err != nil {
				t.Fatal(err)
			}
			nodes, _ := filepath.Glob(filepath.Join(dir, "nodes", "*.json"))
			for _, files := range [][]string{nodes, {filepath.Join(dir, "cluster_diagnostics.json")}} {
				var inputs []Input
				for _, f := range files {
					inputs = append(inputs, Input{Name: f, Open: func() (io.ReadCloser, error) { return os.Open(f) }})
				}
				var out bytes.Buffer
				rep, err := Merge(inputs, Options{}, func() error { out.Reset(); return nil }, func(e *Entry) error {
					out.Write(e.Raw)
					out.WriteByte('\n')
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(filepath.Join(dir, "timeline.ndjson"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					got := strings.Split(out.String(), "\n")
					for i, line := range strings.Split(string(want), "\n") {
						if i >= len(got) || got[i] != line {
							t.Fatalf("%s: line %d differs from Skulk's timeline.ndjson:\n got %.300s\nwant %.300s", files[0], i+1, got[min(i, len(got)-1)], line)
						}
					}
					t.Fatalf("%s: %d lines, want %d", files[0], len(got), strings.Count(string(want), "\n"))
				}
				if rep.Doc.LatestGeneratedAt == "" || rep.Doc.MasterNodeID == nil || skulk.MasterNodeID == nil || *rep.Doc.MasterNodeID != *skulk.MasterNodeID {
					t.Errorf("%s: generatedAt %q, masterNodeId %v: not carried over (Skulk's: %v)", files[0], rep.Doc.LatestGeneratedAt, rep.Doc.MasterNodeID, skulk.MasterNodeID)
				}
				if strings.HasSuffix(files[0], "cluster_diagnostics.json") { // it names the nodes out of reach
					var got, want []string
					for _, u := range rep.Doc.Unreachable {
						got = append(got, u.NodeID)
					}
					for _, u := range skulk.UnreachableNodes {
						want = append(want, u.NodeID)
					}
					if !slices.Equal(got, want) {
						t.Errorf("unreachable nodes %q, Skulk's %q", got, want)
					}
				}
			}
		})
	}
}

// TestMergeReachedElsewhere: a node a ClusterTimeline calls unreachable is
// not, once an input holds its node dump.
func TestMergeReachedElsewhere(t *testing.T) {
	dir := filepath.Join(skulkdata.Dir(t), "clusters", "main")
	open := func(name string) Input {
		return Input{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }}
	}
	_, rep := run(t, Options{}, open("cluster_timeline.json"))
	if len(rep.Doc.Unreachable) != 1 {
		t.Fatalf("%d unreachable nodes, want node D", len(rep.Doc.Unreachable))
	}
	_, rep = run(t, Options{}, open("cluster_timeline.json"), open("nodes-unreachable/node-D.json"))
	if len(rep.Doc.Unreachable) != 0 {
		t.Errorf("node D is still unreachable: %+v", rep.Doc.Unreachable)
	}
}

// TestMergeWarningPointer: a warning names the field it is about, as an
// error does.
func TestMergeWarningPointer(t *testing.T) {
	doc := `{"generatedAt":"2026-04-24T23:03:00+01:00","localNodeId":"node-0","runners":[],"timeline":[` + testEntry("00", 0, "") + `],"unreachableNodes":[]}`
	_, rep := run(t, Options{}, memInput("in", doc))
	want := "in:1: timestamp-offset: /generatedAt: "
	if len(rep.Inputs) != 1 || len(rep.Inputs[0].Warnings) != 1 || !strings.HasPrefix(rep.Inputs[0].Warnings[0], want) {
		t.Errorf("warnings %q, want one starting %q", rep.Inputs[0].Warnings, want)
	}
}
