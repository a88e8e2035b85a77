package schema_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/schema/compat"
	"github.com/flightline-dev/flightline/testdata/shared"
)

// skulkDir returns the directory of the documents and schemas Skulk's own
// code serves (shared/skulk); see testdata/shared.
func skulkDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(shared.Dir(t), "skulk")
}

// equivalents pairs each built-in schema file with the schema Skulk's
// pydantic models emit for the same document.
var equivalents = []struct{ ours, skulk string }{
	{schema.EntryFile, "ClusterTimelineEntry.schema.json"},
	{schema.RunnerEntryFile, "RunnerFlightRecorderEntry.schema.json"},
	{schema.TimelineFile, "ClusterTimeline.schema.json"},
	{schema.NodeFile, "NodeDiagnostics.schema.json"},
	{schema.ClusterFile, "ClusterDiagnostics.schema.json"},
	{schema.CaptureFile, "DiagnosticCaptureResponse.schema.json"},
}

// liftTarget is the root type of schema.EntryFile, which loadPair loads
// beside ours.
const liftTarget = "ClusterTimelineEntry"

// ignored are the differences that do not change which documents a schema
// accepts or how they decode: flightline's own descriptions, Go names,
// formats and merge annotations, which Skulk's schemas do not carry.
var ignored = []compat.Kind{
	compat.DescriptionChanged, compat.TypeRenamed,
	compat.FormatAdded, compat.FormatRemoved, compat.FormatChanged,
	compat.OrderAdded, compat.LiftAdded,
}

// differences lists how ours departs from Skulk's schema: every change
// compat finds, walking both models from their roots, but the ignored
// kinds. Defaults are compared as JSON values, so 0 and 0.0 are one default.
func differences(skulk, ours *schema.Model) []string {
	canonicalDefaults(skulk)
	canonicalDefaults(ours)
	var out []string
	for _, c := range compat.Compare(skulk, ours) {
		if c.Kind == compat.RootAdded && c.Root == liftTarget {
			continue
		}
		if !slices.Contains(ignored, c.Kind) {
			out = append(out, fmt.Sprintf("%s%s: %s: %s", c.Root, c.Pointer, c.Kind, c.Message))
		}
	}
	return out
}

