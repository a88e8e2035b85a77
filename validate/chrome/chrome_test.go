package chrome

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden traces")

// trace writes the trace of the NDJSON dump file, whose entries are in
// the merge order: decoded with Add, or as their text and view with
// AddJSON.
func trace(t testing.TB, file string, text bool) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out, err := write(bytes.Lines(data), text)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

// write writes the trace of the entries.
func write(entries iter.Seq[[]byte], text bool) ([]byte, error) {
	var out bytes.Buffer
	w := NewWriter(&out)
	var v timeline.Validator
	for line := range entries {
		var err error
		if text {
			var view timeline.ClusterTimelineEntryView
			if vs := v.ClusterTimelineEntry(line, &view); len(vs) > 0 {
				return nil, fmt.Errorf("%s: %s", vs[0].Pointer, vs[0].Message)
			}
			err = w.AddJSON(line, &view)
		} else {
			var e timeline.ClusterTimelineEntry
			if err = e.UnmarshalJSON(line); err == nil {
				err = w.Add(&e)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	err := w.Close()
	return out.Bytes(), err
}

// TestGolden: the traces of a generated hang and of entries with every
// kind of attribute and string escape are what they were, byte for byte,
// and parse as JSON, whether the entries come decoded or as their text.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ndjson")
	if len(files) == 0 {
		t.Fatal("no dumps in testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			got := trace(t, file, false)
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
			if got := trace(t, file, true); !bytes.Equal(got, want) {
				t.Errorf("the trace of the entries' text differs from %s:\n%s", golden, firstDiff(got, want))
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

// FuzzAddJSON: an entry's text and view give the trace its decoded entry
// gives, after an entry of another runner and one of its own.
func FuzzAddJSON(f *testing.F) {
	for _, file := range []string{"testdata/escapes.ndjson", "testdata/stuck-barrier.ndjson"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			f.Add(bytes.TrimSpace(line))
		}
	}
	before, err := os.ReadFile("testdata/escapes.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	first, _, _ := bytes.Cut(before, []byte("\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(timeline.ValidateClusterTimelineEntry(raw)) > 0 {
			return
		}
		entries := slices.Values([][]byte{first, raw, raw})
		decoded, derr := write(entries, false)
		text, terr := write(entries, true)
		if (derr == nil) != (terr == nil) {
			t.Fatalf("Add: %v; AddJSON: %v", derr, terr)
		}
		if !bytes.Equal(decoded, text) {
			t.Fatalf("the traces differ:\n%s", firstDiff(text, decoded))
		}
	})
}
