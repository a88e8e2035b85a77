package merge

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/rule"
)

// TestMergeLenient: under Options.Lenient an entry that breaks the schema
// is merged as written when its key can be read, and dropped otherwise;
// each is a Problem of its input, and the merge goes on.
func TestMergeLenient(t *testing.T) {
	newPhase := strings.Replace(testEntry("01", 0, ""), "decode_stream", "prefill_schedule", 1)
	newField := testEntry("02", 0, `,"spanId":"s-1"`)
	noAt := strings.Replace(testEntry("03", 0, ""), `"at":`, `"when":`, 1)
	notJSON := `{"at": oops`
	cases := []struct {
		name    string
		line    string
		kept    bool
		rule    rule.ID
		dropped bool
	}{
		{"unknown phase", newPhase, true, rule.Schema, false},
		{"unknown field", newField, true, rule.Schema, false},
		{"no at", noAt, false, rule.Schema, true},
		{"not JSON", notJSON, false, rule.JSONSyntax, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good := testEntry("00", 1, "")
			later := testEntry("09", 1, "")
			got, rep := run(t, Options{Lenient: true}, memInput("in", good+"\n"+c.line+"\n"+later+"\n"))
			want := []string{good, later}
			if c.kept {
				want = []string{good, c.line, later}
			}
			if !slices.Equal(got, want) {
				t.Errorf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			ps := rep.Inputs[0].Problems
			if len(ps) != 1 || ps[0].Line != 2 || ps[0].Rule != c.rule || ps[0].Dropped != c.dropped {
				t.Fatalf("problems %+v", ps)
			}
			if !strings.HasPrefix(ps[0].Error(), "in:2: "+c.rule.String()+": ") {
				t.Errorf("problem reads %q", ps[0].Error())
			}
			if _, err := Merge([]Input{memInput("in", good+"\n"+c.line+"\n")}, Options{}, func() error { return nil },
				func(*Entry) error { return nil }); err == nil {
				t.Errorf("without Lenient the merge goes on")
			}
		})
	}
}

