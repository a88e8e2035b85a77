package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/merge"
)

// maxMissing bounds the empty lanes of one instance: a worldSize written
// wrong must not make a million of them.
const maxMissing = 1024

// layout groups the collected lanes by instance and node, adds the empty
// lanes of ranks that never reported and of unreachable nodes, and places
// the suspects and their evidence.
func (r *Report) layout(c *collector, doc *merge.Document) {
	states := latestStates(doc)
	for _, s := range states {
		if c.lanes[s.RunnerID] == nil { // in the snapshot, with no entry
			rank, _ := s.DeviceRank.Int64()
			l := &Lane{Kind: RunnerLane, Runner: s.RunnerID, Node: s.NodeID, Rank: rank, WorldSize: worldOf(s)}
			c.lanes[s.RunnerID] = l
			c.order = append(c.order, l)
			c.parent[s.RunnerID] = s.RunnerID
		}
	}
	groups := map[string]*Group{}
	var order []*Group
	laneGroup := map[*Lane]*Group{}
	for _, l := range c.order {
		key := "~" + c.root(l.Runner)
		g := &Group{WorldSize: l.WorldSize}
		if s := states[l.Runner]; s != nil {
			key, g.Instance, g.Model = s.InstanceID, s.InstanceID, s.ModelID
			g.WorldSize = max(g.WorldSize, worldOf(s))
			l.State = stateText(s)
		}
		if old := groups[key]; old != nil {
			g = old
			g.WorldSize = max(g.WorldSize, l.WorldSize)
		} else {
			groups[key] = g
			order = append(order, g)
		}
		g.add(l)
		laneGroup[l] = g
		l.spans = spans(l.entries, r.Clock.UnixMicro())
	}
	taskGroup := func(task string) *Group {
		if runner, ok := c.tasks[task]; ok {
			return laneGroup[c.lanes[runner]]
		}
		return nil
	}
	instanceGroup := func(s *explain.Suspect) *Group {
		if g := groups[s.InstanceID]; s.InstanceID != "" && g != nil {
			return g
		}
		return taskGroup(s.TaskID)
	}

	// The ranks that never reported, where the suspects say which node
	// may hold them.
	placed := map[string]bool{}
	for _, g := range order {
		held := map[int64]bool{}
		for _, n := range g.Nodes {
			for _, l := range n.Lanes {
				held[l.Rank] = true
			}
		}
		for rank := int64(0); rank < min(g.WorldSize, maxMissing); rank++ {
			if held[rank] {
				continue
			}
			l := &Lane{Kind: MissingLane, Rank: rank, WorldSize: g.WorldSize, Note: "never reported"}
			for _, s := range r.Analysis.Suspects {
				if s.Rank != rank || instanceGroup(&s) != g {
					continue
				}
				l.Node = s.NodeID
				if len(s.Unreachable) == 1 {
					u := s.Unreachable[0]
					l.Node = u.NodeID
					l.Note = "never reported; node " + u.NodeID + " is unreachable: " + u.Error
					placed[u.NodeID] = true
				}
			}
			g.add(l)
		}
	}
	slices.SortStableFunc(order, func(a, b *Group) int { return groupCompare(a, b) })

	// The unreachable nodes that hold no lane.
	var down *Group
	for _, u := range r.Analysis.Unreachable {
		if placed[u.NodeID] {
			continue
		}
		if down == nil {
			down = &Group{Unreachable: true}
			order = append(order, down)
		}
		note := "unreachable: " + u.Error
		if u.URL != "" {
			note = "unreachable at " + u.URL + ": " + u.Error
		}
		down.Nodes = append(down.Nodes, &NodeGroup{Node: u.NodeID, Lanes: []*Lane{{Kind: UnreachableLane, Node: u.NodeID, Rank: -1, Note: note}}})
	}
	r.Groups = order
	for _, g := range r.Groups {
		g.sort()
		for _, n := range g.Nodes {
			for _, l := range n.Lanes {
				l.index = len(r.lanes)
				r.lanes = append(r.lanes, l)
			}
		}
	}
	r.placeSuspects(c, doc, instanceGroup)
}

// latestStates returns each runner's latest state in the snapshot, chosen
// as explain chooses it: by the instant generatedAt names (one that is not
// a timestamp is the zero time), the later state in the inputs on a tie.
// Compared as text, "…00.5Z" would come before "…00Z", and an offset other
// than Z would not compare at all.
func latestStates(doc *merge.Document) map[string]*merge.RunnerState {
	type taken struct {
		s  *merge.RunnerState
		at time.Time
	}
	latest := map[string]taken{}
	for i := range doc.States {
		s := &doc.States[i]
		_, rankOK := s.DeviceRank.Int64()
		_, worldOK := s.WorldSize.Int64()
		if !rankOK || !worldOK {
			continue // beyond 64 bits: explain warns of it and leaves it out
		}
		var at time.Time
		if t, err := jsonrt.ParseTimestamp(s.GeneratedAt); err == nil {
			at = t.Time()
		}
		if old, ok := latest[s.RunnerID]; !ok || !at.Before(old.at) {
			latest[s.RunnerID] = taken{s, at}
		}
	}
	states := make(map[string]*merge.RunnerState, len(latest))
	for id, t := range latest {
		states[id] = t.s
	}
	return states
}

// worldOf is a state's world size, which latestStates made sure fits.
func worldOf(s *merge.RunnerState) int64 {
	w, _ := s.WorldSize.Int64()
	return w
}

