package validate

import (
	"os"
	"path/filepath"
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
