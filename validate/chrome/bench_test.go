package chrome

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// BenchmarkWriter writes the trace of the generated hang in testdata,
// its entries decoded beforehand.
func BenchmarkWriter(b *testing.B) {
	data, err := os.ReadFile("testdata/stuck-barrier.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	var entries []timeline.ClusterTimelineEntry
	for line := range bytes.Lines(data) {
		var e timeline.ClusterTimelineEntry
		if err := e.UnmarshalJSON(line); err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard)
		for i := range entries {
			if err := w.Add(&entries[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(entries))*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
