package timeline_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/testdata/shared"
)

// skulkEntries returns the timeline entries Skulk served in every cluster
// scenario and the edge cases, one line each.
func skulkEntries(t testing.TB) [][]byte {
	return readSkulkEntries(t, shared.Dir(t))
}

func readSkulkEntries(t testing.TB, shared string) [][]byte {
	dir := filepath.Join(shared, "skulk", "clusters")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "timeline.ndjson"))
	files = append(files, filepath.Join(dir, "edge", "entries.ndjson"))
	var lines [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				lines = append(lines, bytes.Clone(line))
			}
		}
	}
	if len(lines) < 100 {
		t.Fatalf("only %d entries in %s", len(lines), dir)
	}
	return lines
}

// TestSkulkEntries: every entry Skulk serves, integers beyond 64 bits
// included, validates, decodes, and encodes into a document that decodes
// to the same value; integers keep every digit.
func TestSkulkEntries(t *testing.T) {
	var v timeline.Validator
	beyond := 0
	for _, line := range skulkEntries(t) {
		if vs := v.ClusterTimelineEntry(line, nil); vs != nil {
			t.Errorf("%s: %v", line, vs)
			continue
		}
		var e timeline.ClusterTimelineEntry
		if err := e.UnmarshalJSON(line); err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		out, err := e.MarshalJSON()
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		var back timeline.ClusterTimelineEntry
		if err := back.UnmarshalJSON(out); err != nil || !reflect.DeepEqual(e, back) {
			t.Errorf("%s: encoded as %s, which decodes differently (%v)", line, out, err)
		}
		if _, ok := e.DeviceRank.Int64(); !ok {
			beyond++
			if !bytes.Contains(out, []byte(`"deviceRank":`+e.DeviceRank.String())) {
				t.Errorf("deviceRank %s is not written as it was: %s", e.DeviceRank, out)
			}
		}
	}
	if beyond == 0 {
		t.Error("no entry with a deviceRank beyond the int64 range: the edge cases are missing")
	}
}

// TestSchemaData: what the package says of its schema, for tools that do
// not load it, is what the schema says.
func TestSchemaData(t *testing.T) {
	m, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	props := map[string][]string{
		"ClusterTimelineEntry":  timeline.ClusterTimelineEntryProperties(),
		"ClusterTimelineRunner": timeline.ClusterTimelineRunnerProperties(),
		"Memory":                timeline.MemoryProperties(),
	}
	for _, typ := range m.Types {
		want, ok := props[typ.Name]
		if !ok {
			continue
		}
		var got []string
		for _, f := range typ.Fields {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%sProperties() = %v, want %v", typ.Name, want, got)
		}
	}
	sources := timeline.LiftRunnerFlightRecorderEntrySources()
	for _, set := range m.Lifts[0].Set {
		var from []string
		for _, p := range set.Path {
			from = append(from, p.Name)
		}
		if got := sources["/"+set.Field.Name]; got != "/"+strings.Join(from, "/") {
			t.Errorf("the lift takes /%s from %q, want /%s", set.Field.Name, got, strings.Join(from, "/"))
		}
	}
	if len(sources) != len(m.Lifts[0].Set) || sources["/deviceRank"] != "/context/rank" {
		t.Errorf("lift sources %v", sources)
	}
}

// A document is decoded into x and encoded back, as AppendJSON writes it.
type document interface {
	UnmarshalJSON([]byte) error
	AppendJSON([]byte) ([]byte, error)
}

// TestSkulkRoundTrip: every document of Skulk's recorded clusters, decoded
// into its type and encoded again, is byte for byte what Skulk served:
// the same members in the same order (attrs too), the same numbers,
// strings and escapes.
func TestSkulkRoundTrip(t *testing.T) {
	dir := filepath.Join(shared.Dir(t), "skulk", "clusters")
	kinds := []struct {
		glob string
		doc  func() document
	}{
		{"*/cluster_timeline.json", func() document { return new(timeline.ClusterTimeline) }},
		{"*/cluster_diagnostics.json", func() document { return new(timeline.ClusterDiagnostics) }},
		{"*/nodes/*.json", func() document { return new(timeline.NodeDiagnostics) }},
		{"*/nodes-unreachable/*.json", func() document { return new(timeline.NodeDiagnostics) }},
		{"*/timeline.ndjson", func() document { return new(timeline.ClusterTimelineEntry) }},
		{"*/timeline-by-node/*.ndjson", func() document { return new(timeline.ClusterTimelineEntry) }},
		{"edge/entries.ndjson", func() document { return new(timeline.ClusterTimelineEntry) }},
	}
	docs := 0
	for _, k := range kinds {
		files, _ := filepath.Glob(filepath.Join(dir, k.glob))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			texts := [][]byte{bytes.TrimSuffix(data, []byte("\n"))}
			if strings.HasSuffix(file, ".ndjson") {
				texts = bytes.Split(texts[0], []byte("\n"))
			}
			for i, text := range texts {
				if len(text) == 0 {
					continue // an empty timeline.ndjson
				}
				x := k.doc()
				if err := x.UnmarshalJSON(text); err != nil {
					t.Errorf("%s:%d: %v", file, i+1, err)
					continue
				}
				out, err := x.AppendJSON(nil)
				if err != nil {
					t.Errorf("%s:%d: %v", file, i+1, err)
					continue
				}
				if !bytes.Equal(out, text) {
					at := 0
					for at < min(len(out), len(text)) && out[at] == text[at] {
						at++
					}
					t.Errorf("%s:%d: re-encoded differently from byte %d:\n got %.80s\nwant %.80s", file, i+1, at, out[at:], text[at:])
				}
				docs++
			}
		}
	}
	if docs < 1000 {
		t.Errorf("only %d documents", docs)
	}
	t.Logf("%d documents re-encoded byte for byte", docs)
}
