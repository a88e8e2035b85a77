package timeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// validFields are the members of a valid entry, as Skulk writes one.
var validFields = [][2]string{
	{"at", `"2026-04-24T22:03:51.508000+00:00"`}, {"nodeId", `"local-node"`}, {"runnerId", `"runner-0"`},
	{"deviceRank", `0`}, {"worldSize", `2`}, {"phase", `"decode_stream"`}, {"event", `"enter"`},
	{"detail", `"pipeline_last_eval_output"`}, {"attrs", `{"rank":0}`}, {"taskId", `"task-1"`},
	{"commandId", `"command-1"`}, {"mlxMemory", `null`},
}

var validEntry = entryWith("", "")

// entryWith returns the valid entry with member name set to the raw JSON
// value (added at the end if the entry has none), or removed when value is "".
func entryWith(name, value string) string {
	var parts []string
	found := false
	for _, f := range validFields {
		if f[0] == name {
			found = true
			if value == "" {
				continue
			}
			f[1] = value
		}
		parts = append(parts, `"`+f[0]+`":`+f[1])
	}
	if !found && name != "" {
		parts = append(parts, `"`+name+`":`+value)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestDecodeValidEntry(t *testing.T) {
	var e timeline.ClusterTimelineEntry
	if err := json.Unmarshal([]byte(validEntry), &e); err != nil {
		t.Fatal(err)
	}
	if e.At != "2026-04-24T22:03:51.508000+00:00" || e.NodeID != "local-node" || e.RunnerID != "runner-0" ||
		e.DeviceRank.Cmp(timeline.IntOf(0)) != 0 || e.WorldSize.Cmp(timeline.IntOf(2)) != 0 || e.Phase != timeline.PhaseDecodeStream || e.Event != "enter" ||
		e.Detail == nil || *e.Detail != "pipeline_last_eval_output" || e.TaskID == nil || *e.TaskID != "task-1" ||
		e.CommandID == nil || *e.CommandID != "command-1" || e.MlxMemory != nil {
		t.Errorf("decoded %+v", e)
	}
	if v, ok := e.Attrs.Get("rank"); !ok || v.Kind != timeline.AttrsValueInteger || v.Integer.String() != "0" {
		t.Errorf("attrs.rank = %+v", v)
	}
	if vs := timeline.ValidateClusterTimelineEntry([]byte(validEntry)); vs != nil {
		t.Errorf("violations on a valid entry: %v", vs)
	}
}

// TestDecodeStrict checks every strictness rule: each case must fail, and
// the error must name the offending value by its JSON pointer.
func TestDecodeStrict(t *testing.T) {
	cases := []struct {
		name, doc, pointer, keyword string
	}{
		{"missing required at", entryWith("at", ""), "/at", "required"},
		{"missing required phase", entryWith("phase", ""), "/phase", "required"},
		{"unknown property", entryWith("extra", `1`), "/extra", "additionalProperties"},
		{"null at", entryWith("at", `null`), "/at", "type"},
		{"null deviceRank", entryWith("deviceRank", `null`), "/deviceRank", "type"},
		{"null attrs", entryWith("attrs", `null`), "/attrs", "type"},
		{"string for integer", entryWith("deviceRank", `"1"`), "/deviceRank", "type"},
		{"fraction for integer", entryWith("worldSize", `1.5`), "/worldSize", "type"},
		{"number for string", entryWith("nodeId", `7`), "/nodeId", "type"},
		{"object for string", entryWith("event", `{}`), "/event", "type"},
		{"unknown phase", entryWith("phase", `"decoding"`), "/phase", "enum"},
		{"phase of wrong case", entryWith("phase", `"Decode_Stream"`), "/phase", "enum"},
		{"attrs value object", entryWith("attrs", `{"k":{"a":1}}`), "/attrs/k", "anyOf"},
		{"attrs value null", entryWith("attrs", `{"k":null}`), "/attrs/k", "anyOf"},
		{"attrs list of numbers", entryWith("attrs", `{"k":["a",1]}`), "/attrs/k/1", "type"},
		{"attrs key with slash", entryWith("attrs", `{"a/b":{}}`), "/attrs/a~1b", "anyOf"},
		{"attrs key given twice", entryWith("attrs", `{"k":1,"k":2}`), "/attrs/k", "duplicate"},
		{"mlxMemory missing source", entryWith("mlxMemory", `{"generatedAt":"2026-04-24T22:03:51Z"}`), "/mlxMemory/source", "required"},
		{"mlxMemory unknown property", entryWith("mlxMemory", `{"generatedAt":"t","source":"mlx.core","x":1}`), "/mlxMemory/x", "additionalProperties"},
		{"memory unknown property", entryWith("mlxMemory", `{"generatedAt":"t","source":"s","peak":{"bytes":1}}`), "/mlxMemory/peak/bytes", "additionalProperties"},
		{"memory string bytes", entryWith("mlxMemory", `{"generatedAt":"t","source":"s","peak":{"inBytes":"1"}}`), "/mlxMemory/peak/inBytes", "type"},
		{"not an object", `[]`, "", "type"},
		{"property given twice", `{"at":"a","at":"b"}`, "/at", "duplicate"},
		{"truncated", validEntry[:40], "", "truncated"},
		{"trailing garbage", validEntry + " x", "", "trailing"},
		{"two documents", validEntry + validEntry, "", "trailing"},
		{"invalid UTF-8", entryWith("event", "\"\xff\""), "/event", "syntax"},
		{"lone surrogate", entryWith("event", `"\ud800"`), "/event", "syntax"},
		{"NaN", entryWith("worldSize", `NaN`), "", "syntax"},
		{"too deep", entryWith("extra", strings.Repeat("[", 600)+strings.Repeat("]", 600)), "", "syntax"},
		{"integer with a fraction", entryWith("deviceRank", `1.5`), "/deviceRank", "type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e timeline.ClusterTimelineEntry
			err := e.UnmarshalJSON([]byte(c.doc))
			var ve *timeline.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			found := false
			for _, v := range ve.Violations {
				if (c.pointer == "" || v.Pointer == c.pointer) && v.Keyword.String() == c.keyword {
					found = true
				}
			}
			if !found {
				t.Errorf("violations %v, want %s at %q", ve.Violations, c.keyword, c.pointer)
			}
			if c.pointer != "" && !strings.Contains(err.Error(), c.pointer) {
				t.Errorf("error %q does not name %s", err, c.pointer)
			}
		})
	}
}

func TestValidatorReportsEveryViolation(t *testing.T) {
	doc := `{"at":1,"nodeId":null,"runnerId":"r","deviceRank":1.5,"worldSize":"2","phase":"bogus",` +
		`"event":"e","extra":1,"attrs":{"x":{},"y":[1]},"mlxMemory":{"generatedAt":"t"}}`
	var v timeline.Validator
	var got []string
	for _, vi := range v.ClusterTimelineEntry([]byte(doc), nil) {
		got = append(got, vi.Keyword.String()+" "+vi.Pointer)
	}
	want := []string{
		"type /at", "type /nodeId", "type /deviceRank", "type /worldSize", "enum /phase",
		"additionalProperties /extra", "anyOf /attrs/x", "type /attrs/y/0", "required /mlxMemory/source",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same Validator is reusable, and a valid document has none.
	if vs := v.ClusterTimelineEntry([]byte(validEntry), nil); vs != nil {
		t.Errorf("violations on a valid entry after reuse: %v", vs)
	}
}

// TestViolationsBeyondTheFirst64: the Validator and the decoder keep the
// first 64 violations of a document and count the others.
func TestViolationsBeyondTheFirst64(t *testing.T) {
	doc := strings.Replace(validEntry, `"attrs":{`, `"attrs":{"bad":[`+strings.TrimSuffix(strings.Repeat(`{},`, 100), ",")+`],`, 1)
	if doc == validEntry {
		t.Fatal("validEntry has no attrs")
	}
	var v timeline.Validator
	if vs := v.ClusterTimelineEntry([]byte(doc), nil); len(vs) != 64 || v.Omitted() != 36 {
		t.Errorf("%d violations, %d omitted; want 64 and 36", len(vs), v.Omitted())
	}
	var e timeline.ClusterTimelineEntry
	err := e.UnmarshalJSON([]byte(doc))
	var ve *timeline.ValidationError
	if !errors.As(err, &ve) || len(ve.Violations) != 64 || ve.Omitted != 36 || !strings.HasSuffix(err.Error(), "(and 99 more)") {
		t.Errorf("decode: %v", err)
	}
	if v.ClusterTimelineEntry([]byte(validEntry), nil); v.Omitted() != 0 {
		t.Errorf("%d omitted on a valid entry after reuse", v.Omitted())
	}
}

func TestValidatorView(t *testing.T) {
	doc := entryWith("nodeId", `"node\u002da"`) // an escape: the view must still hold "node-a"
	var v timeline.Validator
	var view timeline.ClusterTimelineEntryView
	if vs := v.ClusterTimelineEntry([]byte(doc), &view); vs != nil {
		t.Fatal(vs)
	}
	if string(view.At) != "2026-04-24T22:03:51.508000+00:00" || string(view.NodeID) != "node-a" ||
		string(view.RunnerID) != "runner-0" || string(view.DeviceRank) != "0" || string(view.WorldSize) != "2" ||
		view.Phase != timeline.PhaseDecodeStream || string(view.TaskID) != "task-1" {
		t.Errorf("view %+v", view)
	}
	k, err := view.SortKey()
	var e timeline.ClusterTimelineEntry
	if err := e.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if want := e.SortKey(); err != nil || timeline.CompareSortKeys(&k, &want) != 0 {
		t.Errorf("SortKey = %+v, %v; want %+v", k, err, want)
	}
	if made := timeline.MakeSortKey(view.At, "node-a", timeline.IntOf(0)); timeline.CompareSortKeys(&k, &made) != 0 {
		t.Errorf("MakeSortKey = %+v, want %+v", made, k)
	}
}

// TestAttrsRoundTrip checks that each kind of attrs value survives a
// decode and encode exactly: 1 stays an integer, 1.0 a float, integers
// beyond 2^53 (and beyond int64) keep every digit.
func TestAttrsRoundTrip(t *testing.T) {
	cases := []struct {
		value string
		kind  timeline.AttrsValueKind
	}{
		{`1`, timeline.AttrsValueInteger},
		{`-7`, timeline.AttrsValueInteger},
		{`9007199254740993`, timeline.AttrsValueInteger},
		{`123456789012345678901234567890`, timeline.AttrsValueInteger},
		{`1.0`, timeline.AttrsValueNumber},
		{`1.5e-07`, timeline.AttrsValueNumber},
		{`2E+3`, timeline.AttrsValueNumber},
		{`"text with \"quotes\" and é"`, timeline.AttrsValueString},
		{`true`, timeline.AttrsValueBoolean},
		{`false`, timeline.AttrsValueBoolean},
		{`["a","b"]`, timeline.AttrsValueArray},
		{`[]`, timeline.AttrsValueArray},
	}
	for _, c := range cases {
		var v timeline.AttrsValue
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Errorf("%s: %v", c.value, err)
			continue
		}
		if v.Kind != c.kind {
			t.Errorf("%s: kind %v, want %v", c.value, v.Kind, c.kind)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: %v", c.value, err)
			continue
		}
		var want any
		var got any
		json.Unmarshal([]byte(c.value), &want)
		json.Unmarshal(out, &got)
		if c.kind == timeline.AttrsValueInteger || c.kind == timeline.AttrsValueNumber {
			if string(out) != c.value {
				t.Errorf("%s: encoded as %s", c.value, out)
			}
		} else if string(mustJSON(t, got)) != string(mustJSON(t, want)) {
			t.Errorf("%s: encoded as %s", c.value, out)
		}
	}
	if n, ok := timeline.IntegerAttrsValue(timeline.IntOf(math.MaxInt64)).Integer.Int64(); !ok || n != math.MaxInt64 {
		t.Errorf("IntegerAttrsValue(MaxInt64) = %d, %v", n, ok)
	}
	if b, _ := json.Marshal(timeline.NumberAttrsValue(2)); string(b) != "2.0" {
		t.Errorf("NumberAttrsValue(2) encodes as %s, want 2.0", b)
	}
	if _, err := json.Marshal(timeline.NumberAttrsValue(math.NaN())); err == nil {
		t.Error("NaN encoded without an error")
	}
	if _, err := json.Marshal(timeline.AttrsValue{}); err == nil {
		t.Error("a zero AttrsValue encoded without an error")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEntryRoundTrip(t *testing.T) {
	docs := []string{
		validEntry,
		`{"at":"2026-04-24T22:03:50+00:00","nodeId":"n","runnerId":"r","deviceRank":1,"worldSize":2,"phase":"idle",` +
			`"event":"tick","detail":null,"attrs":{"big":12345678901234567890,"f":0.5,"l":["x"],"ok":true,"s":"é\n"},` +
			`"taskId":null,"commandId":null,"mlxMemory":{"generatedAt":"2026-04-24T22:03:50Z","active":{"inBytes":1},` +
			`"cache":null,"peak":{"inBytes":0},"wiredLimit":null,"source":"mlx.core"}}`,
	}
	for _, doc := range docs {
		var e timeline.ClusterTimelineEntry
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != doc {
			t.Errorf("round trip changed the entry:\n got %s\nwant %s", out, doc)
		}
	}
}

func TestEncodeRejectsInvalidValues(t *testing.T) {
	var e timeline.ClusterTimelineEntry
	if err := json.Unmarshal([]byte(validEntry), &e); err != nil {
		t.Fatal(err)
	}
	bad := e
	bad.Phase = "bogus"
	if _, err := json.Marshal(bad); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("invalid phase: got %v", err)
	}
	bad = e
	bad.Event = "\xff"
	if _, err := json.Marshal(bad); err == nil {
		t.Error("invalid UTF-8 encoded without an error")
	}
}

// TestMemoryDefault: an absent inBytes reads as its schema default, 0.
func TestMemoryDefault(t *testing.T) {
	var m timeline.Memory
	if err := json.Unmarshal([]byte(`{}`), &m); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(m); string(b) != `{"inBytes":0}` {
		t.Errorf("got %s", b)
	}
}

func TestPhaseEnum(t *testing.T) {
	phases := timeline.Phases()
	if len(phases) != 22 || phases[0] != timeline.PhaseCreated || phases[21] != timeline.PhaseShutdownCleanup {
		t.Fatalf("Phases() = %v", phases)
	}
	for _, p := range phases {
		if !p.Valid() {
			t.Errorf("%s not valid", p)
		}
		q, err := timeline.ParsePhase(string(p))
		if err != nil || q != p {
			t.Errorf("ParsePhase(%s) = %s, %v", p, q, err)
		}
	}
	_, err := timeline.ParsePhase("decoding")
	if err == nil || !strings.Contains(err.Error(), "decode_wait_first_token") {
		t.Errorf("ParsePhase error %v does not list the allowed values", err)
	}
	var p timeline.Phase
	if err := json.Unmarshal([]byte(`"warmup"`), &p); err != nil || p != timeline.PhaseWarmup {
		t.Errorf("json decode: %s, %v", p, err)
	}
	if err := json.Unmarshal([]byte(`"warm"`), &p); err == nil {
		t.Error("json decode accepted an unknown phase")
	}
	if _, err := json.Marshal(timeline.Phase("warm")); err == nil {
		t.Error("json encode accepted an unknown phase")
	}
	if timeline.Phase("warm").Valid() {
		t.Error("Valid accepted an unknown phase")
	}
}

func TestClusterTimelineDecode(t *testing.T) {
	doc := `{"generatedAt":"2026-04-24T22:03:53+00:00","localNodeId":"local-node","masterNodeId":null,` +
		`"runners":[],"timeline":[` + validEntry + `,` + entryWith("phase", `"nope"`) + `],"unreachableNodes":[` +
		`{"nodeId":"peer","url":null,"error":"connection refused"}]}`
	var v timeline.Validator
	vs := v.ClusterTimeline([]byte(doc))
	if len(vs) != 1 || vs[0].Pointer != "/timeline/1/phase" {
		t.Errorf("violations %v, want one at /timeline/1/phase", vs)
	}
}

func TestValidatorDateTimes(t *testing.T) {
	doc := entryWith("mlxMemory", `{"generatedAt":"2026-04-24T22:03:51\u002e5Z","source":"mlx.core"}`)
	var v timeline.Validator
	if vs := v.ClusterTimelineEntry([]byte(doc), nil); vs != nil {
		t.Fatal(vs)
	}
	var got []string
	for i, value := range v.DateTimes {
		pointer, offset := v.DateTimeAt(i)
		got = append(got, pointer+"="+string(value)+"@"+fmt.Sprint(doc[offset:offset+6]))
	}
	want := []string{`/at=2026-04-24T22:03:51.508000+00:00@"2026-`, `/mlxMemory/generatedAt=2026-04-24T22:03:51.5Z@"2026-`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}