// stateText is what the snapshot says of a runner, in a few words.
func stateText(s *merge.RunnerState) string {
	t := fmt.Sprintf("snapshot: %s for %s", s.Phase, human.Duration(time.Duration(s.SecondsInPhase*float64(time.Second))))
	if !s.ProcessAlive {
		t += ", process not alive"
	}
	if s.StatusKind != "" {
		t += ", " + s.StatusKind
	}
	return t
}

// spans turns a lane's entries into runs of one phase; the last runs to
// the clock, or to the last entry when the clock is before it.
func spans(entries []record, clock int64) []span {
	var out []span
	for i, e := range entries {
		if n := len(out); n > 0 && out[n-1].phase == e.phase {
			continue
		} else if n > 0 {
			out[n-1].to = e.at
		}
		out = append(out, span{from: e.at, to: e.at, phase: e.phase, first: int32(i)})
	}
	if n := len(out); n > 0 {
		out[n-1].to = max(clock, entries[len(entries)-1].at)
	}
	return out
}

// add puts a lane in the group, under its node.
func (g *Group) add(l *Lane) {
	for _, n := range g.Nodes {
		if n.Node == l.Node {
			n.Lanes = append(n.Lanes, l)
			return
		}
	}
	g.Nodes = append(g.Nodes, &NodeGroup{Node: l.Node, Lanes: []*Lane{l}})
}

// sort orders a group's lanes by rank, and its nodes by their lowest rank,
// a node not known last.
func (g *Group) sort() {
	for _, n := range g.Nodes {
		slices.SortStableFunc(n.Lanes, func(a, b *Lane) int {
			return cmp.Or(cmp.Compare(a.Rank, b.Rank), natural(a.Runner, b.Runner))
		})
	}
	slices.SortStableFunc(g.Nodes, func(a, b *NodeGroup) int {
		if (a.Node == "") != (b.Node == "") {
			return map[bool]int{true: 1, false: -1}[a.Node == ""]
		}
		return cmp.Or(cmp.Compare(a.Lanes[0].Rank, b.Lanes[0].Rank), natural(a.Node, b.Node))
	})
}

// groupCompare puts the instances the inputs name first, by id, then the
// others by their first runner.
func groupCompare(a, b *Group) int {
	if (a.Instance == "") != (b.Instance == "") {
		return map[bool]int{true: 1, false: -1}[a.Instance == ""]
	}
	if a.Instance != "" {
		return natural(a.Instance, b.Instance)
	}
	return natural(a.firstRunner(), b.firstRunner())
}

func (g *Group) firstRunner() string {
	first := ""
	for _, n := range g.Nodes {
		for _, l := range n.Lanes {
			if l.Runner != "" && (first == "" || natural(l.Runner, first) < 0) {
				first = l.Runner
			}
		}
	}
	return first
}

// natural compares strings with their runs of digits as numbers, so that
// instance-2 comes before instance-10.
func natural(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// placeSuspects marks the suspects' lanes and places their evidence: on
// the entry it names, on the runner a snapshot state names, or else at
// the clock on the suspect's lane.
func (r *Report) placeSuspects(c *collector, doc *merge.Document, instanceGroup func(*explain.Suspect) *Group) {
	type where struct {
		lane  *Lane
		entry int
	}
	// loc is where an entry is: its input, line and pointer (-1 for none).
	type loc struct{ in, line, ptr int32 }
	wanted := map[loc]*where{}
	locOf := func(l explain.Location) (loc, bool) {
		in, ok := c.inputs[l.Path]
		if !ok {
			return loc{}, false
		}
		p := int32(-1)
		if l.Pointer != "" {
			i, ok := r.strs.index[l.Pointer]
			if !ok {
				return loc{}, false
			}
			p = i
		}
		return loc{in, int32(l.Line), p}, true
	}
	for _, s := range r.Analysis.Suspects {
		for _, ev := range s.Evidence {
			if k, ok := locOf(ev.Location); ok {
				wanted[k] = nil
			}
		}
	}
	if len(wanted) > 0 { // else no entry is evidence, and the lanes need no scan
		for _, l := range r.lanes {
			for i, e := range l.entries {
				k := loc{e.input, e.line, e.pointer}
				if w, ok := wanted[k]; ok && w == nil {
					wanted[k] = &where{l, i}
				}
			}
		}
	}
	stateLane := map[string]*Lane{}
	for _, s := range doc.States {
		stateLane[explain.Location{Path: s.Input, Line: s.Line, Pointer: s.Pointer}.String()] = c.lanes[s.RunnerID]
	}
	for i := range r.Analysis.Suspects {
		s := &r.Analysis.Suspects[i]
		lane := c.lanes[s.RunnerID]
		if lane == nil || s.RunnerID == "" {
			lane = nil
			if g := instanceGroup(s); g != nil {
				for _, n := range g.Nodes {
					for _, l := range n.Lanes {
						if l.Kind == MissingLane && l.Rank == s.Rank {
							lane = l
						}
					}
				}
			}
		}
		if lane != nil {
			lane.Suspect = true
		}
		for _, ev := range s.Evidence {
			m := Mark{Suspect: i, Lane: lane, Entry: -1, What: ev.What, Where: ev.Location}
			k, ok := locOf(ev.Location)
			if w := wanted[k]; ok && w != nil {
				m.Lane, m.Entry = w.lane, w.entry
			} else if l := stateLane[ev.Location.String()]; l != nil {
				m.Lane = l
			}
			r.Evidence = append(r.Evidence, m)
		}
	}
}
