package merge

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
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

func TestMerge(t *testing.T) {
	a0, a2, a4 := testEntry("00", 0, ""), testEntry("02", 0, ""), testEntry("04", 0, "")
	b1, b3 := testEntry("01", 1, ""), testEntry("03", 1, "")
	cases := []struct {
		name       string
		opts       Options
		inputs     [][]string
		want       []string
		duplicates int
		sorted     []bool
	}{
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

// TestMergeDocumentProblems: a member of a ClusterTimeline that cannot be
// carried over is said, not dropped in silence.
func TestMergeDocumentProblems(t *testing.T) {
	doc := `{"generatedAt": 5, "localNodeId": "node-0", "timeline": [` + testEntry("00", 0, "") + `]}`
	_, rep := run(t, Options{}, memInput("doc.json", doc))
	if len(rep.Doc.Problems) != 1 || !strings.HasPrefix(rep.Doc.Problems[0], "doc.json:1: generatedAt: ") {
		t.Errorf("problems %q", rep.Doc.Problems)
	}
	if rep.Doc.LocalNodeID != "node-0" {
		t.Errorf("localNodeId %q", rep.Doc.LocalNodeID)
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
