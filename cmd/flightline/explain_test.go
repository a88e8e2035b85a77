package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/testdata/shared"
	"github.com/flightline-dev/flightline/validate/explain"
)

// flightline runs the command in-process in dir, with stdin.
func flightline(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	t.Chdir(dir)
	return runIn(t, stdin, nil, args...)
}

// explainJSON runs explain --format json on the inputs.
func explainJSON(t *testing.T, dir string, args ...string) (*explain.Analysis, result) {
	t.Helper()
	r := flightline(t, dir, "", append([]string{"explain", "--format", "json"}, args...)...)
	var res explain.Analysis
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("explain output: %v\n%s%s", err, r.stdout, r.stderr)
	}
	return &res, r
}

// suspectsOf writes the suspects as "kind rank node runner".
func suspectsOf(t *testing.T, res *explain.Analysis) []string {
	var got []string
	for _, s := range res.Suspects {
		got = append(got, strings.Join([]string{string(s.Kind), itoaInt(s.Rank), s.NodeID, s.RunnerID}, " "))
		if len(s.Evidence) == 0 || len(s.Reasons) == 0 {
			t.Errorf("a suspect without evidence: %+v", s)
		}
	}
	return got
}

// TestExplainScenarios: on each scenario of the data generator, in each
// format (NDJSON, node dumps, a ClusterTimeline) and for several seeds,
// explain names the rank the generator made hold the others up (its
// package documentation says which), with the kind of sign, and none in
// the others. NDJSON has no snapshot time: --now gives it, the
// ClusterTimeline's generatedAt.
func TestExplainScenarios(t *testing.T) {
	dir := t.TempDir()
	stuck := []string{"behind-peer 1 node-c runner-1-1"}
	cases := []struct {
		scenario string
		seeds    []string
		want     map[string][]string // suspects by format; "" for every format
		args     []string
		check    func(t *testing.T, format string, res *explain.Analysis, r result)
	}{
		{"healthy", []string{"1", "7"}, map[string][]string{"": nil}, nil, nil},
		{"stuck-barrier", []string{"1", "7"}, map[string][]string{"": stuck}, nil, nil},
		{"stuck-alone", []string{"1", "2", "3", "4", "5"}, map[string][]string{"": stuck}, nil, nil},
		{"missing-rank", []string{"1", "7"}, map[string][]string{"": nil}, nil, func(t *testing.T, format string, res *explain.Analysis, _ result) {
			// The tasks it misses finished on the other ranks: a note, not
			// a suspect (node dumps keep too few entries to hold them).
			if format == "node" {
				return
			}
			if len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "rank 3 (of 4) ") || !strings.Contains(res.Notes[0], "never reported for 2 tasks") {
				t.Errorf("notes %q", res.Notes)
			}
		}},
		{"silent-runner", []string{"1", "7"}, map[string][]string{"": {"frozen 0 node-a runner-0-0"}}, nil, nil},
		{"unreachable-node", []string{"1", "7"}, map[string][]string{
			"timeline": {"unreachable-node 0 node-d "}, "": {"never-reported 0  "}}, nil,
			func(t *testing.T, format string, res *explain.Analysis, _ result) {
				if format == "timeline" && (len(res.Suspects[0].Unreachable) != 1 || !strings.Contains(res.Suspects[0].Reasons[0], "ConnectError")) {
					t.Errorf("suspect %+v: want node-d named with its error", res.Suspects[0])
				}
			}},
		{"crash", []string{"1", "7"}, map[string][]string{"": {"crashed 1 node-c runner-1-1"}}, nil, nil},
		{"long-warmup", []string{"1", "7"}, map[string][]string{"": nil}, nil, func(t *testing.T, _ string, res *explain.Analysis, _ result) {
			if u := res.RollCall.Unfinished; len(u) == 0 || !u[0].Lifecycle || u[0].Groups[0].Phase != "warmup" {
				t.Errorf("the roll call does not show the warmup: %+v", u)
			}
		}},
		// Without a snapshot to name the instance, each runner's startup is
		// on its own.
		{"long-warmup", []string{"1"}, map[string][]string{"": {"frozen 0 node-b runner-1-0"},
			"ndjson": {"frozen 1 node-c runner-1-1", "frozen 0 node-b runner-1-0"}}, []string{"--startup-silence", "2m"}, nil},
		{"recovered-hang", []string{"1", "7"}, map[string][]string{"": nil}, nil, func(t *testing.T, format string, res *explain.Analysis, _ result) {
			if format != "node" && (len(res.Recovered) != 1 || res.Recovered[0].Rank != 1 || res.Recovered[0].AfterSeconds <= 0) {
				t.Errorf("recovered hangs %+v, want rank 1's", res.Recovered)
			}
		}},
		{"newer-phase", []string{"1", "7"}, map[string][]string{"": stuck}, nil, func(t *testing.T, _ string, res *explain.Analysis, r result) {
			warned := strings.Count(r.stderr, "warning: ")
			if res.Warnings == 0 || warned != min(res.Warnings, 51) || !strings.Contains(r.stderr, `"prefill_schedule" is not a Phase`) {
				t.Errorf("%d warnings, %d said:\n%s", res.Warnings, warned, r.stderr)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.scenario+strings.Join(c.args, ""), func(t *testing.T) {
			for _, seed := range c.seeds {
				base := filepath.Join(dir, c.scenario+seed)
				gen := []string{"-n", "4000", "-seed", seed, "-scenario", c.scenario}
				os.WriteFile(base+".ndjson", generator(t, gen...), 0o644)
				os.WriteFile(base+".json", generator(t, append(gen, "-format", "timeline")...), 0o644)
				generator(t, append(gen, "-format", "node", "-out", base+"-nodes")...)
				var doc struct {
					GeneratedAt string `json:"generatedAt"`
				}
				data, _ := os.ReadFile(base + ".json")
				json.Unmarshal(data, &doc)
				for _, in := range []struct{ format, path string }{{"ndjson", base + ".ndjson"}, {"node", base + "-nodes"}, {"timeline", base + ".json"}} {
					args := append([]string{}, c.args...)
					if in.format == "ndjson" {
						args = append(args, "--now", doc.GeneratedAt)
					}
					res, r := explainJSON(t, dir, append(args, in.path)...)
					want, ok := c.want[in.format]
					if !ok {
						want = c.want[""]
					}
					if got := suspectsOf(t, res); strings.Join(got, ";") != strings.Join(want, ";") {
						t.Errorf("%s: suspects %q, want %q", in.path, got, want)
					}
					if wantCode := map[bool]int{true: 1, false: 0}[len(want) > 0]; r.code != wantCode {
						t.Errorf("%s: exit %d, want %d\n%s", in.path, r.code, wantCode, r.stderr)
					}
					if c.check != nil {
						c.check(t, in.format, res, r)
					}
					if c.scenario == "newer-phase" {
						if v := flightline(t, dir, "", "validate", in.path); v.code != 1 {
							t.Errorf("validate %s: exit %d, want 1: validate is where a newer Skulk's entries fail", in.path, v.code)
						}
					}
					text := flightline(t, dir, "", append(append([]string{"explain"}, args...), in.path)...)
					if n := len(lines(text.stdout)); n > 40 {
						t.Errorf("%s: %d lines of text, more than a screen:\n%s", in.path, n, text.stdout)
					}
				}
			}
		})
	}
}

func itoaInt(n int64) string { return strconv.FormatInt(n, 10) }

// TestExplainLastEntryClock: without a snapshot or --now, a hang where
// nothing else runs is measured to its own last entry, and the output
// says so.
func TestExplainLastEntryClock(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "alone.ndjson"), generator(t, "-n", "3000", "-scenario", "stuck-alone"), 0o644)
	r := flightline(t, dir, "", "explain", "alone.ndjson")
	if r.code != 0 || !strings.Contains(r.stdout, "every wait is measured to the last entry; --now sets the clock") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
}