func canonicalDefaults(m *schema.Model) {
	for _, t := range m.Types {
		for _, f := range t.Fields {
			if f.Type.Kind != schema.Number {
				continue
			}
			if v, err := strconv.ParseFloat(f.Default, 64); err == nil {
				f.Default = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
	}
}

// loadPair loads one built-in file and Skulk's counterpart, each read
// through its own readFile. Ours is loaded with the entry file beside it,
// because a file that holds RunnerFlightRecorderEntry only loads with the
// target of its lift; differences reports that extra root as no difference.
func loadPair(t *testing.T, ours string, readOurs func(string) ([]byte, error), skulk string, readSkulk func(string) ([]byte, error)) (*schema.Model, *schema.Model) {
	t.Helper()
	o, err := schema.LoadJSONSchema(readOurs, ours, schema.EntryFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.LoadJSONSchema(readSkulk, skulk)
	if err != nil {
		t.Fatal(err)
	}
	return o, s
}

func TestEquivalentToSkulk(t *testing.T) {
	dir := filepath.Join(skulkDir(t), "diagnostics")
	for _, e := range equivalents {
		t.Run(e.ours, func(t *testing.T) {
			ours, skulk := loadPair(t, e.ours, schema.ReadBuiltin, filepath.Join(dir, e.skulk), nil)
			if got := differences(skulk, ours); len(got) > 0 {
				t.Errorf("%s is not equivalent to Skulk's %s:\n\t%s", e.ours, e.skulk, strings.Join(got, "\n\t"))
			}
		})
	}
}

// edited returns a readFile that serves read's files with old replaced by
// new in file, failing the test unless old occurs there exactly once.
func edited(t *testing.T, read func(string) ([]byte, error), file, old, new string) func(string) ([]byte, error) {
	t.Helper()
	data, err := read(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte(old)); n != 1 {
		t.Fatalf("the mutation's text occurs %d times in %s, not once: %s", n, file, old)
	}
	data = bytes.Replace(data, []byte(old), []byte(new), 1)
	return func(name string) ([]byte, error) {
		if filepath.Base(name) == filepath.Base(file) {
			return data, nil
		}
		return read(name)
	}
}

// TestEquivalenceCatchesMutations proves that the comparison sees each
// kind of drift, in our files and in Skulk's, and across $refs between
// files; and that what it is meant to ignore passes.
func TestEquivalenceCatchesMutations(t *testing.T) {
	dir := filepath.Join(skulkDir(t), "diagnostics")
	cases := []struct {
		name        string
		ours, skulk string // the pair to compare, as in equivalents
		inSkulk     bool   // the mutation is to Skulk's file rather than ours
		file        string // the file mutated; ours or skulk when empty
		old, new    string
		want        string // the difference expected, "" for none
	}{
		{
			name: "required", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"phase", "phaseStartedAt", "secondsInPhase"`, new: `"phase", "secondsInPhase"`,
			want: "NodeDiagnostics/supervisorRunners/*/phaseStartedAt: became-optional",
		},
		{
			name: "enum-order", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `["skulk", "runner",`, new: `["runner", "skulk",`,
			want: "NodeDiagnostics/processes/*/role: enum-values-reordered",
		},
		{
			name: "enum-value", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"maybe_ethernet", `, new: ``,
			want: "NodeDiagnostics/resources/network/interfaces/*/interfaceType: enum-value-removed",
		},
		{
			name: "nullable", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old:  `"description": "Where structured logs go, when configured.",` + "\n          " + `"anyOf": [{"type": "string"}, {"type": "null"}],` + "\n          " + `"default": null`,
			new:  `"description": "Where structured logs go, when configured.", "type": "string"`,
			want: "NodeDiagnostics/runtime/loggingIngestUrl: became-non-nullable",
		},
		{
			name: "open", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old:  `"default": "Unknown"}` + "\n      },\n      " + `"additionalProperties": false`,
			new:  `"default": "Unknown"}` + "\n      }",
			want: "NodeDiagnostics/identity: became-open",
		},
		{
			name: "default", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"Hardware model identifier, such as Mac16,9.", "type": "string", "default": "Unknown"`, new: `"Hardware model identifier, such as Mac16,9.", "type": "string", "default": "unknown"`,
			want: "NodeDiagnostics/identity/modelId: default-changed",
		},
		{
			name: "default-dropped", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"type": "boolean", "default": false}`, new: `"type": "boolean"}`,
			want: "NodeDiagnostics/processes/*/isChildOfSkulk: default-changed",
		},
		{
			name: "integer-number", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"Tasks completed through this supervisor.", "type": "integer"`, new: `"Tasks completed through this supervisor.", "type": "number"`,
			want: "NodeDiagnostics/supervisorRunners/*/completedTaskCount: type-widened",
		},
		{
			name: "items", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old:  `"The nodes holding ranks of the instance.",` + "\n          " + `"type": "array",` + "\n          " + `"items": {"type": "string"}`,
			new:  `"The nodes holding ranks of the instance.", "type": "array", "items": {"type": "integer"}`,
			want: "NodeDiagnostics/placements/*/placementNodeIds/*: type-changed",
		},
		{
			name: "field-removed", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"osBuildVersion": {"description": "Operating-system build.", "type": "string", "default": "Unknown"},`, new: ``,
			want: "NodeDiagnostics/identity/osBuildVersion: field-removed",
		},
		{
			name: "fields-reordered", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old:  `"cwd": {"description": "Working directory of the API process.", "type": "string"},` + "\n        " + `"configPath": {"description": "Configuration file path the API process resolved.", "type": "string"},`,
			new:  `"configPath": {"description": "Configuration file path the API process resolved.", "type": "string"},` + "\n        " + `"cwd": {"description": "Working directory of the API process.", "type": "string"},`,
			want: "NodeDiagnostics/runtime: fields-reordered",
		},
		{
			name: "across-files", ours: schema.CaptureFile, skulk: "DiagnosticCaptureResponse.schema.json", file: schema.RunnerEntryFile,
			old:  `"nLayers": {"title": "Nlayers", "description": "Number of layers of the whole model.", "type": "integer"}`,
			new:  `"nLayers": {"title": "Nlayers", "description": "Number of layers of the whole model.", "type": "string"}`,
			want: "DiagnosticCaptureResponse/flightRecorder/*/context/nLayers: type-changed",
		},
		{
			name: "skulk-side", ours: schema.ClusterFile, skulk: "ClusterDiagnostics.schema.json", inSkulk: true,
			old: `"title": "Ok",` + "\n          " + `"type": "boolean"`, new: `"title": "Ok", "type": "string"`,
			want: "ClusterDiagnostics/nodes/*/ok: type-changed",
		},
		{
			name: "skulk-side-new-field", ours: schema.TimelineFile, skulk: "ClusterTimeline.schema.json", inSkulk: true,
			old:  `"unreachableNodes": {`,
			new:  `"clusterName": {"type": "string"}, "unreachableNodes": {`,
			want: "ClusterTimeline/clusterName: field-removed",
		},
		{
			name: "description-ignored", ours: schema.ClusterFile, skulk: "ClusterDiagnostics.schema.json",
			old: `"description": "When the collection finished.",`, new: `"description": "Something else.",`,
		},
		{
			name: "format-ignored", ours: schema.ClusterFile, skulk: "ClusterDiagnostics.schema.json",
			old: `"type": "string",` + "\n      " + `"format": "date-time"`, new: `"type": "string"`,
		},
		{
			name: "number-default-form-ignored", ours: schema.NodeFile, skulk: "NodeDiagnostics.schema.json",
			old: `"GPU utilisation, 0 to 1.", "type": "number", "default": 0}`, new: `"GPU utilisation, 0 to 1.", "type": "number", "default": 0.0}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			readOurs, readSkulk := schema.ReadBuiltin, os.ReadFile
			skulkFile := filepath.Join(dir, c.skulk)
			if c.inSkulk {
				readSkulk = edited(t, os.ReadFile, cmpOr(c.file, skulkFile), c.old, c.new)
			} else {
				readOurs = edited(t, schema.ReadBuiltin, cmpOr(c.file, c.ours), c.old, c.new)
			}
			ours, skulk := loadPair(t, c.ours, readOurs, skulkFile, readSkulk)
			got := differences(skulk, ours)
			if c.want == "" {
				if len(got) > 0 {
					t.Errorf("want no differences, got:\n\t%s", strings.Join(got, "\n\t"))
				}
				return
			}
			if !slices.ContainsFunc(got, func(d string) bool { return strings.HasPrefix(d, c.want+": ") }) {
				t.Errorf("want a difference %q, got:\n\t%s", c.want, strings.Join(got, "\n\t"))
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// kindOf names the generated Validator method that checks a document of
// clusters/, by where the document is.
func kindOf(path string) string {
	switch base, dir := filepath.Base(path), filepath.Base(filepath.Dir(path)); {
	case base == "cluster_timeline.json":
		return "ClusterTimeline"
	case base == "cluster_diagnostics.json":
		return "ClusterDiagnostics"
	case dir == "nodes" || dir == "nodes-unreachable":
		return "NodeDiagnostics"
	case strings.HasSuffix(base, ".ndjson"):
		return "ClusterTimelineEntry"
	}
	return ""
}

func check(v *timeline.Validator, kind string, doc []byte) []timeline.Violation {
	switch kind {
	case "ClusterTimeline":
		return v.ClusterTimeline(doc)
	case "ClusterDiagnostics":
		return v.ClusterDiagnostics(doc)
	case "NodeDiagnostics":
		return v.NodeDiagnostics(doc)
	case "DiagnosticCaptureResponse":
		return v.DiagnosticCaptureResponse(doc)
	case "ClusterTimelineEntry":
		return v.ClusterTimelineEntry(doc, nil)
	}
	panic("unknown kind " + kind)
}

// TestSkulkDocumentsValidate checks every document Skulk serves in
// clusters/ with the generated Validator of its kind: no violations, every
// value the Validator reports as a date-time is RFC 3339 with an offset, and
// every value that looks like a timestamp is one it reports, so that no
// timestamp property lacks "format": "date-time".
func TestSkulkDocumentsValidate(t *testing.T) {
	root := filepath.Join(skulkDir(t), "clusters")
	var docs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && kindOf(path) != "" {
			docs = append(docs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var v timeline.Validator
	for _, path := range docs {
		kind := kindOf(path)
		name, _ := filepath.Rel(root, path)
		for i, doc := range documents(t, path) {
			where := name
			if kind == "ClusterTimelineEntry" {
				where = fmt.Sprintf("%s:%d", name, i+1)
			}
			checkDocument(t, &v, kind, where, doc)
			kinds[kind]++
		}
	}
	capture := captureOf(t, filepath.Join(root, "hung", "nodes", "node-B.json"))
	checkDocument(t, &v, "DiagnosticCaptureResponse", "a capture built from hung/nodes/node-B.json", capture)
	kinds["DiagnosticCaptureResponse"]++
	// Six scenarios with a cluster timeline and a cluster diagnostics each,
	// and at least one node document each.
	for _, k := range []string{"ClusterTimeline", "ClusterDiagnostics", "NodeDiagnostics", "ClusterTimelineEntry"} {
		if kinds[k] < 6 {
			t.Errorf("%d %s documents checked; want at least 6", kinds[k], k)
		}
	}
	t.Logf("documents checked: %v", kinds)
}

// documents reads the documents of a file: the file, or each line of NDJSON.
func documents(t *testing.T, path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".ndjson") {
		return [][]byte{data}
	}
	var docs [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		docs = append(docs, slices.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

var looksLikeTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d`)

func checkDocument(t *testing.T, v *timeline.Validator, kind, where string, doc []byte) {
	t.Helper()
	for _, p := range problems(v, kind, doc) {
		t.Errorf("%s (%s): %s", where, kind, p)
	}
}

// problems lists how a document of kind fails the checks of
// TestSkulkDocumentsValidate.
func problems(v *timeline.Validator, kind string, doc []byte) []string {
	var out []string
	for _, viol := range check(v, kind, doc) {
		out = append(out, viol.String())
	}
	reported := map[string]bool{}
	v.DateTimes(func(i int, value []byte) bool {
		pointer, _ := v.DateTimeAt(i)
		reported[pointer] = true
		if _, err := time.Parse(time.RFC3339Nano, string(value)); err != nil {
			out = append(out, fmt.Sprintf("%s: %q is not RFC 3339 with an offset", pointer, value))
		}
		return true
	})
	var all any
	if err := json.Unmarshal(doc, &all); err != nil {
		return append(out, err.Error())
	}
	for ptr, s := range stringsOf(all, "") {
		if looksLikeTimestamp.MatchString(s) && !reported[ptr] {
			out = append(out, fmt.Sprintf("%s: timestamp %q is not reported as a date-time: its property lacks the format", ptr, s))
		}
	}
	slices.Sort(out)
	return out
}

// TestDocumentChecksFail proves that the checks of TestSkulkDocumentsValidate
// see what they look for, on mutations of one of Skulk's node documents.
func TestDocumentChecksFail(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(skulkDir(t), "clusters", "hung", "nodes", "node-B.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, old, new, want string }{
		{"violation", `"processAlive":true`, `"processAlive":"yes"`, "/supervisorRunners/0/processAlive"},
		{"unknown-member", `"generatedAt":`, `"bogus":1,"generatedAt":`, "/bogus"},
		{"no-offset", `"statusSince":"2026-11-28T14:04:03.223291+00:00"`, `"statusSince":"2026-11-28T14:04:03.223291"`,
			`/supervisorRunners/0/statusSince: "2026-11-28T14:04:03.223291" is not RFC 3339 with an offset`},
		{"unformatted-timestamp", `"hostname":"studio-b.local"`, `"hostname":"2026-11-28T14:06:18+00:00"`,
			`/runtime/hostname: timestamp "2026-11-28T14:06:18+00:00" is not reported as a date-time`},
	}
	var v timeline.Validator
	if got := problems(&v, "NodeDiagnostics", data); len(got) > 0 {
		t.Fatalf("the unmutated document fails: %v", got)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if n := bytes.Count(data, []byte(c.old)); n < 1 {
				t.Fatalf("%s is not in the document", c.old)
			}
			doc := bytes.Replace(data, []byte(c.old), []byte(c.new), 1)
			got := problems(&v, "NodeDiagnostics", doc)
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Errorf("want a problem with %q, got %q", c.want, got)
			}
		})
	}
}

// stringsOf maps the JSON pointer of every string in v to the string.
func stringsOf(v any, ptr string) map[string]string {
	out := map[string]string{}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch v := v.(type) {
		case string:
			out[ptr] = v
		case []any:
			for i, x := range v {
				walk(x, ptr+"/"+strconv.Itoa(i))
			}
		case map[string]any:
			for k, x := range v {
				walk(x, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
			}
		}
	}
	walk(v, ptr)
	return out
}

// captureOf builds the capture response Skulk would serve for the first
// runner of a node document: no capture is among Skulk's recorded
// documents, so it is made of their parts.
func captureOf(t *testing.T, nodeFile string) []byte {
	t.Helper()
	node, err := os.ReadFile(nodeFile)
	if err != nil {
		t.Fatal(err)
	}
	var parts struct {
		GeneratedAt string `json:"generatedAt"`
		Runtime     struct {
			NodeID string `json:"nodeId"`
		} `json:"runtime"`
		SupervisorRunners []json.RawMessage `json:"supervisorRunners"`
	}
	if err := json.Unmarshal(node, &parts); err != nil || len(parts.SupervisorRunners) == 0 {
		t.Fatalf("%s: want a node document with runners (%v)", nodeFile, err)
	}
	var runner struct {
		FlightRecorder json.RawMessage `json:"flightRecorder"`
		LastMlxMemory  json.RawMessage `json:"lastMlxMemory"`
	}
	if err := json.Unmarshal(parts.SupervisorRunners[0], &runner); err != nil {
		t.Fatal(err)
	}
	capture, err := json.Marshal(struct {
		GeneratedAt     string            `json:"generatedAt"`
		NodeID          string            `json:"nodeId"`
		NodeDiagnostics json.RawMessage   `json:"nodeDiagnostics"`
		Runner          json.RawMessage   `json:"runner"`
		FlightRecorder  json.RawMessage   `json:"flightRecorder"`
		MlxMemory       json.RawMessage   `json:"mlxMemory"`
		ProcessSamples  []json.RawMessage `json:"processSamples"`
		Warnings        []string          `json:"warnings"`
	}{
		parts.GeneratedAt, parts.Runtime.NodeID, node, parts.SupervisorRunners[0], runner.FlightRecorder, runner.LastMlxMemory,
		[]json.RawMessage{[]byte(`{"name":"sample","command":["sample","75719","1"],"ok":false,"exitCode":null,"durationSeconds":0.0,"stdout":null,"stderr":null,"error":"FileNotFoundError: sample"}`)},
		[]string{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return capture
}

// TestDescriptionsInOurWords: the schemas written for Skulk's diagnostics
// describe in flightline's words what Skulk's models describe in theirs;
// the seed's file, the entry schema, keeps the seed's descriptions.
func TestDescriptionsInOurWords(t *testing.T) {
	descriptions := func(data []byte) map[string]bool {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for ptr, s := range stringsOf(v, "") {
			if strings.HasSuffix(ptr, "/description") {
				out[s] = true
			}
		}
		return out
	}
	dir := filepath.Join(skulkDir(t), "diagnostics")
	total := 0
	for _, e := range equivalents {
		if e.ours == schema.EntryFile {
			continue
		}
		ours, err := schema.ReadBuiltin(e.ours)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := os.ReadFile(filepath.Join(dir, e.skulk))
		if err != nil {
			t.Fatal(err)
		}
		skulk := descriptions(theirs)
		if len(skulk) == 0 {
			t.Fatalf("Skulk's %s has no descriptions to compare with", e.skulk)
		}
		for d := range descriptions(ours) {
			total++
			if skulk[d] {
				t.Errorf("%s describes something as Skulk's %s does: %q", e.ours, e.skulk, d)
			}
		}
	}
	if total < 200 {
		t.Fatalf("only %d descriptions in the diagnostics schemas", total)
	}
}
