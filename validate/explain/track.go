package explain

import (
	"strconv"
	"time"
)

// An Analyzer reads a merged timeline entry by entry, in the merge order,
// and then analyzes it with the snapshot taken with it.
type Analyzer struct {
	opts       Options
	entries    int
	start, end step
	units      map[unitKey]*unit
	order      []*unit
	runners    map[string]*runnerTrack
	outside    int // units of work outside any task so far
}

// A step is one entry, as far as explain is concerned.
type step struct {
	at                   time.Time
	text                 string
	phase, event, detail string
	loc                  Location
}

// A runnerTrack follows one runner.
type runnerTrack struct {
	cur *rankState // the work it is in; nil while it rests outside any task
}

// A unitKey names a unit: a task by its id, or a runner's work outside
// any task by the runner and its count.
type unitKey struct {
	outside bool
	id      string
}

// A unit is a piece of work ranks do together: a task, or one runner's
// work outside any task (a startup without task ids, as the generator
// writes it).
type unit struct {
	id        string // the task id, "" outside any task
	runner    string // outside any task, the runner, or "" for the runners of instance
	instance  string
	world     int64
	lifecycle bool // a lifecycle phase was seen in it
	first     step
	ranks     map[int64]*rankState
	left      int  // ranks whose runner went on to other work
	dropped   bool // the ranks' runs are dropped: every one went on
}

// A rankState is one rank's way through a unit.
type rankState struct {
	u            *unit
	rank         int64
	node, runner string
	runs         []run // its phases in order, a run of entries each
	last         step
	entries      int
	left         bool  // its runner went on to other work
	completed    bool  // it reached completion
	cancelled    bool  // it reached cancel_observed
	errored      *step // its first error entry before completion
	crash        *step // its runner_crashed entry before completion
	timeout      *step // a pipeline_eval_timeout not followed by progress yet
	recovered    []recovery
}

// runsAtFirst is room for the runs of a task's way through inference
// (about a dozen phases), so that a rank's runs are allocated once.
const runsAtFirst = 16

// A run is a phase and the entry that entered it.
type run struct {
	phase string
	first step
}

// A recovery is a pipeline_eval_timeout and the progress after it.
type recovery struct{ timeout, progress step }

// New returns an Analyzer.
func New(opts Options) *Analyzer {
	if opts.Silence <= 0 {
		opts.Silence = 30 * time.Second
	}
	if opts.StartupSilence <= 0 {
		opts.StartupSilence = 10 * time.Minute
	}
	return &Analyzer{opts: opts, units: map[unitKey]*unit{}, runners: map[string]*runnerTrack{}}
}

// Add reads the next entry of the timeline, found at loc.
//
// An entry with a task id is part of that task. One without belongs to
// the work its runner is in (Skulk leaves the task id out of some entries
// of a task), unless it is idle or created, which end that work; outside
// any work, an entry of a phase that is not resting starts the runner's
// work outside any task.
func (a *Analyzer) Add(e *Entry, loc Location) {
	st := step{at: e.At, text: e.AtText, phase: e.Phase, event: e.Event, detail: e.Detail, loc: loc}
	a.entries++
	if a.entries == 1 || st.at.Before(a.start.at) {
		a.start = st
	}
	if a.entries == 1 || !st.at.Before(a.end.at) {
		a.end = st
	}
	tr := a.runners[e.RunnerID]
	if tr == nil {
		tr = &runnerTrack{}
		a.runners[e.RunnerID] = tr
	}
	switch {
	case e.TaskID != "":
		a.enter(tr, a.unit(e.TaskID, "", e, st))
	case e.Phase == phaseIdle || e.Phase == phaseCreated:
		a.leave(tr)
		return
	case tr.cur != nil:
	case !resting(e.Phase):
		a.outside++
		a.enter(tr, a.unit("", e.RunnerID+"#"+strconv.Itoa(a.outside), e, st))
	default:
		return
	}
	tr.cur.record(st)
}

// unit returns the rank state of e's rank in the task id, or in the work
// outside any task outside, made on first sight.
func (a *Analyzer) unit(id, outside string, e *Entry, st step) *rankState {
	key := unitKey{id: id}
	if outside != "" {
		key = unitKey{true, outside}
	}
	u := a.units[key]
	if u == nil {
		u = &unit{id: id, world: e.WorldSize, first: st, ranks: map[int64]*rankState{}}
		if id == "" {
			u.runner = e.RunnerID
		}
		a.units[key] = u
		a.order = append(a.order, u)
	}
	if u.world == 0 {
		u.world = e.WorldSize
	}
	rs := u.ranks[e.Rank]
	if rs == nil {
		rs = &rankState{u: u, rank: e.Rank}
		u.ranks[e.Rank] = rs
	}
	rs.node, rs.runner = e.NodeID, e.RunnerID
	return rs
}

// enter puts the runner in the work of rs, out of the one it was in.
func (a *Analyzer) enter(tr *runnerTrack, rs *rankState) {
	if tr.cur == rs {
		return
	}
	a.leave(tr)
	tr.cur = rs
	if rs.left {
		rs.left = false
		rs.u.left--
	}
}

// leave takes the runner out of the work it is in. Once every rank of a
// unit has gone on, the ranks' runs are dropped: they only serve to
// compare ranks that are still in it.
func (a *Analyzer) leave(tr *runnerTrack) {
	rs := tr.cur
	if rs == nil {
		return
	}
	tr.cur = nil
	rs.left = true
	u := rs.u
	if u.left++; u.left == len(u.ranks) {
		u.dropped = true
		for _, r := range u.ranks {
			r.runs = nil
		}
	}
}

// kept returns a copy of st to keep: taking st's own address would make
// every call of record allocate it.
func kept(st step) *step { return &st }

// record adds the entry st to the rank's way.
func (rs *rankState) record(st step) {
	rs.entries++
	if n := len(rs.runs); (n == 0 || rs.runs[n-1].phase != st.phase) && !rs.u.dropped {
		if rs.runs == nil {
			rs.runs = make([]run, 0, runsAtFirst)
		}
		rs.runs = append(rs.runs, run{st.phase, st})
	}
	rs.last = st
	if lifecycle(st.phase) {
		rs.u.lifecycle = true
	}
	switch st.phase {
	case phaseCompletion:
		rs.completed = true
	case phaseCancelObserved:
		rs.cancelled = true
	case phaseError:
		if !rs.completed && rs.errored == nil {
			rs.errored = kept(st)
		}
	}
	if st.event == eventRunnerCrashed && !rs.completed && rs.crash == nil {
		rs.crash = kept(st)
	}
	switch {
	case st.event == eventEvalTimeout:
		rs.timeout = kept(st)
	case rs.timeout != nil && st.phase != phaseError && st.phase != phaseShutdownCleanup:
		rs.recovered = append(rs.recovered, recovery{*rs.timeout, st})
		rs.timeout = nil
	}
}
