package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goldenfile "github.com/flightline-dev/flightline/testdata/golden"
	shareddata "github.com/flightline-dev/flightline/testdata/shared"
	"github.com/flightline-dev/flightline/validate/merge"
)

var update = flag.Bool("update", false, "rewrite the golden files of the text output")

// sharedDir finds the shared data; see testdata/shared.
func sharedDir(t *testing.T) string {
	t.Helper()
	return shareddata.Dir(t)
}

// readCluster analyzes the files of the clusters folder that the names
// (files, or folders of .json and .ndjson files) say, named as given.
func readCluster(t *testing.T, dir string, opts Options, names ...string) (*Analysis, []string, error) {
	t.Helper()
	var inputs []merge.Input
	for _, n := range names {
		files := []string{n}
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && fi.IsDir() {
			entries, _ := os.ReadDir(filepath.Join(dir, n))
			files = nil
			for _, e := range entries {
				files = append(files, filepath.Join(n, e.Name()))
			}
		}
		for _, f := range files {
			path := filepath.Join(dir, f)
			inputs = append(inputs, merge.Input{Name: f, Open: func() (io.ReadCloser, error) { return os.Open(path) }})
		}
	}
	return Read(inputs, opts, 0)
}

// TestSkulkClusters runs explain on what Skulk's own code serves, in every
// folder of skulk/clusters, and checks the text against golden files
// (go test -update rewrites them).
func TestSkulkClusters(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "skulk", "clusters")
	var hung struct {
		GeneratedAt string `json:"generatedAt"`
		Runners     []struct {
			RunnerID   string `json:"runnerId"`
			NodeID     string `json:"nodeId"`
			DeviceRank int64  `json:"deviceRank"`
			WorldSize  int64  `json:"worldSize"`
			InstanceID string `json:"instanceId"`
		} `json:"runners"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "hung", "cluster_timeline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &hung); err != nil {
		t.Fatal(err)
	}
	// Instance 1 is the instance of two ranks; its rank 1 is stuck.
	i := slices.IndexFunc(hung.Runners, func(r struct {
		RunnerID   string `json:"runnerId"`
		NodeID     string `json:"nodeId"`
		DeviceRank int64  `json:"deviceRank"`
		WorldSize  int64  `json:"worldSize"`
		InstanceID string `json:"instanceId"`
	}) bool {
		return r.WorldSize == 2 && r.DeviceRank == 1
	})
	stuck := hung.Runners[i]
	now, _ := parseTime(hung.GeneratedAt)

	type unreachable struct{ node, err string }
	mainDown := unreachable{"12D3KooWDor9TiR8STE1JxteLy2ECSwfid73AEVH1rgNvKR556Ee", "ConnectError: All connection attempts failed"}
	noneDown := unreachable{"12D3KooW9E8mBUeabk1PJ5dv4FqBSVM5D6L3EuGnVzdmYPqcJf3w", "HTTPStatusError: Server error '500 Internal Server Error'"}
	cases := []struct {
		golden   string
		inputs   []string
		now      bool // --now is the hung snapshot's generatedAt
		stuck    bool // the verdict names hung's stuck rank, alone
		missing  *unreachable
		warnings int
	}{
		{"hung-cluster-timeline", []string{"hung/cluster_timeline.json"}, false, true, nil, 0},
		{"hung-nodes", []string{"hung/nodes"}, false, true, nil, 0},
		{"hung-ndjson", []string{"hung/timeline.ndjson"}, true, true, nil, 0},
		{"hung-by-node", []string{"hung/timeline-by-node"}, true, true, nil, 0},
		{"main-cluster-timeline", []string{"main/cluster_timeline.json"}, false, false, &mainDown, 0},
		{"main-nodes", []string{"main/nodes"}, false, false, nil, 0},
		{"master-none-cluster-timeline", []string{"master-none/cluster_timeline.json"}, false, false, &noneDown, 0},
		{"master-none-nodes", []string{"master-none/nodes"}, false, false, nil, 0},
		{"ipc-reorder-cluster-timeline", []string{"ipc-reorder/cluster_timeline.json"}, false, false, &mainDown, 0},
		{"empty-cluster-timeline", []string{"empty/cluster_timeline.json"}, false, false, nil, 0},
		{"empty-nodes", []string{"empty/nodes"}, false, false, nil, 0},
		{"empty-unreachable-cluster-timeline", []string{"empty-unreachable/cluster_timeline.json"}, false, false, nil, 0},
		{"empty-unreachable-nodes", []string{"empty-unreachable/nodes"}, false, false, nil, 0},
		{"edge", []string{"edge/entries.ndjson"}, false, false, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			opts := Options{}
			if c.now {
				opts.Now = now
			}
			res, warnings, err := readCluster(t, dir, opts, c.inputs...)
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := res.Describe(&text, false); err != nil {
				t.Fatal(err)
			}
			out := text.String()
			switch {
			case c.stuck:
				if len(res.Suspects) != 1 {
					t.Fatalf("%d suspects, want 1\n%s", len(res.Suspects), out)
				}
				s := res.Suspects[0]
				if s.Kind != BehindPeer || s.Rank != 1 || s.RunnerID != stuck.RunnerID || s.NodeID != stuck.NodeID {
					t.Errorf("suspect %+v, want rank 1 of the two-rank instance, runner %s", s, stuck.RunnerID)
				}
			case len(res.Suspects) > 0:
				t.Errorf("suspects %+v, want none", res.Suspects)
			}
			if m := c.missing; m != nil && !strings.Contains(out, "never reported") || m != nil && !strings.Contains(out, "likely on node "+m.node+", unreachable: "+m.err) {
				t.Errorf("the output does not name the unreachable node %s for the missing rank:\n%s", m.node, out)
			}
			if len(warnings) != c.warnings || res.Warnings != c.warnings {
				t.Errorf("warnings %q (counted %d), want %d", warnings, res.Warnings, c.warnings)
			}
			if c.golden == "edge" && (len(warnings) != 1 || !strings.HasSuffix(warnings[0], "deviceRank 18446744073709551616 is beyond 64 bits, which no rank is")) {
				t.Errorf("the edge entry's warning: %q", warnings)
			}
			if n := strings.Count(out, "\n"); n > screen {
				t.Errorf("%d lines, more than a screen", n)
			}
			golden(t, filepath.Join("testdata", "skulk", c.golden+".golden"), out)
		})
	}
	t.Run("empty-ndjson", func(t *testing.T) {
		_, _, err := readCluster(t, dir, Options{}, "empty/timeline.ndjson")
		var ue *UnreadableError
		if !errors.As(err, &ue) || ue.Path != "empty/timeline.ndjson" {
			t.Errorf("got %v, want an UnreadableError naming the empty file", err)
		}
	})
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	goldenfile.Check(t, path, got, *update, "go test ./validate/explain -update")
}
