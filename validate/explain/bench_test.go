package explain

import (
	"bytes"
	"io"
	"os/exec"
	"testing"

	"github.com/flightline-dev/flightline/validate/merge"
)

// BenchmarkRead explains a stuck-barrier timeline of 100,000 entries
// that testdata/gen writes, as NDJSON.
func BenchmarkRead(b *testing.B) {
	data, err := exec.Command("go", "run", "../../testdata/gen", "-n", "100000", "-scenario", "stuck-barrier").Output()
	if err != nil {
		b.Fatalf("testdata/gen: %v", err)
	}
	in := []merge.Input{{Name: "dump.ndjson", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, _, err := Read(in, Options{}, 0)
		if err != nil || len(res.Suspects) != 1 {
			b.Fatal(err, res.Suspects)
		}
	}
	b.ReportMetric(100000*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
