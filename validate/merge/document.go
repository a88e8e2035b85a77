package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
)

// A Document is what a merged ClusterTimeline carries besides its
// timeline, gathered from the inputs.
type Document struct {
	// GeneratedAt, LocalNodeID and MasterNodeID come from the first input
	// that has them.
	GeneratedAt  string
	LocalNodeID  string
	MasterNodeID *string
	// LatestGeneratedAt is the latest generatedAt of the inputs, by the
	// instant it names: when the newest snapshot among them was taken.
	// LatestInput is the input that says it.
	LatestGeneratedAt string
	LatestInput       string
	// Runners are the runners the inputs describe, one per runner id,
	// sorted by modelId, deviceRank and runnerId as Skulk sorts them.
	Runners []timeline.ClusterTimelineRunner
	// States are the runners as each input describes them, with when and
	// where: a runner two inputs describe is there twice, in input order.
	States []RunnerState
	// Unreachable are the inputs' unreachable nodes, each once, but for
	// the nodes an input holds the diagnostics of: a node another node
	// could not reach may have been reached from elsewhere.
	Unreachable []timeline.ClusterTimelineUnreachable
	// nodes are the nodes whose diagnostics an input holds.
	nodes []string
	// unreachableSeen holds the Unreachable so far, by unreachableKey.
	unreachableSeen map[unreachableKey]bool
	// Problems are parts of the inputs that could not be carried over.
	Problems []string
}

// A RunnerState is a runner as one input's snapshot describes it: a
// ClusterTimeline's runner, or the synopsis of a node dump's supervisor
// runner.
type RunnerState struct {
	timeline.ClusterTimelineRunner
	// Input, Line and Pointer say where the input describes it:
	// /runners/1 in a ClusterTimeline, /supervisorRunners/0 in a node
	// dump (whose line is that of the supervisorRunners array).
	Input   string
	Line    int
	Pointer string
	// GeneratedAt is the generatedAt of the input: when the state was
	// taken ("" when the input does not say).
	GeneratedAt string
}

func (d *Document) add(s *source) {
	d.Problems = append(d.Problems, s.docProblems...)
	f := &s.facts
	d.later(f.generatedAt, s.name)
	if d.GeneratedAt == "" {
		d.GeneratedAt = f.generatedAt
	}
	if d.LocalNodeID == "" {
		d.LocalNodeID = f.localNodeID
	}
	if d.MasterNodeID == nil {
		d.MasterNodeID = f.masterNodeID
	}
	unreachable := f.unreachable
	for _, m := range s.members {
		switch m.Key {
		case "runners":
			d.addRunners(s.name, m, f.generatedAt)
		case "unreachableNodes":
			var us []timeline.ClusterTimelineUnreachable
			if err := json.Unmarshal(m.Raw, &us); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: unreachableNodes: %v", s.name, m.Line, err))
				continue
			}
			unreachable = append(unreachable, us...)
		}
	}
	for _, u := range unreachable {
		if k := keyOfUnreachable(u); !d.unreachableSeen[k] {
			if d.unreachableSeen == nil {
				d.unreachableSeen = map[unreachableKey]bool{}
			}
			d.unreachableSeen[k] = true
			d.Unreachable = append(d.Unreachable, u)
		}
	}
	d.nodes = append(d.nodes, f.nodes...)
	for _, r := range s.runners {
		r.GeneratedAt = f.generatedAt
		d.States = append(d.States, r)
	}
}

// later makes at the latest generatedAt if it is later than the one so far.
func (d *Document) later(at, input string) {
	t, err := jsonrt.ParseTimestamp(at)
	if err != nil {
		return
	}
	if d.LatestGeneratedAt != "" {
		if old, err := jsonrt.ParseTimestamp(d.LatestGeneratedAt); err == nil && old.Compare(t) >= 0 {
			return
		}
	}
	d.LatestGeneratedAt, d.LatestInput = at, input
}

// addRunners reads a ClusterTimeline's runners one by one, so that a
// runner that cannot be read costs only itself.
func (d *Document) addRunners(name string, m dump.Member, generatedAt string) {
	dec := json.NewDecoder(bytes.NewReader(m.Raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: runners: want an array of runners", name, m.Line))
		return
	}
	line, counted := m.Line, 0 // the line of m.Raw[counted]
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: runners: %v", name, m.Line, err))
			return
		}
		start := int(dec.InputOffset()) - len(raw)
		line += bytes.Count(m.Raw[counted:start], []byte{'\n'})
		counted = start
		pointer := "/runners/" + strconv.Itoa(i)
		var r timeline.ClusterTimelineRunner
		if err := r.UnmarshalJSON(raw); err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: %s: %v", name, line, pointer, err))
			continue
		}
		d.States = append(d.States, RunnerState{ClusterTimelineRunner: r, Input: name, Line: line, Pointer: pointer, GeneratedAt: generatedAt})
	}
}

// unreachableKey is what makes two unreachable nodes the same: node,
// error and URL.
type unreachableKey struct {
	node, error, url string
	hasURL           bool
}

func keyOfUnreachable(u timeline.ClusterTimelineUnreachable) unreachableKey {
	k := unreachableKey{node: u.NodeID, error: u.Error}
	if u.URL != nil {
		k.url, k.hasURL = *u.URL, true
	}
	return k
}

// finish sorts the runners as Skulk does and keeps one per runner id, the
// first an input gave, and leaves out of the unreachable nodes those an
// input holds.
func (d *Document) finish() {
	held := make(map[string]bool, len(d.nodes))
	for _, n := range d.nodes {
		held[n] = true
	}
	d.Unreachable = slices.DeleteFunc(d.Unreachable, func(u timeline.ClusterTimelineUnreachable) bool { return held[u.NodeID] })
	var rs []timeline.ClusterTimelineRunner
	seen := make(map[string]bool, len(d.States))
	for _, st := range d.States {
		if r := st.ClusterTimelineRunner; !seen[r.RunnerID] {
			seen[r.RunnerID] = true
			rs = append(rs, r)
		}
	}
	slices.SortStableFunc(rs, func(a, b timeline.ClusterTimelineRunner) int {
		if a.ModelID != b.ModelID {
			return cmpString(a.ModelID, b.ModelID)
		}
		if c := a.DeviceRank.Cmp(b.DeviceRank); c != 0 {
			return c
		}
		return cmpString(a.RunnerID, b.RunnerID)
	})
	d.Runners = rs
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
