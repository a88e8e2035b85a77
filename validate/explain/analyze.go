package explain

import (
	"slices"
	"time"
)

// analysis is one run of Analyze.
type analysis struct {
	*Analyzer
	snap   *Snapshot
	now    time.Time
	states map[string]*RunnerState // each runner's latest state
	res    *Analysis
	keyed  map[suspectKey]*Suspect
	keys   []suspectKey

	lastFinished time.Time
}

type suspectKey struct {
	u    *unit
	rank int64
}

// A rankView is where one rank of a unit stands at the clock.
type rankView struct {
	rs           *rankState // nil for a rank the snapshot alone knows
	rank         int64
	node, runner string
	status       RankStatus
	phase, event string
	entered      time.Time
	enteredAt    Location
	last         time.Time
	lastAt       Location
	state        *RunnerState // the snapshot's state of its runner, when it is in this unit
	timed        bool         // the state agrees with the entries on the phase, and its times count
	gone         bool         // its process is gone
	since        time.Duration
	silent       time.Duration
	threshold    time.Duration
}

// stalled reports a working rank that has been silent too long.
func (v *rankView) stalled() bool {
	return v.status == Working && v.silent >= v.threshold
}

// waiting reports a working rank that waits: silent too long, or at a
// barrier too long.
func (v *rankView) waiting() bool {
	return v.stalled() || (v.status == Working && barrier(v.phase) && v.since >= v.threshold)
}

// Analyze returns what the timeline read so far shows, with snap, the
// snapshot taken with it (nil for none).
func (a *Analyzer) Analyze(snap *Snapshot) *Analysis {
	if snap == nil {
		snap = &Snapshot{}
	}
	x := &analysis{Analyzer: a, snap: snap, states: map[string]*RunnerState{}, keyed: map[suspectKey]*Suspect{}}
	for i := range snap.Runners {
		s := &snap.Runners[i]
		if old := x.states[s.RunnerID]; old == nil || !s.TakenAt.Before(old.TakenAt) {
			x.states[s.RunnerID] = s
		}
	}
	res := &Analysis{Entries: a.entries, Runners: len(a.runners), Suspects: []Suspect{}, Recovered: []Recovered{},
		Unreachable: append([]Unreachable{}, snap.Unreachable...), Notes: []string{}}
	res.RollCall.Unfinished = []*TaskCall{}
	if a.entries > 0 {
		res.Start, res.End, res.end = a.start.text, a.end.text, a.end.at
	}
	x.res = res
	res.Clock = x.clock()
	x.now = res.Clock.at
	missingNotes := map[string]*missingNote{}
	var missingOrder []*missingNote
	for _, u := range x.startups() {
		views, instance, model := x.views(u)
		x.recovered(u)
		if !slices.ContainsFunc(views, func(v *rankView) bool { return v.status == Working }) {
			x.finished(u, views, instance)
			for _, v := range views {
				if v.status == Missing && u.id != "" {
					k := instance + "\x00" + itoa(v.rank)
					n := missingNotes[k]
					if n == nil {
						n = &missingNote{rank: v.rank, world: u.world, instance: instance}
						n.node, n.runner = x.guessRunner(u, instance, v.rank)
						missingNotes[k] = n
						missingOrder = append(missingOrder, n)
					}
					n.tasks = append(n.tasks, u.id)
				}
			}
			continue
		}
		x.rules(u, views, instance)
		res.RollCall.Unfinished = append(res.RollCall.Unfinished, x.call(u, views, instance, model))
	}
	for _, k := range x.keys {
		res.Suspects = append(res.Suspects, *x.keyed[k])
	}
	for _, n := range missingOrder {
		res.Notes = append(res.Notes, x.missingText(n))
	}
	return res
}

// startups returns the units in order, the work outside any task of the
// runners of one instance (a startup without task ids) made one unit
// where the snapshot names the instance.
func (x *analysis) startups() []*unit {
	var out []*unit
	merged := map[string]*unit{}
	for _, u := range x.order {
		var s *RunnerState
		if u.id == "" {
			s = x.states[u.runner]
		}
		if s == nil || s.InstanceID == "" {
			out = append(out, u)
			continue
		}
		m := merged[s.InstanceID]
		if m == nil {
			m = &unit{world: u.world, first: u.first, ranks: map[int64]*rankState{}, instance: s.InstanceID}
			merged[s.InstanceID] = m
			out = append(out, m)
		}
		m.lifecycle = m.lifecycle || u.lifecycle
		for r, rs := range u.ranks {
			m.ranks[r] = rs // a later startup of the rank's runner replaces an earlier one
		}
	}
	return out
}

