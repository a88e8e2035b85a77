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
