package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
)

// runnerFields are the properties of a ClusterTimelineRunner, which a node
// dump's supervisor runner has among others.
var runnerFields = timeline.ClusterTimelineRunnerProperties()

// describeNode gathers, from a document with flight recorders (a node
// dump, a ClusterDiagnostics, a capture), a ClusterTimelineRunner for each
// of its supervisor runners, and the document's facts (describeDocument).
func (s *source) describeNode(r *dump.Reader) {
	s.describeDocument(r)
	if !r.Format().Recorders() {
		return
	}
	arrayLine := 0
	for _, m := range r.Members() {
		if m.Key == "supervisorRunners" || m.Key == "nodes" || m.Key == "nodeDiagnostics" {
			arrayLine = m.Line
		}
	}
	for i, raw := range r.Runners() {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			continue // reported when the dump was read
		}
		var synopsis bytes.Buffer
		synopsis.WriteByte('{')
		for _, name := range runnerFields {
			v, ok := fields[name]
			if !ok {
				continue
			}
			if synopsis.Len() > 1 {
				synopsis.WriteByte(',')
			}
			key, _ := json.Marshal(name)
			synopsis.Write(key)
			synopsis.WriteByte(':')
			synopsis.Write(v)
		}
		synopsis.WriteByte('}')
		var runner timeline.ClusterTimelineRunner
		if err := runner.UnmarshalJSON(synopsis.Bytes()); err != nil {
			s.docProblems = append(s.docProblems, fmt.Sprintf("%s: supervisor runner %d cannot be described as a ClusterTimelineRunner: %s",
				s.name, i, strings.TrimPrefix(err.Error(), "decode ClusterTimelineRunner: ")))
			continue
		}
		s.runners = append(s.runners, RunnerState{ClusterTimelineRunner: runner, Input: s.name, Line: arrayLine, Pointer: r.RunnerPointer(i)})
	}
}

// describeDocument gathers what a merged ClusterTimeline carries from the
// rest of the document, whatever its kind: when it was taken, the local and
// the master node (as written: Skulk can serve the string "None"), the
// nodes out of reach, and the nodes whose diagnostics it holds.
func (s *source) describeDocument(r *dump.Reader) {
	doc := r.Document()
	if doc == nil {
		return
	}
	var d struct {
		GeneratedAt     *string         `json:"generatedAt"`
		LocalNodeID     *string         `json:"localNodeId"`
		MasterNodeID    json.RawMessage `json:"masterNodeId"`
		NodeID          *string         `json:"nodeId"`
		Runtime         *runtimeFacts   `json:"runtime"`
		NodeDiagnostics *struct {
			Runtime *runtimeFacts `json:"runtime"`
		} `json:"nodeDiagnostics"`
		Nodes []clusterNode `json:"nodes"`
	}
	if json.Unmarshal(doc.Text, &d) != nil {
		return // the reader has said what is wrong with it
	}
	f := &s.facts
	if d.GeneratedAt != nil {
		f.generatedAt = *d.GeneratedAt
	}
	f.master(d.MasterNodeID)
	switch {
	case d.LocalNodeID != nil:
		f.localNodeID = *d.LocalNodeID
	case d.NodeID != nil:
		f.localNodeID = *d.NodeID
	}
	runtimes := []*runtimeFacts{d.Runtime}
	if d.NodeDiagnostics != nil {
		runtimes = append(runtimes, d.NodeDiagnostics.Runtime)
	}
	for _, rt := range runtimes {
		if rt == nil {
			continue
		}
		f.nodes = append(f.nodes, rt.NodeID)
		f.master(rt.MasterNodeID)
		if f.localNodeID == "" {
			f.localNodeID = rt.NodeID
		}
	}
	for _, n := range d.Nodes {
		switch {
		case n.OK && n.Diagnostics != nil:
			f.nodes = append(f.nodes, n.NodeID)
			if n.Diagnostics.Runtime != nil {
				f.master(n.Diagnostics.Runtime.MasterNodeID)
			}
		case !n.OK:
			text := "the diagnostics were not collected"
			if n.Error != nil {
				text = *n.Error
			}
			f.unreachable = append(f.unreachable, timeline.ClusterTimelineUnreachable{NodeID: n.NodeID, URL: n.URL, Error: text})
		}
	}
}

// docFacts are what one input says of the cluster besides its entries.
type docFacts struct {
	generatedAt, localNodeID string
	masterNodeID             *string
	// unreachable are the nodes out of reach a ClusterDiagnostics names;
	// nodes are those whose diagnostics the input holds.
	unreachable []timeline.ClusterTimelineUnreachable
	nodes       []string
}

// master takes the master node from raw, the first time it is given.
func (f *docFacts) master(raw json.RawMessage) {
	var m *string
	if f.masterNodeID == nil && len(raw) > 0 && json.Unmarshal(raw, &m) == nil && m != nil {
		f.masterNodeID = m
	}
}

// runtimeFacts are a node diagnostics' runtime, as far as a merged
// timeline needs it.
type runtimeFacts struct {
	NodeID       string          `json:"nodeId"`
	MasterNodeID json.RawMessage `json:"masterNodeId"`
}

// A clusterNode is one node of a ClusterDiagnostics, as far as a merged
// timeline needs it.
type clusterNode struct {
	NodeID      string  `json:"nodeId"`
	URL         *string `json:"url"`
	OK          bool    `json:"ok"`
	Error       *string `json:"error"`
	Diagnostics *struct {
		Runtime *runtimeFacts `json:"runtime"`
	} `json:"diagnostics"`
}
