package chrome

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// BenchmarkWriter writes the trace of the generated hang in testdata: its
// entries decoded beforehand (Add), or as their text and view (AddJSON).
func BenchmarkWriter(b *testing.B) {
	data, err := os.ReadFile("testdata/stuck-barrier.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	var entries []timeline.ClusterTimelineEntry
	var texts [][]byte
	var views []timeline.ClusterTimelineEntryView
	for line := range bytes.Lines(data) {
		var e timeline.ClusterTimelineEntry
		if err := e.UnmarshalJSON(line); err != nil {
			b.Fatal(err)
		}
		var v timeline.Validator
		var view timeline.ClusterTimelineEntryView
		v.ClusterTimelineEntry(line, &view)
		entries, texts, views = append(entries, e), append(texts, line), append(views, view)
	}
	run := func(b *testing.B, add func(w *Writer, i int) error) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			w := NewWriter(io.Discard)
			for i := range entries {
				if err := add(w, i); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(entries))*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	}
	b.Run("decoded", func(b *testing.B) { run(b, func(w *Writer, i int) error { return w.Add(&entries[i]) }) })
	b.Run("text", func(b *testing.B) { run(b, func(w *Writer, i int) error { return w.AddJSON(texts[i], &views[i]) }) })
}
