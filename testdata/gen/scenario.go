package main

import (
	"fmt"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// The scenarios; see the package documentation.
const (
	healthy      = "healthy"
	stuckBarrier = "stuck-barrier"
	missingRank  = "missing-rank"
	silentRunner = "silent-runner"
)

// A scenario is a fault the generator plants in the timeline, and what it
// planted.
type scenario struct {
	name   string
	target *instance // the instance at fault, nil when healthy
	rank   int       // the rank at fault
	window int64     // how long the timeline goes on after a stall, at least
	floor  int       // entries the other instances leave to the target

	task   string   // the task that stalled
	last   []entry  // each rank's last entry, after a stall
	missed []string // the tasks the missing rank left out
}

// newScenario picks the instance and rank at fault in c, which depend only
// on the instance layout.
func newScenario(name string, c *cluster) (*scenario, error) {
	s := &scenario{name: name}
	var want string
	switch name {
	case healthy:
		return s, nil
	case stuckBarrier:
		want = "world size 2 or more"
		for _, in := range c.instances {
			if in.worldSize >= 2 {
				s.target, s.rank, s.window = in, 1, 60*second
				s.floor = 2 * maxRankEntries * in.worldSize
				break
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
		return nil, fmt.Errorf("unknown -scenario %q; want %s, %s, %s or %s",
			name, healthy, stuckBarrier, missingRank, silentRunner)
	}
	if s.target == nil {
		return nil, fmt.Errorf("-scenario %s needs an instance of %s", name, want)
	}
	if s.window > 0 && len(c.instances) < 2 {
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

// prepare adjusts the next task of in, of shape sh, for the scenario, and
// reports whether it is the task that stalls. A stall comes late: when
// the entries left are few enough (a quarter of -n, or fewer than the
// other instances made in the window and half a minute at the rate they
// have made them so far), or else when the next task would dig into the
// floor the others leave.
func (s *scenario) prepare(g *generator, in *instance, sh *taskShape, left int) bool {
	if in != s.target {
		return false
	}
	switch s.name {
	case missingRank:
		if in.tasks < 2 {
			sh.skip = s.rank
		}
	case stuckBarrier, silentRunner:
		threshold := g.n / 4
		if elapsed := in.next - g.start; elapsed > 0 {
			others := int64(g.generated - in.generated)
			threshold = max(threshold, int(others*(s.window+30*second)/elapsed))
		}
		if left > threshold && left-maxRankEntries*in.worldSize >= s.floor {
			return false
		}
		sh.outcome = completed
		if s.name == stuckBarrier {
			sh.prefill[s.rank] = max(sh.prefill[s.rank], 2)
		} else {
			sh.decode[s.rank] = max(sh.decode[s.rank], 3)
		}
		return sh.size() < left
	}
	return false
}

// stall cuts the task of batch short as the scenario says, and sets the
// deadline the timeline must run past.
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
	s.task = *kept[0].e.TaskID
	g.deadline = kept[len(kept)-1].t + s.window + second
	return kept
}

// stopsAt reports whether x is the last entry its rank records.
func (s *scenario) stopsAt(x *entry) bool {
	switch {
	case s.name == silentRunner:
		return x.e.Phase == timeline.PhaseDecodeStream && x.e.Event != "enter"
	case x.r.rank == s.rank:
		return x.e.Phase == timeline.PhasePrefillStream
	default:
		return x.e.Phase == timeline.PhaseDecodeBarrier && x.e.Event == "barrier_wait"
	}
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
	case s.window > 0 && s.task == "":
		return fmt.Errorf("-scenario %s: %d entries ended before %s could stall; use a larger -n", s.name, g.n, s.target.id)
	case s.window > 0 && g.end < g.deadline:
		return fmt.Errorf("-scenario %s: the timeline of %d entries ends too soon after the stall; use a larger -n", s.name, g.n)
	case s.name == missingRank && len(s.missed) == 0:
		return fmt.Errorf("-scenario %s: %d entries ended before %s had a task; use a larger -n", s.name, g.n, s.target.id)
	}
	return nil
}

// describe tells what the scenario planted, for -v.
func (s *scenario) describe(g *generator) string {
	if s.target == nil {
		return s.name + ": every task ends (completion, cancel_observed or error, then idle) on every rank"
	}
	in := s.target
	rn := in.runners[s.rank]
	seconds := func(t int64) string { return fmt.Sprintf("%.1f s", float64(g.end-t)/float64(second)) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (%s, world size %d): ", s.name, in.id, in.model.id, in.worldSize)
	switch s.name {
	case missingRank:
		fmt.Fprintf(&b, "rank %d %s on %s records nothing for %s", s.rank, rn.id, rn.node.id, strings.Join(s.missed, ", "))
	default:
		fmt.Fprintf(&b, "%s (%s) stalls", s.task, strings.Replace(s.task, "task", "cmd", 1))
		for _, x := range s.last {
			fmt.Fprintf(&b, "; rank %d %s on %s last records %s/%s at %s (%s before the end)",
				x.r.rank, x.r.id, x.r.node.id, x.e.Phase, x.e.Event, x.e.At, seconds(x.t))
		}
	}
	fmt.Fprintf(&b, "; the timeline ends at %s", stamp(g.end, false))
	return b.String()
}