// clock picks the instant waits are measured to.
func (x *analysis) clock() Clock {
	var c Clock
	switch {
	case !x.snap.At.IsZero():
		c = Clock{Source: FromGeneratedAt, Value: x.snap.AtText, Input: x.snap.Input, at: x.snap.At}
	case !x.opts.Now.IsZero():
		c = Clock{Source: FromNow, Value: x.opts.Now.Format(time.RFC3339Nano), at: x.opts.Now}
	default:
		return Clock{Source: FromLastEntry, Value: x.end.text, at: x.end.at}
	}
	if x.entries > 0 && c.at.Before(x.end.at) {
		x.res.Notes = append(x.res.Notes, "the clock, "+string(c.Source)+" "+c.Value+", is before the last entry: waits are measured to the last entry")
		return Clock{Source: FromLastEntry, Value: x.end.text, Clamped: true, at: x.end.at}
	}
	return c
}

// views returns where each rank of u stands, missing ranks included, and
// u's instance and model as the snapshot names them.
func (x *analysis) views(u *unit) (views []*rankView, instance, model string) {
	for _, rs := range u.ranks {
		if s := x.states[rs.runner]; s != nil && instance == "" {
			instance, model = s.InstanceID, s.ModelID
		}
	}
	for _, rs := range u.ranks {
		views = append(views, x.view(rs))
	}
	for r := int64(0); r < u.world && r < 1024 && (u.id != "" || u.instance != ""); r++ {
		if u.ranks[r] != nil {
			continue
		}
		if v := x.snapshotView(u, instance, r); v != nil {
			views = append(views, v)
		} else {
			views = append(views, &rankView{rank: r, status: Missing})
		}
	}
	slices.SortFunc(views, func(a, b *rankView) int { return int(min(max(a.rank-b.rank, -1), 1)) })
	return views, instance, model
}

// view works out where the rank rs stands, with what the snapshot says of
// its runner when the runner is still in this unit.
func (x *analysis) view(rs *rankState) *rankView {
	v := &rankView{rs: rs, rank: rs.rank, node: rs.node, runner: rs.runner, phase: rs.last.phase, event: rs.last.event,
		entered: rs.last.at, enteredAt: rs.last.loc, last: rs.last.at, lastAt: rs.last.loc}
	if n := len(rs.runs); n > 0 {
		v.entered, v.enteredAt = rs.runs[n-1].first.at, rs.runs[n-1].first.loc
	}
	if tr := x.runners[rs.runner]; tr != nil && tr.cur == rs {
		if s := x.states[rs.runner]; s != nil && (s.ActiveTaskID == "" || rs.u.id == "" || s.ActiveTaskID == rs.u.id) {
			v.state, v.gone = s, !s.ProcessAlive
			if s.Phase == rs.last.phase {
				v.timed = true
				if !s.TakenAt.IsZero() {
					v.entered = earliest(v.entered, s.TakenAt.Add(-time.Duration(s.SecondsInPhase*float64(time.Second))))
				}
				if s.LastProgressAt.After(v.last) {
					v.last = s.LastProgressAt
				}
			}
		}
	}
	crashed := !rs.completed && (rs.crash != nil || rs.errored != nil || v.gone)
	switch {
	case crashed:
		v.status = CrashedStatus
	case rs.left:
		v.status = MovedOn
	case resting(rs.last.phase) || rs.last.phase == phaseError: // an error after completion
		v.status = Resting
	default:
		v.status = Working
	}
	x.timing(v, rs.u)
	return v
}

