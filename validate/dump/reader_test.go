package dump

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads a dump and renders what the reader saw, one item a line.
func readAll(r io.Reader, max int) (string, Format) {
	var b strings.Builder
	rd := NewReader(r, max)
	rd.Read(func(it Item) bool {
		if p := it.Problem; p != nil {
			fmt.Fprintf(&b, "problem line %d %s %s fatal=%v: %s\n", p.Line, p.Severity, p.Rule, p.Fatal, p.Message)
			return true
		}
		e := it.Entry
		fmt.Fprintf(&b, "entry %d line %d runner=%v: %s\n", e.Index, e.Line, e.Runner, e.Raw)
		return true
	})
	for _, m := range rd.Members() {
		if m.Raw == nil {
			fmt.Fprintf(&b, "member %s line %d: (the entries)\n", m.Key, m.Line)
			continue
		}
		fmt.Fprintf(&b, "member %s line %d: %s\n", m.Key, m.Line, m.Raw)
	}
	return b.String(), rd.Format()
}

const entryA = `{"at":"2026-04-24T22:03:50+00:00","nodeId":"a","runnerId":"r0","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}`
const entryB = `{"at":"2026-04-24T22:03:51+00:00","nodeId":"a","runnerId":"r0","deviceRank":0,"worldSize":1,"phase":"idle","event":"e","detail":"a \"quoted\" } ] string"}`

func TestReaderFormats(t *testing.T) {
	cases := []struct {
		name, input string
		format      Format
		want        string
	}{
		{"ndjson", entryA + "\n\n" + entryB + "\r\n", NDJSON,
			"entry 0 line 1 runner=false: " + entryA + "\nentry 1 line 3 runner=false: " + entryB + "\n"},
		{"ndjson without final newline", entryA + "\n" + entryB, NDJSON,
			"entry 0 line 1 runner=false: " + entryA + "\nentry 1 line 2 runner=false: " + entryB + "\n"},
		{"pretty array", "[\n  " + entryA + ",\n\n  " + entryB + "\n]\n", Array,
			"entry 0 line 2 runner=false: " + entryA + "\nentry 1 line 4 runner=false: " + entryB + "\n"},
		{"entry spanning lines in an array", "[{\n\"at\": 1\n},\n{}]", Array,
			"entry 0 line 1 runner=false: {\n\"at\": 1\n}\nentry 1 line 4 runner=false: {}\n"},
		{"timeline", `{"generatedAt":"2026-04-24T22:03:53+00:00","localNodeId":"a","runners":[],` + "\n" + `"timeline":[` + entryA + "," + entryB + `],"unreachableNodes":[]}`, Timeline,
			"entry 0 line 2 runner=false: " + entryA + "\nentry 1 line 2 runner=false: " + entryB + "\nmember generatedAt line 1: \"2026-04-24T22:03:53+00:00\"\nmember localNodeId line 1: \"a\"\nmember runners line 1: []\nmember timeline line 2: (the entries)\nmember unreachableNodes line 2: []\n"},
		{"timeline problems", `{"generatedAt":"g",` + "\n" + `"timeline":[],"extra":1}`, Timeline,
			"problem line 2 error schema fatal=false: unknown property\nproblem line 1 error schema fatal=false: missing required property\nproblem line 1 error timestamp fatal=false: \"g\": not an RFC 3339 timestamp (want YYYY-MM-DDTHH:MM:SS[.fraction] and Z or ±HH:MM)\n" +
				"member generatedAt line 1: \"g\"\nmember timeline line 2: (the entries)\nmember extra line 2: 1\n"},
		{"empty", " \n\t\n", Empty, ""},
		{"empty array", "[ ]", Array, ""},
		{"array of scalars", "[1, \"x\", true, null]", Array,
			"entry 0 line 1 runner=false: 1\nentry 1 line 1 runner=false: \"x\"\nentry 2 line 1 runner=false: true\nentry 3 line 1 runner=false: null\n"},
		{"truncated array", "[" + entryA + ",", Array,
			"entry 0 line 1 runner=false: " + entryA + "\nproblem line 1 error json-truncated fatal=true: the input ends inside the array that starts at line 1\n"},
		{"truncated entry in array", "[" + entryA[:30], Array,
			"problem line 1 error json-truncated fatal=true: the input ends inside a string of the value that starts at line 1\n"},
		{"trailing garbage", "[]\n]", Array, "problem line 2 error json-trailing fatal=true: data after the end of the JSON value, starting with ']'\n"},
		{"missing comma", "[{} {}]", Array, "entry 0 line 1 runner=false: {}\nproblem line 1 error json-syntax fatal=true: want ',' or ']' after the array element that starts at line 1, found '{'\n"},
		{"mismatched closer", "[{]", Array, "problem line 1 error json-syntax fatal=true: unexpected ']'\n"},
		{"not json", "hello", Empty, "problem line 1 error format fatal=true: want an entry object, a JSON array or a ClusterTimeline object; the input starts with 'h'\n"},
		{"pretty entry", "{\n\"at\": 1\n}\n", NDJSON, "problem line 1 error format fatal=false: the entry that starts at line 1 ends at line 3: an NDJSON dump needs one entry per line (or write a JSON array of entries)\nentry 0 line 1 runner=false: {\n\"at\": 1\n}\n"},
		{"pretty entries in NDJSON", entryA + "\n{\"at\": 1,\n\"b\": [\n2]}\n" + entryA + "\n{\"cut\": \n" + entryB + "\n", NDJSON,
			"entry 0 line 1 runner=false: " + entryA + "\nproblem line 2 error format fatal=false: the entry that starts at line 2 ends at line 4: an NDJSON dump needs one entry per line (or write a JSON array of entries)\n" +
				"entry 1 line 2 runner=false: {\"at\": 1,\n\"b\": [\n2]}\nentry 2 line 5 runner=false: " + entryA + "\nentry 3 line 6 runner=false: {\"cut\":\nentry 4 line 7 runner=false: " + entryB + "\n"},
		{"bom", "\xef\xbb\xbf" + entryA, NDJSON, "problem line 1 warning json-bom fatal=false: the file starts with a UTF-8 byte order mark; it is skipped\nentry 0 line 1 runner=false: " + entryA + "\n"},
	}
	for _, c := range cases {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(c.input)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			got, format := readAll(r, 0)
			if got != c.want || format != c.format {
				t.Errorf("%s (one byte at a time: %v): format %v\n got %q\nwant %q", c.name, oneByte, format, got, c.want)
			}
		}
	}
}

func TestReaderGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(entryA + "\n" + entryB + "\n"))
	zw.Close()
	got, format := readAll(bytes.NewReader(buf.Bytes()), 0)
	if format != NDJSON || strings.Count(got, "entry ") != 2 {
		t.Errorf("gzip: %v %s", format, got)
	}
	// A corrupt stream is a read problem, not a crash or silence.
	corrupt := buf.Bytes()[:buf.Len()-6]
	got, _ = readAll(bytes.NewReader(corrupt), 0)
	if !strings.Contains(got, "error read") && !strings.Contains(got, "json-truncated") {
		t.Errorf("corrupt gzip: %s", got)
	}
}

func TestReaderLongLines(t *testing.T) {
	long := strings.Repeat("x", 5<<20) // several MB of detail, as real dumps have
	line := `{"detail":"` + long + `"}`
	got, _ := readAll(strings.NewReader(entryA+"\n"+line+"\n"+entryB+"\n"), 0)
	if strings.Count(got, "entry ") != 3 || !strings.Contains(got, "entry 2 line 3") {
		t.Errorf("long line: %.200s", got)
	}
	got, _ = readAll(strings.NewReader("["+line+","+entryA+"]"), 0)
	if strings.Count(got, "entry ") != 2 {
		t.Errorf("long array element: %.200s", got)
	}
	// Beyond the entry limit: a clear error, not an unbounded buffer.
	got, _ = readAll(strings.NewReader(entryA+"\n"+line+"\n"), 1<<20)
	if !strings.Contains(got, "problem line 2 error too-large fatal=false: the line is 5242893 bytes, over the limit of 1048576 bytes (--max-entry-bytes); it is skipped") {
		t.Errorf("over the limit: %.200s", got)
	}
}

func TestReaderNodeDump(t *testing.T) {
	ctx := `"context":{"nodeId":"node-a","runnerId":"runner-0","pid":1,"instanceId":"i","modelId":"m","rank":0,"worldSize":2,"startLayer":0,"endLayer":1,"nLayers":2}`
	dump := nodeDump(t, "\n"+
		`{"runnerId":"runner-0","nodeId":"node-a","deviceRank":0,"worldSize":2,`+runnerState+`,"flightRecorder":[`+"\n"+
		`{"at":"2026-04-24T22:03:50+00:00","phase":"idle","event":"e",`+ctx+`},`+"\n"+
		`{"at":"2026-04-24T22:03:51+00:00","phase":"bogus","event":"e",`+ctx+`}]},`+"\n"+
		`{"runnerId":"runner-1","nodeId":"node-b","deviceRank":1,"worldSize":2,`+runnerState+`,"flightRecorder":[`+"\n"+
		`{"at":"2026-04-24T22:03:52+00:00","phase":"idle","event":"e",`+ctx+`}]}`)
	got, format := readAll(strings.NewReader(dump), 0)
	want := "entry 0 line 3 runner=false: {\"at\":\"2026-04-24T22:03:50+00:00\",\"nodeId\":\"node-a\",\"runnerId\":\"runner-0\",\"deviceRank\":0,\"worldSize\":2,\"phase\":\"idle\",\"event\":\"e\"}\n" +
		"entry 1 line 4 runner=true: {\"at\":\"2026-04-24T22:03:51+00:00\",\"phase\":\"bogus\",\"event\":\"e\"," + ctx + "}\n" +
		"problem line 6 error runner-identity fatal=false: the entry's context (node \"node-a\", runner \"runner-0\", rank 0 of 2) is not the supervisor runner that holds it (node \"node-b\", runner \"runner-1\", rank 1 of 2); the entry is lifted onto its context\n" +
		"entry 2 line 6 runner=false: {\"at\":\"2026-04-24T22:03:52+00:00\",\"nodeId\":\"node-a\",\"runnerId\":\"runner-0\",\"deviceRank\":0,\"worldSize\":2,\"phase\":\"idle\",\"event\":\"e\"}\n" +
		"member generatedAt line 1: \"2026-04-24T22:03:52.100000+00:00\"\n"
	// The other members are the fixture's, the runners streamed.
	if format != Node || !strings.HasPrefix(got, want) || !strings.Contains(got, "\nmember supervisorRunners line 1: (the entries)\nmember placements line 6: []\n") {
		t.Errorf("format %v\n got %s\nwant %s...", format, got, want)
	}
}

func TestEscapeToken(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "at": "at", "a/b": "a~1b", "a~b": "a~0b", "~1": "~01", "/~/": "~1~0~1", "café": "café",
	} {
		if got := EscapeToken(in); got != want {
			t.Errorf("EscapeToken(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { EscapeToken("plainName") }); n != 0 {
		t.Errorf("EscapeToken of a plain token allocates %v times", n)
	}
}
