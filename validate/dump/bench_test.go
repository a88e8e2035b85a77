package dump

import (
	"bytes"
	"os/exec"
	"testing"
)

// BenchmarkReader reads 100,000 generated entries as NDJSON and as one
// ClusterTimeline document, compact and indented: the reader alone, which
// frames a document's entries on one goroutine.
func BenchmarkReader(b *testing.B) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"ndjson", nil},
		{"timeline", []string{"-format", "timeline"}},
		{"timeline-pretty", []string{"-format", "timeline", "-pretty"}},
	} {
		data, err := exec.Command("go", append([]string{"run", "../../testdata/gen", "-n", "100000"}, c.args...)...).Output()
		if err != nil {
			b.Fatalf("testdata/gen: %v", err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				n := 0
				NewReader(bytes.NewReader(data), 0).Read(func(it Item) bool {
					if it.Problem != nil {
						b.Fatal(it.Problem)
					}
					n++
					return true
				})
				if n != 100000 {
					b.Fatalf("%d entries", n)
				}
			}
			b.ReportMetric(100000*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
