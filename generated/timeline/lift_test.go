package timeline_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

const runnerEntry = `{
  "at": "2026-04-24T22:03:50.500000+00:00",
  "phase": "decode_stream",
  "event": "enter",
  "detail": "caf\u00e9 \"quoted\"",
  "attrs": {"zeta": 1.50, "big": 123456789012345678901234567890, "rank": 1, "tags": ["a"], "ok": false},
  "context": {"nodeId": "peer-node", "runnerId": "runner-1", "pid": 1235, "instanceId": "instance-1",
              "modelId": "mlx-community/gemma", "rank": 1, "worldSize": 2, "startLayer": 15, "endLayer": 30, "nLayers": 30},
  "taskId": "task-1",
  "commandId": "command-1",
  "mlxMemory": null
}`

func TestLiftJSONKeepsEveryValue(t *testing.T) {
	got, err := timeline.LiftRunnerFlightRecorderEntryJSON(nil, []byte(runnerEntry))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"at":"2026-04-24T22:03:50.500000+00:00","nodeId":"peer-node","runnerId":"runner-1","deviceRank":1,` +
		`"worldSize":2,"phase":"decode_stream","event":"enter","detail":"caf\u00e9 \"quoted\"",` +
		`"attrs":{"zeta":1.50,"big":123456789012345678901234567890,"rank":1,"tags":["a"],"ok":false},` +
		`"taskId":"task-1","commandId":"command-1","mlxMemory":null}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if vs := timeline.ValidateClusterTimelineEntry(got); vs != nil {
		t.Errorf("lifted entry does not validate: %v", vs)
	}
	// Optional properties absent from the source stay absent.
	got, err = timeline.LiftRunnerFlightRecorderEntryJSON([]byte("prefix "), []byte(
		`{"at":"t","phase":"idle","event":"e","context":{"nodeId":"n","runnerId":"r","instanceId":"i","modelId":"m","rank":0,"worldSize":1,"startLayer":0,"endLayer":1,"nLayers":1}}`))
	if err != nil || string(got) != `prefix {"at":"t","nodeId":"n","runnerId":"r","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}` {
		t.Errorf("got %s, %v", got, err)
	}
}

func TestLiftJSONRejectsInvalidSource(t *testing.T) {
	_, err := timeline.LiftRunnerFlightRecorderEntryJSON(nil, []byte(`{"at":"t","phase":"idle","event":"e"}`))
	var ve *timeline.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].Pointer != "/context" {
		t.Errorf("got %v, want a violation at /context", err)
	}
}

func TestLift(t *testing.T) {
	var r timeline.RunnerFlightRecorderEntry
	if err := json.Unmarshal([]byte(runnerEntry), &r); err != nil {
		t.Fatal(err)
	}
	e := timeline.LiftRunnerFlightRecorderEntry(&r)
	if e.At != r.At || e.NodeID != "peer-node" || e.RunnerID != "runner-1" || e.DeviceRank.Cmp(timeline.IntOf(1)) != 0 || e.WorldSize.Cmp(timeline.IntOf(2)) != 0 ||
		e.Phase != r.Phase || e.Event != r.Event || *e.Detail != *r.Detail || *e.TaskID != "task-1" || len(e.Attrs) != 5 {
		t.Errorf("lifted %+v", e)
	}
	// The typed and the JSON lift agree on every value.
	viaJSON, err := timeline.LiftRunnerFlightRecorderEntryJSON(nil, []byte(runnerEntry))
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON timeline.ClusterTimelineEntry
	if err := json.Unmarshal(viaJSON, &fromJSON); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(e)
	b, _ := json.Marshal(fromJSON)
	if string(a) != string(b) {
		t.Errorf("typed lift %s\n JSON lift %s", a, b)
	}
}
