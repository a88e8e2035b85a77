package dump

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzReader reads random bytes as a dump: the reader must not panic, must
// see the same items whether the input comes whole or a byte at a time,
// and with any entry limit must keep its buffer within the limit.
func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		entryA + "\n" + entryB + "\n",
		"[" + entryA + "," + entryB + "]",
		`{"generatedAt":"g","timeline":[` + entryA + `],"unreachableNodes":[]}`,
		`{"supervisorRunners":[{"runnerId":"r","flightRecorder":[{"at":"x","context":{}}]}]}`,
		"{\"at\": 1,\n\"b\": [\n2]}\n{\"cut\": \n" + entryB,
		"\xef\xbb\xbf" + entryA,
	} {
		f.Add([]byte(seed), uint16(0))
		f.Add([]byte(seed), uint16(40))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		whole, format := readAll(bytes.NewReader(data), int(limit))
		bytewise, format2 := readAll(iotest.OneByteReader(bytes.NewReader(data)), int(limit))
		if whole != bytewise || format != format2 {
			t.Fatalf("whole and one byte at a time differ on %q (limit %d)\nwhole:\n%s\nbytewise:\n%s", data, limit, whole, bytewise)
		}
		if limit > 0 {
			rd := NewReader(bytes.NewReader(data), int(limit))
			rd.Read(func(Item) bool { return true })
			if got := cap(rd.src.buf); got > int(limit)+readChunk {
				t.Fatalf("buffer %d bytes, limit %d", got, limit)
			}
		}
		if strings.Contains(whole, "gzip: gzip:") {
			t.Fatalf("doubled prefix: %s", whole)
		}
	})
}
