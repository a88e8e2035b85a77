package chrome

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden traces")

// trace writes the trace of the NDJSON dump file, whose entries are in
// the merge order.
func trace(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := NewWriter(&out)
	for line := range bytes.Lines(data) {
		var e timeline.ClusterTimelineEntry
		if err := e.UnmarshalJSON(line); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := w.Add(&e); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestGolden: the traces of a generated hang and of entries with every
// kind of attribute and string escape are what they were, byte for byte,
// and parse as JSON.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ndjson")
	if len(files) == 0 {
		t.Fatal("no dumps in testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			got := trace(t, file)
			if !json.Valid(got) {
				t.Fatalf("the trace is not JSON:\n%s", got)
			}
			golden := file + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the trace differs from %s (go test -update rewrites it):\n%s", golden, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := bufio.NewScanner(bytes.NewReader(got)), bufio.NewScanner(bytes.NewReader(want))
	g.Buffer(nil, 1<<20)
	w.Buffer(nil, 1<<20)
	for n := 1; ; n++ {
		gok, wok := g.Scan(), w.Scan()
		if !gok && !wok {
			return "(no line differs)"
		}
		if g.Text() != w.Text() || gok != wok {
			return "line " + strconv.Itoa(n) + ":\n got  " + g.Text() + "\n want " + w.Text()
		}
	}
}