// TestMergeLenientNode: a flight-recorder entry a newer Skulk wrote (a
// phase the schema does not know) cannot be lifted; it is merged as
// written, keyed by its context.
func TestMergeLenientNode(t *testing.T) {
	data, err := os.ReadFile("../../testdata/merge/skulk-local-node.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(data), `"phase": "decode_stream",
          "event": "enter"`, `"phase": "prefill_schedule",
          "event": "enter"`, 1)
	if doc == string(data) {
		t.Fatal("the test dump changed; the entry to rewrite is not there")
	}
	got, rep := run(t, Options{Lenient: true}, memInput("node.json", doc))
	if len(got) != 2 || !strings.Contains(got[0], `"phase":"prefill_schedule"`) || !strings.Contains(got[0], `"context":{`) {
		t.Errorf("merged %q", got)
	}
	if ps := rep.Inputs[0].Problems; len(ps) != 1 || ps[0].Dropped {
		t.Errorf("problems %+v", ps)
	}
	_, rep = run(t, Options{Lenient: true, Pointers: true}, memInput("node.json", doc))
	if ps := rep.Inputs[0].Problems; len(ps) != 1 || !strings.HasPrefix(ps[0].Error(), "node.json:45 (/supervisorRunners/0/flightRecorder/0): schema: ") {
		t.Errorf("with pointers: %v", ps)
	}
}

// TestMergeDocumentStates: the Document holds each input's runners with
// the input's generatedAt and where they are, and the latest generatedAt
// of all.
func TestMergeDocumentStates(t *testing.T) {
	runner := func(id, phase string) string {
		return `{"nodeId":"node-0","runnerId":"` + id + `","instanceId":"i","modelId":"m","deviceRank":0,"worldSize":1,` +
			`"pid":1,"processAlive":true,"statusKind":"RunnerRunning","phase":"` + phase + `","phaseDetail":null,` +
			`"secondsInPhase":5.5,"lastProgressAt":null,"activeTaskId":"t","activeCommandId":null,"lastMlxMemory":null}`
	}
	early := `{"generatedAt":"2026-04-24T22:05:00+00:00","localNodeId":"node-0","runners":[` + runner("r-0", "decode_stream") +
		`],"timeline":[` + testEntry("00", 0, "") + `],"unreachableNodes":[]}`
	late := "{\"generatedAt\":\"2026-04-24T23:05:00+01:00\",\"localNodeId\":\"node-0\",\"runners\":[\n" +
		runner("r-1", "prefill_schedule") + ",\n" + runner("r-2", "idle") + "\n],\"timeline\":[],\"unreachableNodes\":[]}"
	// A runner in a phase the schema does not know breaks the document:
	// merge stops on it, as validate fails it; leniently it is a problem
	// of the input, and the merge goes on.
	if _, err := Merge([]Input{memInput("early.json", early), memInput("late.json", late)}, Options{}, func() error { return nil }, func(*Entry) error { return nil }); err == nil {
		t.Error("a document that breaks its schema is merged")
	}
	_, rep := run(t, Options{Lenient: true}, memInput("early.json", early), memInput("late.json", late))
	if ps := rep.Inputs[1].Problems; len(ps) != 1 || !strings.HasPrefix(ps[0].Error(), "late.json:2: schema: /runners/0/phase: ") {
		t.Errorf("problems of late.json %v", ps)
	}
	d := rep.Doc
	if d.GeneratedAt != "2026-04-24T22:05:00+00:00" || d.LatestGeneratedAt != "2026-04-24T22:05:00+00:00" || d.LatestInput != "early.json" {
		t.Errorf("generatedAt %q, latest %q of %q: 23:05+01:00 is the same instant, not later", d.GeneratedAt, d.LatestGeneratedAt, d.LatestInput)
	}
	var where []string
	for _, s := range d.States {
		where = append(where, s.RunnerID+"@"+s.Input+":"+strconv.Itoa(s.Line)+s.Pointer+" "+s.GeneratedAt)
	}
	want := []string{"r-0@early.json:1/runners/0 2026-04-24T22:05:00+00:00", "r-2@late.json:3/runners/1 2026-04-24T23:05:00+01:00"}
	if !slices.Equal(where, want) {
		t.Errorf("states %q\nwant %q", where, want)
	}
	if len(d.Problems) != 1 || !strings.HasPrefix(d.Problems[0], "late.json:2: /runners/0: ") {
		t.Errorf("problems %q: the runner in a phase the schema does not know costs only itself", d.Problems)
	}
}

// TestMergeDocumentNodeStates: a node dump's runners are there with the
// dump's generatedAt, and the latest generatedAt is the latest instant.
func TestMergeDocumentNodeStates(t *testing.T) {
	node, err := os.ReadFile("../../testdata/merge/skulk-local-node.json")
	if err != nil {
		t.Fatal(err)
	}
	later := `{"generatedAt":"2026-04-24T22:03:53.5Z","localNodeId":"node-0","runners":[],"timeline":[],"unreachableNodes":[]}`
	_, rep := run(t, Options{}, memInput("node.json", string(node)), memInput("later.json", later))
	d := rep.Doc
	if d.LatestGeneratedAt != "2026-04-24T22:03:53.5Z" || d.LatestInput != "later.json" {
		t.Errorf("latest %q of %q", d.LatestGeneratedAt, d.LatestInput)
	}
	if len(d.States) != 1 {
		t.Fatalf("states %+v", d.States)
	}
	s := d.States[0]
	if s.Input != "node.json" || s.Line != 19 || s.Pointer != "/supervisorRunners/0" || s.GeneratedAt != "2026-04-24T22:03:53+00:00" ||
		s.SecondsInPhase != 11 || s.ActiveTaskID == nil || *s.ActiveTaskID != "task-1" || !s.ProcessAlive {
		t.Errorf("state %+v", s)
	}
}