// snapshotView returns rank r of u as the snapshot alone knows it: a
// runner of u's instance and rank whose active task is u; nil if none.
func (x *analysis) snapshotView(u *unit, instance string, r int64) *rankView {
	if instance == "" || u.id == "" {
		return nil
	}
	for _, s := range x.states {
		if s.InstanceID != instance || s.Rank != r || s.ActiveTaskID != u.id {
			continue
		}
		v := &rankView{rank: r, node: s.NodeID, runner: s.RunnerID, phase: s.Phase, state: s, timed: true, gone: !s.ProcessAlive,
			enteredAt: s.Where, lastAt: s.Where}
		v.entered = s.TakenAt.Add(-time.Duration(s.SecondsInPhase * float64(time.Second)))
		v.last = s.LastProgressAt
		if v.last.IsZero() {
			v.last = v.entered
		}
		switch {
		case v.gone:
			v.status = CrashedStatus
		case resting(s.Phase):
			v.status = Resting
		default:
			v.status = Working
		}
		x.timing(v, u)
		return v
	}
	return nil
}

// timing measures the view's wait and silence to the clock.
func (x *analysis) timing(v *rankView, u *unit) {
	v.since, v.silent = x.now.Sub(v.entered), x.now.Sub(v.last)
	v.threshold = x.opts.Silence
	if u.lifecycle || lifecycle(v.phase) {
		v.threshold = x.opts.StartupSilence
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// guessRunner names the runner that holds rank of u's instance: the one
// the snapshot says, or else the one that reported that rank for another
// task with one of u's runners.
func (x *analysis) guessRunner(u *unit, instance string, rank int64) (node, runner string) {
	if instance != "" {
		var best *RunnerState
		for _, s := range x.states {
			if s.InstanceID == instance && s.Rank == rank && (best == nil || s.RunnerID < best.RunnerID) {
				best = s
			}
		}
		if best != nil {
			return best.NodeID, best.RunnerID
		}
	}
	for _, other := range x.order {
		if other == u || other.world != u.world || other.id == "" {
			continue
		}
		r := other.ranks[rank]
		if r == nil {
			continue
		}
		for _, mine := range u.ranks {
			if theirs := other.ranks[mine.rank]; theirs != nil && theirs.runner == mine.runner {
				return r.node, r.runner
			}
		}
	}
	return "", ""
}

// unreachableFor returns the unreachable nodes that may hold a rank on
// node (unknown when ""): that node if it is unreachable, or, when the
// node is unknown, every unreachable node.
func (x *analysis) unreachableFor(node string) []Unreachable {
	var out []Unreachable
	for _, n := range x.snap.Unreachable {
		if node == "" || n.NodeID == node {
			out = append(out, n)
		}
	}
	return out
}

// recovered lists the unit's recovered hangs.
func (x *analysis) recovered(u *unit) {
	for _, rs := range u.ranks {
		for _, r := range rs.recovered {
			x.res.Recovered = append(x.res.Recovered, Recovered{TaskID: u.id, Rank: rs.rank, NodeID: rs.node, RunnerID: rs.runner,
				At: r.timeout.text, Where: r.timeout.loc, AgoSeconds: seconds(x.now.Sub(r.timeout.at)),
				AfterSeconds: seconds(r.progress.at.Sub(r.timeout.at))})
		}
	}
}

// finished counts a unit no rank works on any more.
func (x *analysis) finished(u *unit, views []*rankView, instance string) {
	f := &x.res.RollCall.Finished
	var last step
	failed, cancelled, gone := false, false, []*rankView{}
	for _, v := range views {
		if v.rs == nil {
			continue
		}
		if v.rs.last.at.After(last.at) || last.text == "" {
			last = v.rs.last
		}
		failed = failed || v.status == CrashedStatus
		cancelled = cancelled || v.rs.cancelled
		if v.status == CrashedStatus && (v.rs.crash != nil || v.gone) {
			gone = append(gone, v)
		}
	}
	if len(gone) > 0 {
		x.res.Notes = append(x.res.Notes, x.crashText(u, instance, gone))
	}
	switch {
	case u.id == "":
		return
	case u.lifecycle:
		f.Lifecycle++
	case failed:
		f.Tasks++
		f.Failed++
	case cancelled:
		f.Tasks++
		f.Cancelled++
	default:
		f.Tasks++
		f.Completed++
	}
	if f.Last == "" || last.at.After(x.lastFinished) {
		x.lastFinished = last.at
		f.Last, f.AgoSeconds = last.text, seconds(x.now.Sub(last.at))
	}
}
