package main

import (
	"container/heap"
	"fmt"
	"math/rand/v2"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// A generator simulates the cluster and hands out its entries in merge
// order.
//
// Each instance makes its entries in batches (its startup, one task, or a
// few idle heartbeats), each batch sorted and starting after the
// instance's previous one ended, so each instance's entries come out in
// order and a heap over the instances merges them. An instance makes its
// next batch only when the merge reaches the batch's start time, so task
// numbers follow submission order, and so the count of entries made so
// far tells how many are left of -n: the generator makes exactly n.
type generator struct {
	cluster  *cluster
	scenario *scenario
	start    int64
	n        int
	zulu     float64
	failures float64
	ring     int        // entries each runner keeps for the node format, 0 for none
	stamps   *rand.Rand // Z or +00:00 for the timestamps of no instance

	generated int   // entries made so far
	tasks     int   // tasks submitted so far; the next is task-<tasks+1>
	deadline  int64 // the timeline must not end before this instant (0: no matter)
	snapshot  int64 // a snapshot is not taken before this instant (0: no matter)
	end       int64 // the instant of the last entry written
}

// stamp formats t for an entry of in, with Z for a -zulu fraction of
// them.
func (g *generator) stamp(in *instance, t int64) string {
	return stamp(t, g.zulu > 0 && in.zulu.Float64() < g.zulu)
}

// generatedAt returns when a dump of the timeline so far is made: a
// quarter second after its last entry, or when the scenario says.
func (g *generator) generatedAt() (int64, string) {
	t := g.snapshotTime()
	return t, stamp(t, g.zulu > 0 && g.stamps.Float64() < g.zulu)
}

// snapshotTime is the instant of generatedAt.
func (g *generator) snapshotTime() int64 {
	return max(max(g.end, g.start)/millisecond*millisecond+250*millisecond, g.snapshot/millisecond*millisecond)
}

// run generates the n entries and calls emit with each, in merge order.
func (g *generator) run(emit func(*entry) error) error {
	h := instanceHeap(append([]*instance(nil), g.cluster.instances...))
	heap.Init(&h)
	for h.Len() > 0 {
		in := h[0]
		if in.pos < len(in.batch) {
			x := &in.batch[in.pos]
			in.pos++
			g.observe(x)
			if g.scenario.hides(x) {
				heap.Fix(&h, 0)
				continue
			}
			if err := emit(x); err != nil {
				return err
			}
			heap.Fix(&h, 0)
			continue
		}
		if g.plan(in) {
			heap.Fix(&h, 0)
		} else {
			in.done = true
			heap.Pop(&h)
		}
	}
	return g.scenario.check(g)
}

// plan makes the next batch of in, due now, or reports that in is done.
//
// A task that does not fit in the entries left is cut down to fit
// (fewer progress entries); when not even the smallest task fits, in
// leaves the rest to another instance that can still use it, and the
// last one fills it with idle heartbeats. When a scenario needs the
// timeline to go on until a deadline, the batch that uses up the last
// entries starts after it.
func (g *generator) plan(in *instance) bool {
	left := g.n - g.generated
	if left == 0 || in.stopped {
		return false
	}
	if !in.started {
		if g.scenario.holdsStartup(g, in, left) {
			in.next = max(in.next, g.end) + second
			return true
		}
		b := g.newBuilder(in, in.next)
		b.startup()
		batch := b.finish()
		if in == g.scenario.target && g.scenario.name == longWarmup {
			batch = g.scenario.stall(g, batch)
			in.stopped = true
		}
		if len(batch) > left {
			if g.othersCanUse(in, left) {
				return false
			}
			batch = batch[:left]
		}
		in.started = true
		g.commit(in, batch)
		return true
	}

	if g.scenario.idles(in) {
		return false
	}
	if g.scenario.holdsBack(in, left) {
		in.next = g.scenario.target.next + 1 + in.rng.Int64N(second)
		return true
	}
	sh := drawShape(in, g.failures)
	stall := g.scenario.prepare(g, in, sh, left)
	start := in.next
	if !stall {
		if sh.size() > left {
			if left < sh.minSize() {
				if g.othersCanUse(in, left) {
					return false
				}
				b := g.newBuilder(in, g.lastStart(in, start))
				b.heartbeats(left)
				g.commit(in, b.finish())
				return true
			}
			sh.shrinkTo(left)
		}
		if sh.size() == left {
			start = g.lastStart(in, start)
		}
	}

	g.tasks++
	in.tasks++
	b := g.newBuilder(in, start)
	b.taskID = ptr("task-" + itoa(g.tasks))
	b.cmdID = ptr("cmd-" + itoa(g.tasks))
	b.task(sh)
	batch := b.finish()
	if sh.skip >= 0 {
		batch = g.scenario.dropRank(batch, sh.skip)
	}
	if sh.timeout >= 0 {
		g.scenario.task = *batch[0].e.TaskID
	}
	if len(batch) != sh.size() {
		panic(fmt.Sprintf("internal error: task of %d entries, want %d", len(batch), sh.size()))
	}
	if stall {
		batch = g.scenario.stall(g, batch)
		in.stopped = true
	}
	g.commit(in, batch)
	return true
}

// lastStart returns when the batch that uses up the last entries starts:
// at start, or after the deadline a scenario set.
func (g *generator) lastStart(in *instance, start int64) int64 {
	if g.deadline > start {
		return g.deadline + in.rng.Int64N(3*second)
	}
	return start
}

// othersCanUse reports whether an instance other than in may still use
// left entries; if none can, in must.
func (g *generator) othersCanUse(in *instance, left int) bool {
	for _, o := range g.cluster.instances {
		if o != in && !o.done && !o.stopped && (!o.started || 20*o.worldSize <= left) {
			return true
		}
	}
	return false
}

// commit makes batch the one in merges next, and picks when in's next
// batch starts: after an idle gap, now and then on a whole second.
func (g *generator) commit(in *instance, batch []entry) {
	in.batch, in.pos = batch, 0
	g.generated += len(batch)
	in.generated += len(batch)
	in.next = batch[len(batch)-1].t + idleGap(in.rng)
	if in.rng.IntN(10) == 0 {
		in.next = (in.next/second + 1) * second
	}
}

// idleGap returns the time an instance waits for its next task: mostly a
// few seconds, sometimes tens of seconds, now and then minutes.
func idleGap(rng *rand.Rand) int64 {
	switch u := rng.Float64(); {
	case u < 0.70:
		return 30*millisecond + int64(rng.ExpFloat64()*6*float64(second))
	case u < 0.95:
		return between(rng, 10*second, 40*second)
	default:
		return between(rng, 60*second, 180*second)
	}
}

// An instanceHeap orders instances by what they have next: the next entry
// of their batch, or the start of their next batch, which comes before
// any entry at the same instant.
type instanceHeap []*instance

func (h instanceHeap) Len() int      { return len(h) }
func (h instanceHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *instanceHeap) Push(x any)   { *h = append(*h, x.(*instance)) }

func (h *instanceHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h instanceHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	ta, ea := a.head()
	tb, eb := b.head()
	switch {
	case ta != tb:
		return ta < tb
	case ea == nil || eb == nil:
		return ea == nil && (eb != nil || a.index < b.index)
	}
	return compareEntries(ea, eb) < 0
}

// head returns the instant of what in has next, and the entry if it is
// one.
func (in *instance) head() (int64, *entry) {
	if in.pos < len(in.batch) {
		x := &in.batch[in.pos]
		return x.t, x
	}
	return in.next, nil
}

// runnerState is what a runner's supervisor knows of it, kept up to date
// from the entries written, for the timeline and node formats.
type runnerState struct {
	seen        bool
	crashed     bool   // it recorded runner_crashed: its process is gone
	lastSpan    string // the span of its last entry, when of the newer phase
	last        timeline.ClusterTimelineEntry
	lastT       int64
	phaseSince  int64
	status      string // its supervisor's statusKind, such as RunnerReady
	statusSince int64
	memory      *timeline.MlxMemorySnapshot
	completed   int
	cancelled   []string
	taskSentAt  int64
	ring        []ringEntry // the last entries, oldest at ringHead
	ringHead    int
}

// A ringEntry is an entry of a runner's flight recorder.
type ringEntry struct {
	e    timeline.ClusterTimelineEntry
	span string
}

// observe updates the state of the runner of x.
func (g *generator) observe(x *entry) {
	s := &x.r.state
	if !s.seen || s.last.Phase != x.e.Phase {
		s.phaseSince = x.t
	}
	s.crashed = s.crashed || x.e.Event == eventRunnerCrashed
	if status := statusKind(x.e.Phase, s.crashed); status != s.status {
		s.status, s.statusSince = status, x.t
	}
	s.seen, s.last, s.lastT, s.lastSpan = true, x.e, x.t, x.span
	if x.e.MlxMemory != nil {
		s.memory = x.e.MlxMemory
	}
	switch x.e.Phase {
	case timeline.PhaseTaskSubmission:
		s.taskSentAt = x.t
	case timeline.PhaseCompletion:
		s.completed++
	case timeline.PhaseCancelObserved:
		s.cancelled = append(s.cancelled, *x.e.TaskID)
	}
	if g.ring > 0 {
		if len(s.ring) < g.ring {
			s.ring = append(s.ring, ringEntry{x.e, x.span})
		} else {
			s.ring[s.ringHead] = ringEntry{x.e, x.span}
			s.ringHead = (s.ringHead + 1) % g.ring
		}
	}
	g.end = x.t
}

// recent returns the entries the runner keeps, oldest first.
func (s *runnerState) recent() []ringEntry {
	return append(s.ring[s.ringHead:len(s.ring):len(s.ring)], s.ring[:s.ringHead]...)
}

// statusKind returns the supervisor's status of a runner in phase:
// RunnerFailed once it crashed, whatever it records after.
func statusKind(phase timeline.Phase, crashed bool) string {
	if crashed {
		return "RunnerFailed"
	}
	switch phase {
	case timeline.PhaseCreated:
		return "RunnerIdle"
	case timeline.PhaseConnectGroup:
		return "RunnerConnecting"
	case timeline.PhaseLoadModel:
		return "RunnerLoading"
	case timeline.PhaseWarmup:
		return "RunnerWarmingUp"
	case timeline.PhaseIdle:
		return "RunnerReady"
	case timeline.PhaseShutdownCleanup:
		return "RunnerShutdown"
	}
	return "RunnerRunning"
}
