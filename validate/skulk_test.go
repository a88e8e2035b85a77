package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
	"github.com/flightline-dev/flightline/validate/rule"
)

// TestSkulkDocuments validates what Skulk's own code serves: no errors, and
// only the warnings the scenario explains (ranks of an unreachable node,
// an idle cluster, a recorder appended out of order).
func TestSkulkDocuments(t *testing.T) {
	dir := filepath.Join(skulkdata.Dir(t), "clusters")
	var files []string
	for _, pattern := range []string{"*/cluster_timeline.json", "*/cluster_diagnostics.json", "*/timeline.ndjson", "*/timeline-by-node/*.ndjson",
		"*/nodes/*.json", "*/nodes-unreachable/*.json", "edge/entries.ndjson"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		files = append(files, m...)
	}
	if len(files) < 40 {
		t.Fatalf("only %d documents in %s", len(files), dir)
	}
	// The edge values give one runner two ranks, which a runner never has:
	// worth a warning, and no error, since each entry is valid.
	allowed := map[rule.ID]bool{rule.TaskMissingRank: true, rule.Empty: true, rule.RecorderOrder: true, rule.RunnerChanged: true}
	for _, file := range files {
		rel, _ := filepath.Rel(dir, file)
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		Dump(rel, f, Options{}, func(fi Finding) {
			ok := allowed[fi.Rule] && (fi.Rule != rule.RecorderOrder || strings.HasPrefix(rel, "ipc-reorder/"))
			if !ok {
				t.Errorf("%s:%d: %s %s: %s %s", rel, fi.Line, fi.Severity, fi.Rule, fi.Pointer, fi.Message)
			}
		})
		f.Close()
	}
}

// TestSkulkDocumentMutations breaks documents Skulk served in the ways its
// own models reject: each is an error at the pointer of what was broken.
func TestSkulkDocumentMutations(t *testing.T) {
	dir := filepath.Join(skulkdata.Dir(t), "clusters", "hung")
	read := func(name string) map[string]any {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	node := func() map[string]any { return read("nodes/node-B.json") }
	cluster := func() map[string]any { return read("cluster_diagnostics.json") }
	capture := func() map[string]any {
		return map[string]any{"generatedAt": "2026-11-28T14:06:19+00:00", "nodeId": "n", "nodeDiagnostics": node(),
			"runner": nil, "flightRecorder": []any{}, "mlxMemory": nil, "processSamples": []any{}, "warnings": []any{}}
	}
	set := func(doc map[string]any, pointer string, v any) map[string]any {
		parts := strings.Split(pointer[1:], "/")
		var cur any = doc
		for _, p := range parts[:len(parts)-1] {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[p]
			case []any:
				i, _ := strconv.Atoi(p)
				cur = c[i]
			}
		}
		last := parts[len(parts)-1]
		m := cur.(map[string]any)
		if v == deleted {
			delete(m, last)
		} else {
			m[last] = v
		}
		return doc
	}
	cases := []struct {
		name    string
		doc     map[string]any
		pointer string
		value   any
	}{
		{"hostname a number", node(), "/runtime/hostname", 5},
		{"processAlive a string", node(), "/supervisorRunners/0/processAlive", "yes"},
		{"an unknown member", node(), "/spans", []any{}},
		{"no runtime", node(), "/runtime", deleted},
		{"a phase Skulk does not know", node(), "/supervisorRunners/0/phase", "prefill_schedule"},
		{"a timestamp without an offset", node(), "/supervisorRunners/0/statusSince", "2026-11-28T14:04:03"},
		{"a runner without its id", node(), "/supervisorRunners/0/runnerId", deleted},
		{"ok not a boolean", cluster(), "/nodes/0/ok", "true"},
		{"a cluster without localNodeId", cluster(), "/localNodeId", deleted},
		{"a node's diagnostics broken", cluster(), "/nodes/1/diagnostics/runtime/isMaster", "no"},
		{"a capture without nodeId", capture(), "/nodeId", deleted},
		{"a capture's node broken", capture(), "/nodeDiagnostics/resources", deleted},
	}
	for _, c := range cases {
		data, _ := json.Marshal(set(c.doc, c.pointer, c.value))
		var found []string
		stats := Dump(c.name, bytes.NewReader(data), Options{}, func(f Finding) {
			if f.Severity == rule.Error {
				found = append(found, f.Pointer)
			}
		})
		if stats.Errors == 0 || !slices.Contains(found, c.pointer) {
			t.Errorf("%s: errors at %q, want one at %s", c.name, found, c.pointer)
		}
	}
}

// deleted marks a mutation that removes a member.
var deleted = &struct{}{}
