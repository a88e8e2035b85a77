package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// The scenarios; see the package documentation.
const (
	healthy         = "healthy"
	stuckBarrier    = "stuck-barrier"
	missingRank     = "missing-rank"
	silentRunner    = "silent-runner"
	stuckAlone      = "stuck-alone"
	unreachableNode = "unreachable-node"
	crash           = "crash"
	longWarmup      = "long-warmup"
	recoveredHang   = "recovered-hang"
	newerPhase      = "newer-phase"
)

// scenarios lists them, for messages.
var scenarios = []string{healthy, stuckBarrier, missingRank, silentRunner, stuckAlone, unreachableNode, crash, longWarmup, recoveredHang, newerPhase}

// A scenario is a fault the generator plants in the timeline, and what it
// planted.
type scenario struct {
	name   string
	target *instance // the instance at fault, nil when healthy
	rank   int       // the rank at fault
	window int64     // how long the timeline goes on after a stall, at least
	floor  int       // entries the other instances leave to the target
	alone  bool      // nothing but the target runs tasks, and nothing logs after its stall
	dead   *node     // the node that goes down (unreachable-node): its entries are left out

	task   string   // the task that stalled (or "startup")
	last   []entry  // each rank's last entry, after a stall
	missed []string // the tasks the missing rank left out
}

// stalls reports a scenario that stops the target for good.
func (s *scenario) stalls() bool {
	switch s.name {
	case stuckBarrier, silentRunner, stuckAlone, unreachableNode, crash, longWarmup, newerPhase:
		return true
	}
	return false
}

// newScenario picks the instance and rank at fault in c, which depend only
// on the instance layout.
func newScenario(name string, c *cluster) (*scenario, error) {
	s := &scenario{name: name}
	var want string
	switch name {
	case healthy:
		return s, nil
	case stuckBarrier, crash, newerPhase, longWarmup, stuckAlone, recoveredHang:
		want = "world size 2 or more"
		for _, in := range c.instances {
			if in.worldSize >= 2 {
				s.target, s.rank, s.window = in, 1, 60*second
				s.floor = 2 * maxRankEntries * in.worldSize
				break
			}
		}
		switch name {
		case longWarmup:
			s.window = 4 * 60 * second
			s.floor = 9 * s.target.worldSize // its startup, up to warmup
		case stuckAlone:
			s.window, s.alone = 141*second, true
		case recoveredHang:
			s.window, s.rank = 0, s.target.worldSize-1
		}
	case unreachableNode:
		want = "world size 2 or more with a rank alone on its node"
		hosts := map[*node]int{}
		for _, rn := range c.runners {
			hosts[rn.node]++
		}
		for _, rn := range c.runners {
			if rn.inst.worldSize >= 2 && hosts[rn.node] == 1 && s.target == nil {
				s.target, s.rank, s.window, s.dead = rn.inst, rn.rank, 60*second, rn.node
				s.floor = 2 * maxRankEntries * rn.inst.worldSize
			}
		}
	case silentRunner:
		want = "world size 1"
		for _, in := range c.instances {
			if in.worldSize == 1 {
				s.target, s.rank, s.window = in, 0, 45*second
				s.floor = 2 * maxRankEntries * in.worldSize
				break
			}
		}
	case missingRank:
		want = "world size 2 or more"
		for _, in := range c.instances {
			if in.worldSize >= 2 {
				s.target, s.rank = in, in.worldSize-1
				s.floor = maxRankEntries * in.worldSize
			}
		}
	default:
		return nil, fmt.Errorf("unknown -scenario %q; want %s or %s",
			name, strings.Join(scenarios[:len(scenarios)-1], ", "), scenarios[len(scenarios)-1])
	}
	if s.target == nil {
		return nil, fmt.Errorf("-scenario %s needs an instance of %s", name, want)
	}
	if s.window > 0 && !s.alone && len(c.instances) < 2 {
		return nil, fmt.Errorf("-scenario %s needs a second instance to carry on", name)
	}
	return s, nil
}

// armed reports whether the scenario has yet to happen: the target has
// not stalled, or has not had a task its rank misses.
func (s *scenario) armed() bool {
	switch {
	case s.target == nil || s.target.done || s.target.stopped:
		return false
	case s.name == missingRank:
		return len(s.missed) == 0
	}
	return s.task == ""
}

// holdsBack reports whether in, about to submit a task, must wait for the
// target's next task, because the scenario has yet to happen and the
// entries left are close to the floor: the other instances leave floor
// entries to the target (for the stall and for carrying on after it), so
// that the scenario happens however few the entries.
func (s *scenario) holdsBack(in *instance, left int) bool {
	return s.armed() && in != s.target && left-maxRankEntries*in.worldSize < s.floor
}

// idles reports an instance that takes no task: in stuck-alone, every
// instance but the target.
func (s *scenario) idles(in *instance) bool {
	return s.alone && in != s.target
}

// late reports whether the target's stall is due: when the entries left
// are few enough (a quarter of -n, or fewer than the other instances made
// in the window and half a minute at the rate they have made them so
// far), or when its next task would dig into the floor the others leave.
func (s *scenario) late(g *generator, in *instance, left int) bool {
	threshold := g.n / 4
	if elapsed := in.next - g.start; elapsed > 0 {
		others := int64(g.generated - in.generated)
		threshold = max(threshold, int(others*(s.window+30*second)/elapsed))
	}
	return left <= threshold || left-maxRankEntries*in.worldSize < s.floor
}