// TestExplainStuckBarrierText checks the text verdict of the stuck barrier
// scenario: the waiting rank and the rank behind it, with evidence.
func TestExplainStuckBarrierText(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stuck.ndjson")
	os.WriteFile(file, generator(t, "-n", "3000", "-scenario", "stuck-barrier"), 0o644)
	r := flightline(t, dir, "", "explain", "stuck.ndjson")
	for _, want := range []string{
		"unfinished", "decode_barrier", "prefill_stream", "verdict: 1 suspect",
		"rank 1 of task", ": behind-peer (node node-c, runner runner-1-1)",
		"rank 0 has waited at decode_barrier for", "is still in prefill_stream, behind it",
		"the ranks agree up to prefill_stream; rank 0 went on to decode_barrier",
		"evidence: stuck.ndjson:",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
}

// TestExplainExitCodes: 0 for no suspect, 1 for a suspect, 2 for bad
// usage and for input that cannot be read or holds nothing: an empty
// file, an empty standard input (what curl -fsS writes when the request
// fails), text that is not JSON, an array without entries, a document
// that is not a valid empty ClusterTimeline.
func TestExplainExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) { os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644) }
	write("healthy.ndjson", string(generator(t, "-n", "500")))
	write("stuck.ndjson", string(generator(t, "-n", "1000", "-scenario", "stuck-barrier")))
	write("empty.ndjson", "")
	write("blank.ndjson", "\n\n")
	write("html.json", "<html><body>502 Bad Gateway</body></html>\n")
	write("none.json", "[]")
	write("no-generated-at.json", `{"localNodeId":"a","runners":[],"timeline":[],"unreachableNodes":[]}`)
	write("idle.json", `{"generatedAt":"2026-11-28T15:00:01+00:00","localNodeId":"a","masterNodeId":"a","runners":[],"timeline":[],"unreachableNodes":[]}`)
	write("cut.json", `{"generatedAt":"2026-11-28T15:00:01+00:00","localNodeId":"a","timeline":[{"at":`)
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string // in standard error
	}{
		{"no suspect", "", []string{"healthy.ndjson"}, 0, ""},
		{"a suspect", "", []string{"stuck.ndjson"}, 1, ""},
		{"a suspect, on standard input", string(generator(t, "-n", "1000", "-scenario", "stuck-barrier")), []string{"-"}, 1, ""},
		{"an idle cluster", "", []string{"idle.json"}, 0, ""},
		{"--now, where a snapshot says when", "", []string{"--now", "2026-11-28T16:00:00Z", "idle.json"}, 0,
			"--now is not used: idle.json says when it was taken (2026-11-28T15:00:01+00:00)"},
		{"an empty file", "", []string{"empty.ndjson"}, 2, "empty.ndjson: the input is empty"},
		{"blank lines", "", []string{"blank.ndjson"}, 2, "blank.ndjson: the input is empty"},
		{"a failed curl -fsS", "", []string{"-"}, 2, "the input is empty"},
		{"an empty input among good ones", "", []string{"healthy.ndjson", "empty.ndjson"}, 2, "empty.ndjson: the input is empty"},
		{"not JSON", "", []string{"html.json"}, 2, "html.json:1: format: "},
		{"no entries", "", []string{"none.json"}, 2, "none.json: no entry can be read from it"},
		{"not a valid empty ClusterTimeline", "", []string{"no-generated-at.json"}, 2, "without the generatedAt timestamp and localNodeId"},
		{"cut short", "", []string{"cut.json"}, 2, "cut.json:1: json-truncated: "},
		{"no such file", "", []string{"missing.ndjson"}, 2, "missing.ndjson"},
		{"no path: standard input, empty", "", nil, 2, "<stdin>: the input is empty"},
		{"a bad --now", "", []string{"--now", "yesterday", "healthy.ndjson"}, 2, "--now \"yesterday\" is not an RFC 3339 time"},
		{"a bad --format", "", []string{"--format", "xml", "healthy.ndjson"}, 2, "unknown --format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := flightline(t, dir, c.stdin, append([]string{"explain"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.err) {
				t.Errorf("exit %d, want %d; standard error:\n%s", r.code, c.code, r.stderr)
			}
			if c.code == 2 && c.err != "" && len(lines(r.stderr)) != 1 {
				t.Errorf("want one line on standard error:\n%s", r.stderr)
			}
		})
	}
}

// TestExplainSkulk: the exit status on what Skulk itself serves (see
// validate/explain for the verdicts): the hang is 1, a node down with
// every task finished 0, the empty timeline of an idle cluster 2.
func TestExplainSkulk(t *testing.T) {
	clusters := filepath.Join(sharedDir(t), "skulk", "clusters")
	for _, c := range []struct {
		path string
		code int
	}{
		{"hung/cluster_timeline.json", 1}, {"hung/nodes", 1}, {"main/cluster_timeline.json", 0},
		{"empty/cluster_timeline.json", 0}, {"empty/timeline.ndjson", 2},
	} {
		if r := flightline(t, clusters, "", "explain", c.path); r.code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.path, r.code, c.code, r.stdout, r.stderr)
		}
	}
}

// sharedDir finds the shared data; see testdata/shared.
func sharedDir(t *testing.T) string {
	t.Helper()
	return shared.Dir(t)
}
