package merge

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// TestTimelineWriter: the merged entries, spliced into a ClusterTimeline
// object with the inputs' runners, decode as the generated type, each as
// written; a merge that starts over leaves no entry twice.
func TestTimelineWriter(t *testing.T) {
	spool, err := os.CreateTemp(t.TempDir(), "spool")
	if err != nil {
		t.Fatal(err)
	}
	defer spool.Close()
	tw := NewTimelineWriter(spool)
	doc := `{"generatedAt":"2026-04-24T22:03:59+00:00","localNodeId":"node-0","masterNodeId":null,"runners":[],"timeline":[` +
		testEntry("50", 0, "") + `],"unreachableNodes":[]}`
	// The second input is out of order: the merge starts over.
	unsorted := testEntry("52", 1, `,"detail":"caf\u00e9"`) + "\n" + testEntry("51", 1, "") + "\n"
	rep, err := Merge([]Input{memInput("a.json", doc), memInput("b.ndjson", unsorted)}, Options{}, tw.Reset, tw.Add)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Inputs[1].Sorted {
		t.Fatal("the merge did not start over")
	}
	var out bytes.Buffer
	if err := tw.WriteTo(&out, &rep.Doc, "2026-04-24T22:04:00+00:00"); err != nil {
		t.Fatal(err)
	}
	var got timeline.ClusterTimeline
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(got.Timeline) != 3 || got.GeneratedAt != "2026-04-24T22:04:00+00:00" || got.LocalNodeID != "node-0" ||
		!strings.HasSuffix(out.String(), "}\n") || !strings.Contains(out.String(), `"detail":"caf\u00e9"`) {
		t.Errorf("document:\n%s", out.String())
	}

	// An empty timeline is an empty array.
	empty := NewTimelineWriter(spool)
	if err := empty.Reset(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := empty.WriteTo(&out, &Document{}, "2026-04-24T22:04:00+00:00"); err != nil || !strings.Contains(out.String(), `"timeline":[]`) {
		t.Errorf("empty: %v\n%s", err, out.String())
	}
}