// holdsStartup reports whether the target of long-warmup must wait to
// start up: its startup, which then stalls in warmup, comes last, as soon
// as the others would have to hold back to leave it room.
func (s *scenario) holdsStartup(g *generator, in *instance, left int) bool {
	widest := 0
	for _, o := range g.cluster.instances {
		widest = max(widest, o.worldSize)
	}
	return s.name == longWarmup && in == s.target && left-maxRankEntries*widest >= s.floor && g.othersCanUse(in, left)
}

// prepare adjusts the next task of in, of shape sh, for the scenario, and
// reports whether it is the task that stalls. A stall comes late (see
// late); in stuck-alone, when the task after this one would not leave
// room for it, and the stalled task then uses up every entry left.
func (s *scenario) prepare(g *generator, in *instance, sh *taskShape, left int) bool {
	if in != s.target {
		return false
	}
	sh.newer = s.name == newerPhase
	switch s.name {
	case missingRank:
		if in.tasks < 2 {
			sh.skip = s.rank
		}
		return false
	case recoveredHang:
		if s.task == "" && left <= g.n/2 {
			sh.outcome, sh.timeout = completed, s.rank
			if sh.size() >= left {
				sh.timeout = -1
			}
		}
		return false
	}
	if !s.stalls() || s.name == longWarmup {
		return false
	}
	if s.alone {
		sh.outcome, sh.vision = completed, false
		sh.prefill[s.rank] = max(sh.prefill[s.rank], 2)
		if left-sh.size() >= sh.stalledSize(s.rank, 1) {
			return false
		}
		fillTo(sh, s.rank, left)
		return true
	}
	if !s.late(g, in, left) {
		return false
	}
	sh.outcome = completed
	if s.name == silentRunner {
		sh.decode[s.rank] = max(sh.decode[s.rank], 3)
	} else {
		sh.prefill[s.rank] = max(sh.prefill[s.rank], 2)
	}
	return sh.size() < left
}

// stall cuts the task (or startup) of batch short as the scenario says,
// and sets the deadline the timeline must run past, or for stuck-alone
// and long-warmup the time the snapshot is taken.
func (s *scenario) stall(g *generator, batch []entry) []entry {
	ws := s.target.worldSize
	stopped := make([]bool, ws)
	s.last = make([]entry, ws)
	kept := batch[:0]
	for _, x := range batch {
		r := x.r.rank
		if stopped[r] {
			continue
		}
		kept = append(kept, x)
		s.last[r] = x
		stopped[r] = s.stopsAt(&x)
	}
	s.task = "startup"
	if id := kept[0].e.TaskID; id != nil {
		s.task = *id
	}
	if s.name == crash {
		kept = s.crash(g, kept)
	}
	end := slices.MaxFunc(kept, func(a, b entry) int { return cmp.Compare(a.t, b.t) }).t
	if s.alone || s.name == longWarmup {
		g.snapshot = end + s.window
	} else {
		g.deadline = end + s.window + second
	}
	return kept
}

// stopsAt reports whether x is the last entry its rank records.
func (s *scenario) stopsAt(x *entry) bool {
	switch {
	case s.name == silentRunner:
		return x.e.Phase == timeline.PhaseDecodeStream && x.e.Event != "enter"
	case s.name == longWarmup:
		return x.e.Phase == timeline.PhaseWarmup
	case x.r.rank == s.rank && s.name == newerPhase:
		return x.span != ""
	case x.r.rank == s.rank:
		return x.e.Phase == timeline.PhasePrefillStream
	default:
		return x.e.Phase == timeline.PhaseDecodeBarrier && x.e.Event == "barrier_wait"
	}
}

// hides reports an entry the output leaves out: one of the node that went
// down, which no one could collect.
func (s *scenario) hides(x *entry) bool {
	return s.dead != nil && x.r.node == s.dead
}

// dropRank removes the entries of rank from batch, a task of the target.
func (s *scenario) dropRank(batch []entry, rank int) []entry {
	kept := batch[:0]
	for _, x := range batch {
		if x.r.rank != rank {
			kept = append(kept, x)
		}
	}
	s.missed = append(s.missed, *kept[0].e.TaskID)
	return kept
}

// check reports a scenario the timeline was too short to hold.
func (s *scenario) check(g *generator) error {
	switch {
	case s.stalls() && s.task == "":
		return fmt.Errorf("-scenario %s: %d entries ended before %s could stall; use a larger -n", s.name, g.n, s.target.id)
	case s.stalls() && g.end < g.deadline:
		return fmt.Errorf("-scenario %s: the timeline of %d entries ends too soon after the stall; use a larger -n", s.name, g.n)
	case s.name == longWarmup && g.snapshotTime()-s.last[0].t >= 9*60*second:
		return fmt.Errorf("-scenario %s: the timeline of %d entries ends %d s after the warmup starts, not within 9 minutes",
			s.name, g.n, (g.end-s.last[0].t)/second)
	case s.name == missingRank && len(s.missed) == 0:
		return fmt.Errorf("-scenario %s: %d entries ended before %s had a task; use a larger -n", s.name, g.n, s.target.id)
	case s.name == recoveredHang && s.task == "":
		return fmt.Errorf("-scenario %s: %d entries ended before %s had a task to recover in; use a larger -n", s.name, g.n, s.target.id)
	}
	return nil
}
