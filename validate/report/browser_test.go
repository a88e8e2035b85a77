package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
)

// browserDir holds the browser test: its package.json, its lock and, once
// npm ci has run there, playwright-core.
const browserDir = "../../testdata/browser"

// A browserCase is a report the browser test loads, and what it must show.
type browserCase struct {
	Name         string   `json:"name"`
	File         string   `json:"file"`
	Bytes        int      `json:"bytes"`
	Verdict      string   `json:"verdict"`
	Texts        []string `json:"texts,omitempty"`
	SuspectLanes []string `json:"suspectLanes,omitempty"`
	Lanes        []string `json:"lanes,omitempty"`
	Entries      int      `json:"entries"`
	HoverMark    *int     `json:"hoverMark,omitempty"`
	Screenshot   string   `json:"screenshot,omitempty"`
}

// TestBrowser loads reports of the data generator's scenarios (one of
// 100k entries) and of Skulk's own documents in Debian's chromium,
// headless, driven by playwright-core (testdata/browser/report.test.mjs):
// the verdict and the suspects' lanes are there, nothing is fetched, no
// script fails, and the load and redraw times are logged. Screenshots go
// to testdata/browser/out. Without node, chromium or playwright-core (npm
// ci in testdata/browser) it is skipped, unless FLIGHTLINE_REQUIRE_BROWSER=1.
func TestBrowser(t *testing.T) {
	node, chromium := browserTools(t)
	dir := t.TempDir()
	gen := buildGenerator(t, dir)
	var cases []browserCase

	stuck := func(name, file string, inputs []string, screenshot string) {
		r := buildFiles(t, inputs...)
		want := []string{"runner-1-1"}
		if got := suspectRunners(r); !equal(got, want) {
			t.Fatalf("%s: suspect lanes %v, want %v", name, got, want)
		}
		cases = append(cases, r.browserCase(t, name, filepath.Join(dir, file), screenshot))
	}
	nodes := filepath.Join(dir, "nodes")
	generate(t, gen, "-n", "3000", "-scenario", "stuck-barrier", "-format", "node", "-out", nodes)
	stuck("stuck-barrier, node dumps", "stuck-barrier.html", glob(t, nodes, "*.json"), "stuck-barrier.png")
	big := filepath.Join(dir, "big.ndjson")
	generate(t, gen, "-n", "100000", "-scenario", "stuck-barrier", "-out", big)
	stuck("stuck-barrier, 100k entries", "big.html", []string{big}, "stuck-barrier-100k.png")

	crash := filepath.Join(dir, "crash.json")
	generate(t, gen, "-n", "3000", "-scenario", "crash", "-format", "timeline", "-out", crash)
	r := buildFiles(t, crash)
	if got := suspectRunners(r); !equal(got, []string{"runner-1-1"}) {
		t.Fatalf("crash: suspect lanes %v", got)
	}
	c := r.browserCase(t, "crash, ClusterTimeline", filepath.Join(dir, "crash.html"), "")
	c.Texts = append(c.Texts, "crashed")
	cases = append(cases, c)

	down := filepath.Join(dir, "down.json")
	generate(t, gen, "-n", "3000", "-scenario", "unreachable-node", "-format", "timeline", "-out", down)
	r = buildFiles(t, down)
	c = r.browserCase(t, "unreachable-node, ClusterTimeline", filepath.Join(dir, "down.html"), "unreachable-node.png")
	if !equal(c.SuspectLanes, []string{`[data-node="node-d"]`}) {
		t.Fatalf("unreachable-node: suspect lanes %v, want the empty lane of node-d", c.SuspectLanes)
	}
	c.Texts = append(c.Texts, "unreachable-node", "ConnectError")
	c.Lanes = append(c.Lanes, "rank 0/4 · no entries")
	cases = append(cases, c)

	t.Run("skulk", func(t *testing.T) {
		clusters := filepath.Join(skulkdata.Dir(t), "clusters")
		r := buildFiles(t, filepath.Join(clusters, "hung", "cluster_timeline.json"))
		if len(r.Analysis.Suspects) != 1 || r.Analysis.Suspects[0].Rank != 1 {
			t.Fatalf("hung: suspects %+v, want rank 1 of instance 1", r.Analysis.Suspects)
		}
		cases = append(cases, r.browserCase(t, "Skulk's hung cluster", filepath.Join(dir, "hung.html"), "skulk-hung.png"))
		r = buildFiles(t, glob(t, filepath.Join(clusters, "main", "nodes"), "*.json")...)
		c := r.browserCase(t, "Skulk's cluster with a node down, node dumps", filepath.Join(dir, "main.html"), "")
		cases = append(cases, c)
		r = buildFiles(t, filepath.Join(clusters, "main", "cluster_timeline.json"))
		c = r.browserCase(t, "Skulk's cluster with a node down, ClusterTimeline", filepath.Join(dir, "main-timeline.html"), "")
		c.Lanes = append(c.Lanes, "no entries")
		cases = append(cases, c)
		// Odd text (HTML, U+2028, controls, NUL) must neither break the
		// page nor run as script.
		cases = append(cases, buildFiles(t, filepath.Join(clusters, "edge", "entries.ndjson")).
			browserCase(t, "Skulk's odd entries", filepath.Join(dir, "edge.html"), ""))
	})

	out, err := filepath.Abs(filepath.Join(browserDir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "manifest.json")
	data, _ := json.Marshal(map[string]any{"reports": cases})
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "report.test.mjs")
	cmd.Dir = browserDir
	cmd.Env = append(os.Environ(), "FLIGHTLINE_REPORTS="+manifest, "FLIGHTLINE_OUT="+out, "FLIGHTLINE_CHROMIUM="+chromium)
	start := time.Now()
	output, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(output), "\n") {
		if i := strings.Index(line, "METRIC "); i >= 0 {
			t.Log(line[i+len("METRIC "):])
		}
	}
	if err != nil {
		t.Fatalf("the browser test failed (%v):\n%s", err, output)
	}
	t.Logf("%d reports in the browser in %v; screenshots in %s", len(cases), time.Since(start).Round(time.Millisecond), out)
}

