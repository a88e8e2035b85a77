package dump

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/rule"
)

// runnerState is what a supervisor runner holds besides its identity
// (nodeId, runnerId, deviceRank, worldSize) and its flight recorder, for
// the schema: the tests write a runner as its identity, runnerState and
// the entries they are about.
const runnerState = `"instanceId":"i","modelId":"m","startLayer":0,"endLayer":1,"nLayers":2,"processAlive":true,` +
	`"statusKind":"RunnerRunning","statusSince":"2026-04-24T22:03:50+00:00","secondsInStatus":3.0,"phase":"idle",` +
	`"phaseStartedAt":"2026-04-24T22:03:50+00:00","secondsInPhase":3.0,"completedTaskCount":0`

// nodeDump returns a valid node dump with runners, the JSON text of its
// supervisorRunners' elements as written: testdata's node dump without
// runners, on one line, the runners spliced in.
func nodeDump(t testing.TB, runners string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/dumps/valid/node-no-runners.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatal(err)
	}
	const empty = `"supervisorRunners":[]`
	if !strings.Contains(compact.String(), empty) {
		t.Fatalf("the node dump of testdata changed: it has no %s", empty)
	}
	return strings.Replace(compact.String(), empty, `"supervisorRunners":[`+runners+`]`, 1)
}

// nodeMembers are the members of nodeDump's dump, in order.
var nodeMembers = []string{"generatedAt", "runtime", "resources", "processes", "supervisorRunners", "placements", "warnings"}

// TestNodeDumpValid: nodeDump's dump, with a runner as the tests write
// it, is read without a finding.
func TestNodeDumpValid(t *testing.T) {
	e := `{"at":"2026-04-24T22:03:50+00:00","phase":"idle","event":"e","context":{"nodeId":"n","runnerId":"r","pid":1,"instanceId":"i","modelId":"m","rank":0,"worldSize":1,"startLayer":0,"endLayer":1,"nLayers":2}}`
	dump := nodeDump(t, `{"runnerId":"r","nodeId":"n","deviceRank":0,"worldSize":1,`+runnerState+`,"flightRecorder":[`+e+`]}`)
	rd := NewReader(strings.NewReader(dump), 0)
	entries := 0
	rd.Read(func(it Item) bool {
		if it.Problem != nil {
			t.Errorf("%+v", *it.Problem)
		} else {
			entries++
		}
		return true
	})
	var keys []string
	for _, m := range rd.Members() {
		keys = append(keys, m.Key)
	}
	if rd.Format() != Node || entries != 1 || strings.Join(keys, " ") != strings.Join(nodeMembers, " ") {
		t.Errorf("format %v, %d entries, members %q", rd.Format(), entries, keys)
	}
}

// TestDocumentViolationsBeyondTheFirst: a document with more violations
// than the generated validator lists says how many it left out.
func TestDocumentViolationsBeyondTheFirst(t *testing.T) {
	bad := `{"runnerId":"r","nodeId":"n","deviceRank":0,"worldSize":1,` + strings.Replace(runnerState, `"processAlive":true`, `"processAlive":"yes"`, 1) + `,"flightRecorder":[]}`
	dump := nodeDump(t, strings.TrimSuffix(strings.Repeat(bad+",", 100), ","))
	var problems []Problem
	NewReader(strings.NewReader(dump), 0).Read(func(it Item) bool {
		if it.Problem != nil {
			problems = append(problems, *it.Problem)
		}
		return true
	})
	if len(problems) != 65 {
		t.Fatalf("%d problems, want 64 and one for the rest", len(problems))
	}
	if last := problems[64]; last.Rule != rule.Schema || last.Message != "36 more violations of the schema, not listed: the first 64 are" {
		t.Errorf("last problem %+v", last)
	}
}
