package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tiny is a trace of two nodes: rank 0 waits at a barrier while rank 1
// streams, then rank 1 goes quiet.
const tiny = `{"displayTimeUnit":"ms","traceEvents":[
{"name":"process_name","ph":"M","pid":2,"args":{"name":"node node-b"}},
{"name":"thread_name","ph":"M","pid":2,"tid":2,"args":{"name":"rank 1/2 · r-1"}},
{"name":"process_name","ph":"M","pid":1,"args":{"name":"node node-a & co"}},
{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"rank 0/2 · r-0"}},
{"name":"prefill_stream","ph":"X","ts":0,"dur":4000000,"pid":2,"tid":2},
{"name":"prefill_stream","ph":"X","ts":4000000,"dur":0,"pid":2,"tid":2},
{"name":"prefill_stream","ph":"X","ts":4000000,"dur":6000000,"pid":2,"tid":2},
{"name":"progress","ph":"i","s":"t","ts":4000000,"pid":2,"tid":2},
{"name":"idle","ph":"X","ts":0,"dur":1000000,"pid":1,"tid":1},
{"name":"decode_barrier","ph":"X","ts":1000000,"dur":9000000,"pid":1,"tid":1},
{"name":"barrier_wait","ph":"i","s":"t","ts":1000000,"pid":1,"tid":1},
{"name":"MLX active memory","ph":"C","ts":0,"pid":1,"args":{"bytes":1}}
]}`

func render(t *testing.T, trace string, args ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trace.json")
	if err := os.WriteFile(path, []byte(trace), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := run(append(args, path), &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	return out.String()
}

func TestDraw(t *testing.T) {
	svg := render(t, tiny)
	if !strings.HasPrefix(svg, "<svg ") || !strings.HasSuffix(svg, "</svg>\n") {
		t.Fatalf("not an SVG document:\n%s", svg)
	}
	// Processes and threads come in pid order, names escaped.
	a, b := strings.Index(svg, "node node-a &amp; co"), strings.Index(svg, "node node-b")
	if a < 0 || b < 0 || a > b {
		t.Errorf("want node-a (pid 1) before node-b (pid 2), at %d and %d", a, b)
	}
	// The three prefill_stream slices make one box, of 10 s.
	if n := strings.Count(svg, "<title>prefill_stream:"); n != 1 {
		t.Errorf("%d prefill_stream boxes, want 1", n)
	}
	for _, want := range []string{
		"prefill_stream · 10 s",
		"decode_barrier · 9 s",
		`fill="#e03131"`, // decode_barrier
		"all 10 s",
		">0 s<", ">10 s<",
		"an instant",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in\n%s", want, svg)
		}
	}
	if again := render(t, tiny); again != svg {
		t.Error("two runs drew different pictures")
	}
}

func TestWindow(t *testing.T) {
	svg := render(t, tiny, "-last", "5", "-instants=false")
	for _, want := range []string{
		"the last 5 s (5 s – 10 s of 10 s)",
		// A box that the window cuts keeps its whole span in its label.
		"decode_barrier · 9 s",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ">0 s<") || strings.Contains(svg, "an instant") {
		t.Errorf("drew outside the window, or instants:\n%s", svg)
	}
	// The idle slice ends before the window and is not drawn, nor listed.
	if strings.Contains(svg, ">idle") {
		t.Errorf("drew idle, which is outside the window:\n%s", svg)
	}
}

func TestArrayForm(t *testing.T) {
	svg := render(t, `[{"name":"idle","ph":"X","ts":0,"dur":2000000,"pid":7,"tid":9}]`)
	for _, want := range []string{"pid 7", "tid 9", "idle · 2 s"} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in\n%s", want, svg)
		}
	}
}

func TestErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.json")
	if err := os.WriteFile(path, []byte(tiny), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-from", "20", path},
		{"-from", "1", "-last", "2", path},
		{"-from", "x", path},
		{},
	} {
		var out, errs bytes.Buffer
		if err := run(args, &out, &errs); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

// TestShortSlices draws a lane of slices far narrower than a pixel: each
// pixel takes the colour of the phase that had most of its time, and the
// picture stays small.
func TestShortSlices(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"traceEvents":[`)
	for i := range 20000 {
		ts := i * 1_000_000
		fmt.Fprintf(&b, `{"name":"decode_stream","ph":"X","ts":%d,"dur":900000,"pid":1,"tid":1},`, ts)
		fmt.Fprintf(&b, `{"name":"idle","ph":"X","ts":%d,"dur":100000,"pid":1,"tid":1},`, ts+900_000)
		fmt.Fprintf(&b, `{"name":"token","ph":"i","s":"t","ts":%d,"pid":1,"tid":1},`, ts)
	}
	b.WriteString(`{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"r"}}]}`)
	svg := render(t, b.String())
	if !strings.Contains(svg, "<title>40000 short slices, mostly decode_stream: 0 s – 20000 s</title>") {
		t.Errorf("no box of short slices, mostly decode_stream, in\n%s", svg)
	}
	if strings.Contains(svg, `fill="#dee2e6"`) {
		t.Error("drew idle, which had less than a tenth of each pixel")
	}
	if len(svg) > 8000 {
		t.Errorf("%d bytes for one lane", len(svg))
	}
}
