package dump

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestEntryLimitExact holds --max-entry-bytes to its word: a value of
// exactly the limit is read, one byte more is skipped and reported, and
// reading goes on in every format.
func TestEntryLimitExact(t *testing.T) {
	entry := entryA // len(entryA) bytes
	n := len(entry)
	cases := []struct {
		name, input string
		limit       int
		want        string
	}{
		{"ndjson at the limit", entry + "\n" + entry + "\n", n,
			"entry 0 line 1 runner=false: " + entry + "\nentry 1 line 2 runner=false: " + entry + "\n"},
		{"ndjson one over", entry + "\n" + entry + " \n" + entryA[:10] + "\n", n,
			"entry 0 line 1 runner=false: " + entry + "\n" +
				fmt.Sprintf("problem line 2 error too-large fatal=false: the line is %d bytes, over the limit of %d bytes (--max-entry-bytes); it is skipped\n", n+1, n) +
				"entry 2 line 3 runner=false: " + entryA[:10] + "\n"},
		{"array one over", "[" + entry + ",\n{ " + entry[1:] + "," + "{}]", n,
			"entry 0 line 1 runner=false: " + entry + "\n" +
				fmt.Sprintf("problem line 2 error too-large fatal=false: the value is %d bytes, over the limit of %d bytes (--max-entry-bytes); it is skipped\n", n+1, n) +
				"entry 2 line 2 runner=false: {}\n"},
		{"array element over", "[{}, " + entry + ", {}]", n - 1,
			"entry 0 line 1 runner=false: {}\n" +
				fmt.Sprintf("problem line 1 error too-large fatal=false: the value is %d bytes, over the limit of %d bytes (--max-entry-bytes); it is skipped\n", n, n-1) +
				"entry 2 line 1 runner=false: {}\n"},
		{"timeline entry over", `{"generatedAt":"2026-04-24T22:03:53Z","localNodeId":"a","timeline":[` + entry + `,{}]}`, n - 1,
			fmt.Sprintf("problem line 1 error too-large fatal=false: the value is %d bytes, over the limit of %d bytes (--max-entry-bytes); it is skipped\n", n, n-1) +
				"entry 1 line 1 runner=false: {}\nmember generatedAt line 1: \"2026-04-24T22:03:53Z\"\nmember localNodeId line 1: \"a\"\nmember timeline line 1: (the entries)\n"},
		{"a limit of 1", "{}\n1\n", 1,
			"problem line 1 error too-large fatal=false: the line is 2 bytes, over the limit of 1 bytes (--max-entry-bytes); it is skipped\n" +
				"entry 1 line 2 runner=false: 1\n"},
	}
	for _, c := range cases {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(c.input)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			if got, _ := readAll(r, c.limit); got != c.want {
				t.Errorf("%s (one byte at a time: %v)\n got %q\nwant %q", c.name, oneByte, got, c.want)
			}
		}
	}
}

// TestBufferBounded checks that the reader's buffer stays within the entry
// limit and one read, whatever the input: deep nesting, a huge string, a
// huge line, a huge node dump.
func TestBufferBounded(t *testing.T) {
	const limit = 64 << 10
	big := strings.Repeat("x", 8<<20)
	cases := []struct {
		name, input string
		want        string // in what the reader saw
	}{
		{"deep nesting", strings.Repeat("[", 4<<20), "json-truncated"},
		{"deep element", "[" + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + ",{}]", "entry 1 line 1 runner=false: {}"},
		{"huge string element", `[{"detail":"` + big + `"},{}]`, "entry 1 line 1 runner=false: {}"},
		{"huge line", `{"at":"` + big + `"}` + "\n{}\n", "entry 1 line 2 runner=false: {}"},
		{"huge first entry", "{\n\"at\":\"" + big + "\"}\n{}\n", "problem line 1 error too-large: the entry is 8388618 bytes, over the limit of 65536 bytes"},
		{"huge node recorder", `{"supervisorRunners":[{"runnerId":"r","flightRecorder":[` +
			strings.Repeat(`{"at":"2026-04-24T22:03:50+00:00","phase":"idle","event":"e"},`, 100000) + `{}]}]}`, "entry 100000 line 1 runner=true: {}"},
		{"huge member", `{"generatedAt":"` + big + `","timeline":[{}]}`, "entry 0 line 1 runner=false: {}"},
	}
	for _, c := range cases {
		var seen strings.Builder
		rd := NewReader(strings.NewReader(c.input), limit)
		rd.Read(func(it Item) bool {
			if p := it.Problem; p != nil {
				fmt.Fprintf(&seen, "problem line %d %s %s: %s\n", p.Line, p.Severity, p.Rule, p.Message)
			} else {
				fmt.Fprintf(&seen, "entry %d line %d runner=%v: %.80s\n", it.Entry.Index, it.Entry.Line, it.Entry.Runner, it.Entry.Raw)
			}
			return true
		})
		if got := cap(rd.src.buf); got > limit+readChunk {
			t.Errorf("%s: the buffer grew to %d bytes, beyond the limit %d and a read", c.name, got, limit)
		}
		if !strings.Contains(seen.String(), c.want) {
			t.Errorf("%s: want %q in\n%.1000s", c.name, c.want, seen.String())
		}
	}
}

