package explain

import "slices"

// call makes the roll call of an unfinished unit.
func (x *analysis) call(u *unit, views []*rankView, instance, model string) *TaskCall {
	c := &TaskCall{TaskID: u.id, InstanceID: instance, ModelID: model, WorldSize: u.world, Lifecycle: u.lifecycle,
		Runner: u.runner, Groups: []RankGroup{}, Ranks: []RankState{}}
	for _, v := range views {
		rs := RankState{Rank: v.rank, NodeID: v.node, RunnerID: v.runner, Status: v.status, FromSnapshot: v.rs == nil}
		if v.status != Missing {
			lastAt := v.lastAt
			rs.Phase, rs.LastEvent, rs.LastAt = v.phase, v.event, &lastAt
			rs.Entered, rs.Last = v.entered.Format(timeLayout), v.last.Format(timeLayout)
			rs.SinceSeconds, rs.SilentSeconds = seconds(v.since), seconds(v.silent)
		}
		c.Ranks = append(c.Ranks, rs)
		i := slices.IndexFunc(c.Groups, func(g RankGroup) bool {
			return g.Status == v.status && g.Phase == rs.Phase && g.LastEvent == rs.LastEvent
		})
		if i < 0 {
			c.Groups = append(c.Groups, RankGroup{Status: v.status, Phase: rs.Phase, LastEvent: rs.LastEvent, SilentSeconds: rs.SilentSeconds})
			i = len(c.Groups) - 1
		}
		g := &c.Groups[i]
		g.Ranks = append(g.Ranks, v.rank)
		g.SinceSeconds = max(g.SinceSeconds, rs.SinceSeconds)
		g.SilentSeconds = min(g.SilentSeconds, rs.SilentSeconds)
	}
	c.Divergence = x.divergence(views)
	return c
}

// timeLayout writes the times explain works out (from the snapshot) as
// Skulk writes its own.
const timeLayout = "2006-01-02T15:04:05.000000-07:00"

// divergence finds the first point where the ranks' ways through a task
// part: the steps every rank took, and the ranks that went on from there.
// It is nil when every rank stands at the same step.
func (x *analysis) divergence(views []*rankView) *Divergence {
	var ways []*rankView
	for _, v := range views {
		if v.rs != nil && len(v.rs.runs) > 0 {
			ways = append(ways, v)
		}
	}
	if len(ways) < 2 {
		return nil
	}
	ref := ways[0]
	for _, v := range ways {
		if len(v.rs.runs) > len(ref.rs.runs) {
			ref = v
		}
	}
	// Each way is placed against ref's: it agrees with ref from ref's step
	// at to ref's step end, and starts there at its own step off.
	type placed struct {
		v            *rankView
		at, end, off int
		done         bool
	}
	var all []placed
	d := len(ref.rs.runs)
	for _, v := range ways {
		n, ov, oref := shared(v.rs.runs, ref.rs.runs)
		all = append(all, placed{v, oref, oref + n, ov, ov+n == len(v.rs.runs)})
		d = min(d, oref+n)
	}
	if d == 0 {
		return nil // no step in common: a recorder lost the start
	}
	div := &Divergence{Steps: d, AgreedUpTo: ref.rs.runs[d-1].phase, Ahead: []int64{}, Behind: []int64{}}
	var first step
	for _, p := range all {
		if p.done && p.end == d {
			div.Behind = append(div.Behind, p.v.rank)
			continue
		}
		next := p.v.rs.runs[p.off+max(d-p.at, 0)] // its step past the point where all agree
		div.Ahead, div.Each = append(div.Ahead, p.v.rank), append(div.Each, next.phase)
		if first.text == "" || next.first.at.Before(first.at) {
			first, div.Next = next.first, next.phase
		}
	}
	if len(div.Ahead) == 0 {
		return nil
	}
	div.At, div.AgoSeconds = first.text, seconds(x.now.Sub(first.at))
	return div
}
