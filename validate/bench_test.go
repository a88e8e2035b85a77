package validate

import (
	"bytes"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// benchDumps are generated once per process by testdata/gen.
var benchDumps sync.Map

// generatedDump returns an NDJSON dump of n entries from the project's data
// generator.
func generatedDump(b *testing.B, n int, args ...string) []byte {
	key := strconv.Itoa(n) + string(bytes.Join(func() [][]byte {
		var out [][]byte
		for _, a := range args {
			out = append(out, []byte(a))
		}
		return out
	}(), []byte(" ")))
	if d, ok := benchDumps.Load(key); ok {
		return d.([]byte)
	}
	cmd := exec.Command("go", append([]string{"run", "../testdata/gen", "-n", strconv.Itoa(n)}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("testdata/gen: %v", err)
	}
	benchDumps.Store(key, out)
	return out
}

func benchmarkDump(b *testing.B, data []byte, n int, opts Options) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		stats := Dump("bench", bytes.NewReader(data), opts, func(Finding) {})
		if stats.Entries != n || stats.Errors != 0 {
			b.Fatalf("%+v", stats)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkDump100k validates a generated NDJSON dump of 100,000 entries
// with the generated validator, on every core and on one.
func BenchmarkDump100k(b *testing.B) {
	data := generatedDump(b, 100000)
	b.Run("jobs=all", func(b *testing.B) { benchmarkDump(b, data, 100000, Options{}) })
	b.Run("jobs=1", func(b *testing.B) { benchmarkDump(b, data, 100000, Options{Jobs: 1}) })
}

// BenchmarkDump100kGeneral validates the same dump with jsonschema/v5.
func BenchmarkDump100kGeneral(b *testing.B) {
	data := generatedDump(b, 100000)
	s, err := BuiltinSchema()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkDump(b, data, 100000, Options{Schema: s})
}

// BenchmarkDump100kTimeline validates it as a pretty-printed
// ClusterTimeline object.
func BenchmarkDump100kTimeline(b *testing.B) {
	data := generatedDump(b, 100000, "-format", "timeline", "-pretty")
	benchmarkDump(b, data, 100000, Options{})
}