// TestNDJSONRecoveryLinear feeds lines that each open a value and never
// close it: joining them must cost work linear in the input, not cubic.
func TestNDJSONRecoveryLinear(t *testing.T) {
	for _, lines := range []int{300, 3000} {
		input := strings.Repeat(`{"attrs":{"a":[`+"\n", lines)
		var work countingReader
		work.r = strings.NewReader(input)
		entries := 0
		scans := 0
		rd := NewReader(&work, 0)
		rd.joinWork = &scans
		rd.Read(func(it Item) bool {
			if it.Problem == nil {
				entries++
			}
			return true
		})
		if entries != lines {
			t.Errorf("%d lines: %d entries, want each line on its own", lines, entries)
		}
		if scans > 4*len(input) {
			t.Errorf("%d lines (%d bytes): joining scanned %d bytes, more than 4 times the input", lines, len(input), scans)
		}
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestNDJSONJoinAfterCutLine keeps a pretty entry that follows a cut-off
// line whole, and a cut-off line before a complete one alone.
func TestNDJSONJoinAfterCutLine(t *testing.T) {
	input := entryA + "\n{\"cut\": \n" + "{\"at\": 1,\n\"b\": [\n2]}\n" + entryB + "\n"
	got, _ := readAll(strings.NewReader(input), 0)
	want := "entry 0 line 1 runner=false: " + entryA + "\n" +
		"entry 1 line 2 runner=false: {\"cut\":\n" +
		"problem line 3 error format fatal=false: the entry that starts at line 3 ends at line 5: an NDJSON dump needs one entry per line (or write a JSON array of entries)\n" +
		"entry 2 line 3 runner=false: {\"at\": 1,\n\"b\": [\n2]}\n" +
		"entry 3 line 6 runner=false: " + entryB + "\n"
	if got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}

// TestReaderMessages checks the one-line messages of inputs that are not
// dumps at all.
func TestReaderMessages(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(entryA + "\n"))
	zw.Close()
	badHeader := append([]byte{0x1f, 0x8b, 0}, "not gzip"...)
	cases := []struct {
		name  string
		input []byte
		want  string
	}{
		{"NUL bytes", make([]byte, 64), "problem line 1 error format fatal=true: the file starts with a NUL byte: it is binary data, not a JSON dump\n"},
		{"UTF-16LE", []byte("{\x00\"\x00a\x00"), "problem line 1 error format fatal=true: the file looks like UTF-16; JSON dumps must be UTF-8\n"},
		{"bad gzip header", badHeader, "problem line 1 error read fatal=true: gzip: invalid header\n"},
		{"cut gzip", gz.Bytes()[:gz.Len()-10], "gzip: unexpected EOF"},
		{"newline in a property name", []byte("{\"a\nb\":1}"), `problem line 1 error json-syntax fatal=true: invalid property name "\"a\nb\"": invalid character '\n' in string literal` + "\n"},
		{"long bad property name", []byte("{\"" + strings.Repeat("x", 200) + "\x01\":1}"), `problem line 1 error json-syntax fatal=true: invalid property name "\"` + strings.Repeat("x", 79) + `"...: invalid character '\x01' in string literal` + "\n"},
	}
	for _, c := range cases {
		got, _ := readAll(bytes.NewReader(c.input), 0)
		if !strings.Contains(got, c.want) || strings.Contains(got, "gzip: gzip:") {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestNodeDumpMembers checks the members of a node dump that are read as
// a stream: the identity after the flight recorder, a repeated member, and
// a timeline where a node dump has none.
func TestNodeDumpMembers(t *testing.T) {
	ctx := `"context":{"nodeId":"node-a","runnerId":"runner-0","pid":1,"instanceId":"i","modelId":"m","rank":0,"worldSize":2,"startLayer":0,"endLayer":1,"nLayers":2}`
	e := `{"at":"2026-04-24T22:03:50+00:00","phase":"idle","event":"e",` + ctx + `}`
	cases := []struct {
		name, input string
		want        []string
	}{
		{"identity after the recorder", `{"supervisorRunners":[{"flightRecorder":[` + e + `],"runnerId":"runner-1","nodeId":"node-a","deviceRank":0,"worldSize":2}]}`,
			[]string{"entry 0 line 1 runner=false", `problem line 1 error runner-identity fatal=false: the entry's context (node "node-a", runner "runner-0", rank 0 of 2) is not the supervisor runner that holds it (node "node-a", runner "runner-1", rank 0 of 2)`}},
		{"repeated member", `{"supervisorRunners":[{"runnerId":"r","runnerId":"r","flightRecorder":[]}]}`,
			[]string{"problem line 1 error json-duplicate-key fatal=false: property given more than once"}},
		{"timeline in a node dump", `{"supervisorRunners":[],"timeline":[` + entryA + `]}`,
			[]string{"problem line 1 error schema fatal=false: unknown property"}},
		{"rank not an integer", `{"supervisorRunners":[{"deviceRank":1.5,"flightRecorder":[]}]}`,
			[]string{"problem line 1 error schema fatal=false: got number 1.5, want integer"}},
		{"big ranks", `{"supervisorRunners":[{"nodeId":"node-a","runnerId":"runner-0","deviceRank":18446744073709551616,"worldSize":2,"flightRecorder":[` + strings.Replace(e, `"rank":0`, `"rank":18446744073709551616`, 1) + `]}]}`,
			[]string{"entry 0 line 1 runner=false"}},
		{"big ranks one apart", `{"supervisorRunners":[{"nodeId":"node-a","runnerId":"runner-0","deviceRank":18446744073709551616,"worldSize":2,"flightRecorder":[` + strings.Replace(e, `"rank":0`, `"rank":18446744073709551617`, 1) + `]}]}`,
			[]string{"entry 0 line 1 runner=false", `problem line 1 error runner-identity fatal=false: the entry's context (node "node-a", runner "runner-0", rank 18446744073709551617 of 2) is not the supervisor runner that holds it (node "node-a", runner "runner-0", rank 18446744073709551616 of 2)`}},
	}
	for _, c := range cases {
		got, format := readAll(strings.NewReader(c.input), 0)
		if format != Node {
			t.Errorf("%s: format %v", c.name, format)
		}
		if c.name == "timeline in a node dump" && !slices.Contains(problemPointers(c.input), "schema /timeline") {
			t.Errorf("%s: no schema finding at /timeline: %v", c.name, problemPointers(c.input))
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in\n%s", c.name, w, got)
			}
		}
		if c.name == "big ranks" && strings.Contains(got, "runner-identity") {
			t.Errorf("%s: an exact rank is compared as another:\n%s", c.name, got)
		}
	}
}

// problemPointers reads input and returns its problems as "rule pointer".
func problemPointers(input string) []string {
	var out []string
	NewReader(strings.NewReader(input), 0).Read(func(it Item) bool {
		if p := it.Problem; p != nil {
			out = append(out, p.Rule.String()+" "+p.Pointer)
		}
		return true
	})
	return out
}

// TestDocument checks the rest of a document the reader keeps: streamed
// entries left out, every other member as written, and lines mapped back.
func TestDocument(t *testing.T) {
	input := "{\"generatedAt\":\"g\",\n\"supervisorRunners\":[{\"runnerId\":\"r\",\n\"flightRecorder\":[" + entryA + "],\n\"phase\":\"idle\"}],\n\"warnings\":[]}"
	rd := NewReader(strings.NewReader(input), 0)
	rd.Read(func(Item) bool { return true })
	doc := rd.Document()
	want := `{"generatedAt":"g","supervisorRunners":[{"runnerId":"r","flightRecorder":[],"phase":"idle"}],"warnings":[]}`
	if string(doc.Text) != want {
		t.Fatalf("document\n got %s\nwant %s", doc.Text, want)
	}
	for _, c := range []struct {
		at   string
		line int
	}{{`"g"`, 1}, {`"r"`, 2}, {`"idle"`, 4}, {`[]}`, 5}} {
		if got := doc.Line(strings.Index(string(doc.Text), c.at)); got != c.line {
			t.Errorf("line of %s: %d, want %d", c.at, got, c.line)
		}
	}
	nd := NewReader(strings.NewReader(entryA+"\n"+entryB+"\n"), 0)
	entries := 0
	nd.Read(func(it Item) bool {
		if it.Problem == nil {
			entries++
		}
		return true
	})
	if nd.Format() != NDJSON || entries != 2 {
		t.Fatalf("NDJSON dump read as %v with %d entries, want NDJSON with 2", nd.Format(), entries)
	}
	if nd.Document() != nil {
		t.Error("an NDJSON dump has a document")
	}
}

// TestReaderDiagnosticsKinds reads a ClusterDiagnostics (each node's
// diagnostics as a node dump) and a capture (its nodeDiagnostics).
func TestReaderDiagnosticsKinds(t *testing.T) {
	ctx := `"context":{"nodeId":"node-a","runnerId":"r0","pid":1,"instanceId":"i","modelId":"m","rank":0,"worldSize":1,"startLayer":0,"endLayer":1,"nLayers":2}`
	e := `{"at":"2026-04-24T22:03:50+00:00","phase":"idle","event":"e",` + ctx + `}`
	node := nodeDump(t, `{"runnerId":"r0","nodeId":"node-a","deviceRank":0,"worldSize":1,`+runnerState+`,"flightRecorder":[`+e+`,`+e+`]}`)
	cases := []struct {
		name, input string
		format      Format
		pointers    []string
	}{
		{"cluster", `{"generatedAt":"2026-04-24T22:03:53+00:00","localNodeId":"node-a","nodes":[{"nodeId":"x","ok":false,"diagnostics":null,"error":"refused"},{"nodeId":"node-a","ok":true,"diagnostics":` + node + `}]}`,
			Cluster, []string{"/nodes/1/diagnostics/supervisorRunners/0/flightRecorder/0", "/nodes/1/diagnostics/supervisorRunners/0/flightRecorder/1"}},
		{"capture", `{"generatedAt":"2026-04-24T22:03:53+00:00","nodeId":"node-a","nodeDiagnostics":` + node + `,"flightRecorder":[` + e + `],"warnings":[]}`,
			Capture, []string{"/nodeDiagnostics/supervisorRunners/0/flightRecorder/0", "/nodeDiagnostics/supervisorRunners/0/flightRecorder/1"}},
	}
	for _, c := range cases {
		rd := NewReader(strings.NewReader(c.input), 0)
		var pointers []string
		rd.Read(func(it Item) bool {
			if it.Problem != nil {
				t.Errorf("%s: %v", c.name, it.Problem)
				return true
			}
			pointers = append(pointers, rd.Pointer(&it.Entry))
			if it.Entry.Recorder != 0 {
				t.Errorf("%s: entry of recorder %d, want 0", c.name, it.Entry.Recorder)
			}
			return true
		})
		if rd.Format() != c.format || !slices.Equal(pointers, c.pointers) {
			t.Errorf("%s: format %v, pointers %q, want %v %q", c.name, rd.Format(), pointers, c.format, c.pointers)
		}
		doc := rd.Document()
		if doc == nil || !strings.Contains(string(doc.Text), `"flightRecorder":[]`) || len(rd.Runners()) != 1 {
			t.Errorf("%s: document %q, %d runners", c.name, doc.Text, len(rd.Runners()))
		}
	}
}
