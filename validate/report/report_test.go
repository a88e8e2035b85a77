package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/testdata/golden"
	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
	"github.com/flightline-dev/flightline/validate/merge"
)

// buildFiles builds the report of the files, as flightline report does.
func buildFiles(t *testing.T, files ...string) *Report {
	t.Helper()
	var inputs []merge.Input
	for _, f := range files {
		inputs = append(inputs, merge.Input{Name: f, Open: func() (io.ReadCloser, error) { return os.Open(f) }})
	}
	r, err := Build(inputs, Options{Generator: "flightline test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var update = flag.Bool("update", false, "rewrite the golden files")

func TestFamilyOf(t *testing.T) {
	for _, p := range timeline.Phases() {
		if f := FamilyOf(string(p)); f == Other {
			t.Errorf("the schema's phase %s has no family", p)
		}
	}
	for phase, want := range map[string]Family{
		"prefill_stream": Prefill, "decode_stream": Decode, "decode_wait_first_token": Barrier, "warmup": Lifecycle,
		"idle": Lifecycle, "error": Error, "prefill_schedule": Prefill, "expert_barrier": Barrier,
		"decode_sample": Decode, "speculate": Other,
	} {
		if got := FamilyOf(phase); got != want {
			t.Errorf("FamilyOf(%q) = %v, want %v", phase, got, want)
		}
	}
	for _, f := range Families() {
		b, err := json.Marshal(f)
		if err != nil || string(b) != `"`+f.String()+`"` || strings.HasPrefix(f.String(), "Family(") {
			t.Errorf("%v marshals as %s, %v", f, b, err)
		}
	}
}

// TestMembers: members walks an object's members as encoding/json reads
// them.
func TestMembers(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{}`, ""},
		{` { "a" : 1 , "b":[1,{"c":"]"}], "d\u0041":"x\"y", "e":null,"f":-1.5e3,"g":{} } `, `a=1 b=[1,{"c":"]"}] dA="x\"y" e=null f=-1.5e3 g={}`},
		{`[1]`, "!"},
		{`{"a":1`, "a=1 !"},
	} {
		var got []string
		ok := members([]byte(c.in), func(k, v []byte) bool {
			got = append(got, string(k)+"="+string(v))
			return true
		})
		if !ok {
			got = append(got, "!")
		}
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("members(%s) = %s, want %s", c.in, s, c.want)
		}
	}
}

func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"attrs":{"a":[1,"x"],"b":"\u2028"},"commandId":"c","mlxMemory":{"active":{"inBytes":5}}}`))
	f.Add([]byte(`{"a" :{ "b":[ ] } , "c":"\\"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want map[string]json.RawMessage
		// The merge refuses text that is not UTF-8, which encoding/json
		// would change.
		if !utf8.Valid(raw) || json.Unmarshal(raw, &want) != nil || want == nil {
			return
		}
		got := map[string]json.RawMessage{}
		if !members(raw, func(k, v []byte) bool { got[string(k)] = v; return true }) {
			t.Fatalf("members(%q) stops early", raw)
		}
		if len(got) != len(want) {
			t.Fatalf("members(%q): %d members, want %d", raw, len(got), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(compact(got[k]), compact(v)) {
				t.Fatalf("members(%q)[%q] = %s, want %s", raw, k, got[k], v)
			}
		}
	})
}

// TestLanes: the lanes of the data generator's clusters are grouped by
// instance and node, ordered by rank; a rank that never reported is an
// empty lane on the node that likely holds it, and the suspect's lane and
// evidence are marked.
func TestLanes(t *testing.T) {
	r := buildFiles(t, "../../testdata/sample/stuck-barrier.ndjson")
	got := layoutText(r)
	want := `instance (unnamed) 1
  node-a: 0 runner-0-0
instance (unnamed) 2
  node-b: 0 runner-1-0
  node-c: 1 runner-1-1 suspect
instance (unnamed) 4
  node-d: 0 runner-2-0
  node-a: 1 runner-2-1
  node-b: 2 runner-2-2
  node-c: 3 runner-2-3
`
	if got != want {
		t.Errorf("lanes:\n%swant\n%s", got, want)
	}
	if len(r.Evidence) != 2 {
		t.Fatalf("evidence %+v", r.Evidence)
	}
	for _, m := range r.Evidence {
		if m.Lane == nil || m.Entry < 0 {
			t.Errorf("evidence %s (%s) is not on an entry", m.Where, m.What)
			continue
		}
		e := m.Lane.entries[m.Entry]
		if int(e.line) != m.Where.Line {
			t.Errorf("evidence %s is placed on line %d", m.Where, e.line)
		}
	}
}

// layoutText writes the groups as text: instance, nodes and lanes.
func layoutText(r *Report) string {
	var b strings.Builder
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "%s %d\n", groupTitle(g)[:strings.Index(groupTitle(g)+" ·", " ·")], g.WorldSize)
		for _, n := range g.Nodes {
			fmt.Fprintf(&b, "  %s:", n.Node)
			for _, l := range n.Lanes {
				fmt.Fprintf(&b, " %d %s", l.Rank, l.Runner)
				if l.Kind != RunnerLane {
					fmt.Fprintf(&b, "%s (%s)", l.Kind, l.Note)
				}
				if l.Suspect {
					b.WriteString(" suspect")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestSkulkLanes: in what Skulk's own code serves, the lanes are grouped
// by the instances the snapshot names; an unreachable node no rank is
// known to be on has an empty lane with its error.
func TestSkulkLanes(t *testing.T) {
	clusters := filepath.Join(skulkdata.Dir(t), "clusters")
	r := buildFiles(t, filepath.Join(clusters, "main", "cluster_timeline.json"))
	last := r.Groups[len(r.Groups)-1]
	if !last.Unreachable || len(last.Nodes) != 1 || last.Nodes[0].Lanes[0].Kind != UnreachableLane ||
		!strings.Contains(last.Nodes[0].Lanes[0].Note, "unreachable") {
		t.Errorf("main: the last group is %+v, want node D's empty lane", last)
	}
	for _, g := range r.Groups[:len(r.Groups)-1] {
		if g.Instance == "" || g.Model == "" {
			t.Errorf("main: a group without the instance the snapshot names: %+v", g)
		}
	}
	r = buildFiles(t, filepath.Join(clusters, "hung", "cluster_timeline.json"))
	var suspects []string
	for _, l := range r.lanes {
		if l.Suspect {
			suspects = append(suspects, fmt.Sprintf("rank %d of %d on %s", l.Rank, l.WorldSize, l.Node))
		}
		if l.Kind == RunnerLane && l.State == "" {
			t.Errorf("hung: lane %s has no snapshot state", l.Runner)
		}
	}
	s := r.Analysis.Suspects[0]
	if want := fmt.Sprintf("rank %d of 2 on %s", s.Rank, s.NodeID); !equal(suspects, []string{want}) {
		t.Errorf("hung: suspect lanes %v, want %s", suspects, want)
	}
}

// TestUnreachableRank: a rank that never reported, whose node is
// unreachable, is an empty lane on that node, and the suspect's.
func TestUnreachableRank(t *testing.T) {
	dir := t.TempDir()
	down := filepath.Join(dir, "down.json")
	generate(t, buildGenerator(t, dir), "-n", "3000", "-scenario", "unreachable-node", "-format", "timeline", "-out", down)
	r := buildFiles(t, down)
	got := layoutText(r)
	if !strings.Contains(got, "  node-d: 0 missing (never reported; node node-d is unreachable: ConnectError") || !strings.Contains(got, ") suspect\n") {
		t.Errorf("lanes:\n%s", got)
	}
	if len(r.Groups) != 3 {
		t.Errorf("%d groups, want the 3 instances (node-d has its lane in instance-2)", len(r.Groups))
	}
}

// TestSelfContained: the page names nothing to fetch, forbids fetching
// anything, and carries its data intact whatever the entries hold (HTML,
// U+2028, NUL: Skulk's odd entries), where no text of theirs can end the
// data's script element.
func TestSelfContained(t *testing.T) {
	edge := filepath.Join(skulkdata.Dir(t), "clusters", "edge", "entries.ndjson")
	r := buildFiles(t, edge)
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{`src=`, `<link rel="stylesheet"`, `@import`, `url(`, `http://`, `https://`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src 'none';`) {
		t.Error("the page has no content security policy")
	}
	start := strings.Index(page, `<script type="application/json" id="flightline-data">`)
	if start < 0 {
		t.Fatal("the page has no flightline-data element")
	}
	end := strings.Index(page[start:], "</script>")
	if end < 0 || strings.Count(page, "</script>") != 2 {
		t.Fatalf("the page has %d script elements' ends", strings.Count(page, "</script>"))
	}
	raw := page[start+len(`<script type="application/json" id="flightline-data">`) : start+end]
	var d struct {
		Strings []string
		Entries struct{ T []int64 }
	}
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Entries.T) != r.Analysis.Entries {
		t.Errorf("%d entries in the data, %d analyzed", len(d.Entries.T), r.Analysis.Entries)
	}
	// Every detail of the file is in the data as written.
	data, err := os.ReadFile(edge)
	if err != nil {
		t.Fatal(err)
	}
	strs := map[string]bool{}
	for _, s := range d.Strings {
		strs[s] = true
	}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var e struct{ Detail *string }
		if json.Unmarshal(line, &e) == nil && e.Detail != nil && *e.Detail != "" && !strs[*e.Detail] {
			t.Errorf("detail %q is not in the page's data", *e.Detail)
		}
	}
}

// TestPage compares what the page shows without its script (the verdict
// and the lanes' labels) with golden files; -update rewrites them.
func TestPage(t *testing.T) {
	cases := []struct {
		name string
		file func(t *testing.T) string
	}{
		{"stuck-barrier", func(*testing.T) string { return "../../testdata/sample/stuck-barrier.ndjson" }},
		{"skulk-hung", func(t *testing.T) string {
			return filepath.Join(skulkdata.Dir(t), "clusters", "hung", "cluster_timeline.json")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := c.file(t)
			r := buildFiles(t, file)
			// Paths as the golden file can hold them, wherever the data is.
			r.Inputs = []string{filepath.Base(file)}
			r.Title = "flightline report: " + filepath.Base(file)
			r.Analysis.Clock.Input = filepath.Base(r.Analysis.Clock.Input)
			for i := range r.Evidence {
				r.Evidence[i].Where.Path = filepath.Base(r.Evidence[i].Where.Path)
			}
			var b bytes.Buffer
			if err := r.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			body := page[strings.Index(page, "<body>"):strings.Index(page, "<script type=\"application/json\"")]
			golden.Check(t, filepath.Join("testdata", c.name+".html.golden"), body, *update, "go test ./validate/report -update")
		})
	}
}

// TestSpans: a lane's entries in one phase make one bar, which lasts to the
// next entry in another phase; the last bar lasts to the clock, or to the
// last entry when the clock is before it.
func TestSpans(t *testing.T) {
	rec := func(at int64, phase int32) record { return record{at: at, phase: phase} }
	entries := []record{rec(0, 1), rec(5, 1), rec(7, 2), rec(9, 1), rec(9, 1)}
	got := fmt.Sprint(spans(entries, 20))
	if want := "[{0 7 1 0} {7 9 2 2} {9 20 1 3}]"; got != want {
		t.Errorf("spans = %s, want %s", got, want)
	}
	if got := fmt.Sprint(spans(entries, 3)); got != "[{0 7 1 0} {7 9 2 2} {9 9 1 3}]" {
		t.Errorf("with the clock before the last entry, spans = %s", got)
	}
	if got := spans(nil, 3); len(got) != 0 {
		t.Errorf("no entries, spans %v", got)
	}
}

// TestLatestStates: a runner's latest state is the one whose generatedAt
// is the later instant, as explain chooses it, not the later text:
// "…00Z" comes after "…00.5Z" as text, and an offset other than Z does
// not compare as text at all.
func TestLatestStates(t *testing.T) {
	state := func(runner, phase, at string) merge.RunnerState {
		var s merge.RunnerState
		s.RunnerID, s.Phase, s.GeneratedAt = runner, timeline.Phase(phase), at
		s.DeviceRank, s.WorldSize = timeline.IntOf(0), timeline.IntOf(1)
		return s
	}
	doc := &merge.Document{States: []merge.RunnerState{
		state("a", "later", "2026-04-24T22:00:00.5Z"), state("a", "earlier", "2026-04-24T22:00:00Z"),
		state("b", "later", "2026-04-24T21:30:00-01:00"), state("b", "earlier", "2026-04-24T22:00:00Z"),
		state("c", "earlier", "2026-04-24T22:00:00Z"), state("c", "later", "2026-04-24T22:00:00.000Z"), // a tie: the later in the inputs
	}}
	states := latestStates(doc)
	for _, r := range []string{"a", "b", "c"} {
		if s := states[r]; s == nil || s.Phase != "later" {
			t.Errorf("runner %s: latest state %+v, want the one in phase later", r, s)
		}
	}
}