// browserTools finds node and chromium, and checks that playwright-core is
// installed.
func browserTools(t *testing.T) (node, chromium string) {
	missing := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("FLIGHTLINE_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg + " (FLIGHTLINE_REQUIRE_BROWSER=1 makes this a failure)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node on PATH")
	}
	chromium = os.Getenv("FLIGHTLINE_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("no chromium at %s (apt-get install chromium)", chromium)
	}
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing("playwright-core is not installed (run npm ci in testdata/browser)")
	}
	return node, chromium
}

// buildGenerator builds testdata/gen into dir.
func buildGenerator(t *testing.T, dir string) string {
	bin := filepath.Join(dir, "gen")
	out, err := exec.Command("go", "build", "-o", bin, "../../testdata/gen").CombinedOutput()
	if err != nil {
		t.Fatalf("building testdata/gen: %v\n%s", err, out)
	}
	return bin
}

func generate(t *testing.T, gen string, args ...string) {
	if out, err := exec.Command(gen, args...).CombinedOutput(); err != nil {
		t.Fatalf("testdata/gen %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func glob(t *testing.T, dir, pattern string) []string {
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s in %s (%v)", pattern, dir, err)
	}
	return files
}

// browserCase writes the report to file and says what the page must show:
// the verdict, the suspects' titles and lanes, every entry.
func (r *Report) browserCase(t *testing.T, name, file, screenshot string) browserCase {
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c := browserCase{Name: name, File: file, Bytes: b.Len(), Verdict: r.view().Verdict, Entries: r.Analysis.Entries, Screenshot: screenshot}
	for _, s := range r.Analysis.Suspects {
		c.Texts = append(c.Texts, suspectTitle(s))
	}
	for _, l := range r.lanes {
		if !l.Suspect {
			continue
		}
		sel := `[data-lane="` + strconv.Itoa(l.index) + `"]`
		switch {
		case l.Runner != "":
			sel = `[data-runner="` + l.Runner + `"]`
		case l.Node != "":
			sel = `[data-node="` + l.Node + `"]`
		}
		c.SuspectLanes = append(c.SuspectLanes, sel)
	}
	for k, m := range r.Evidence {
		if m.Lane != nil && m.Entry >= 0 {
			k := k
			c.HoverMark = &k
			break
		}
	}
	return c
}

func suspectRunners(r *Report) []string {
	var out []string
	for _, l := range r.lanes {
		if l.Suspect {
			out = append(out, l.Runner)
		}
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }
