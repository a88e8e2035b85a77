package timeline_test

import (
	"bytes"
	"encoding/json"
	"iter"
	"os"
	"path/filepath"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// sampleEntries are entries of the bundled sample dump, as Skulk writes
// them: the benchmarks below run over all of them in turn.
func sampleEntries(b *testing.B) [][]byte {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample", "timeline.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Split(bytes.TrimSpace(data), []byte("\n"))
}

func perEntry(b *testing.B, entries [][]byte, f func([]byte)) {
	size := 0
	for _, e := range entries {
		size += len(e)
	}
	b.SetBytes(int64(size / len(entries)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f(entries[i%len(entries)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

func BenchmarkValidate(b *testing.B) {
	entries := sampleEntries(b)
	var v timeline.Validator
	perEntry(b, entries, func(e []byte) {
		if v.ClusterTimelineEntry(e, nil) != nil {
			b.Fatal("invalid")
		}
	})
}

func BenchmarkValidateWithView(b *testing.B) {
	entries := sampleEntries(b)
	var v timeline.Validator
	var view timeline.ClusterTimelineEntryView
	perEntry(b, entries, func(e []byte) { v.ClusterTimelineEntry(e, &view) })
}

func BenchmarkUnmarshal(b *testing.B) {
	entries := sampleEntries(b)
	perEntry(b, entries, func(e []byte) {
		var x timeline.ClusterTimelineEntry
		if err := x.UnmarshalJSON(e); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkUnmarshalEncodingJSON is the same decode through encoding/json,
// which calls the generated UnmarshalJSON after its own syntax check.
func BenchmarkUnmarshalEncodingJSON(b *testing.B) {
	entries := sampleEntries(b)
	perEntry(b, entries, func(e []byte) {
		var x timeline.ClusterTimelineEntry
		if err := json.Unmarshal(e, &x); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	raw := sampleEntries(b)
	entries := make([]timeline.ClusterTimelineEntry, len(raw))
	for i, r := range raw {
		if err := entries[i].UnmarshalJSON(r); err != nil {
			b.Fatal(err)
		}
	}
	var buf []byte
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = entries[i%len(entries)].AppendJSON(buf[:0])
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkMerge merges 8 sorted sources of decoded entries.
func BenchmarkMerge(b *testing.B) {
	raw := sampleEntries(b)
	var all []timeline.ClusterTimelineEntry
	for _, r := range raw {
		var e timeline.ClusterTimelineEntry
		if err := e.UnmarshalJSON(r); err != nil {
			b.Fatal(err)
		}
		all = append(all, e)
	}
	sources := make([][]timeline.ClusterTimelineEntry, 8)
	for i, e := range all {
		sources[i%8] = append(sources[i%8], e)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		var seqs []iter.Seq2[timeline.ClusterTimelineEntry, error]
		for _, s := range sources {
			seqs = append(seqs, func(yield func(timeline.ClusterTimelineEntry, error) bool) {
				for _, e := range s {
					if !yield(e, nil) {
						return
					}
				}
			})
		}
		for _, err := range timeline.Merge(seqs...) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
}
