package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// The newer-phase scenario writes entries as a newer Skulk would: with a
// phase the schema does not know and a field it lacks. They are built as
// entries of placeholderPhase, which the schema knows, and rewritten as
// they are written (see newerJSON).
const (
	newerPhaseName   = "prefill_schedule"
	placeholderPhase = timeline.PhasePrefillPipeline
)

// Events the scenarios record.
const (
	eventEvalTimeout   = "pipeline_eval_timeout"
	eventRunnerCrashed = "runner_crashed"
)

// crashExitCode is the exit code of a runner that crashes: killed by
// SIGSEGV, as Python's multiprocessing reports it.
const crashExitCode = -11

// newerJSON rewrites the JSON of an entry, or of a runner whose last
// entry it is, of the newer phase: the first phase member (the entry's or
// the runner's own, which come before any nested one) gets the newer
// phase, and an entry (span not "") gets a spanId.
func newerJSON(b []byte, span string) []byte {
	out := bytes.Replace(b, []byte(`"phase":"`+placeholderPhase+`"`), []byte(`"phase":"`+newerPhaseName+`"`), 1)
	if span == "" {
		return out
	}
	end := bytes.LastIndexByte(out, '}')
	return append(append(out[:end:end], `,"spanId":"`+span+`"`...), out[end:]...)
}

// crash adds to the stalled task kept what the crashing rank records
// after its last entry: the exception, runner_crashed and the cleanup of
// its process, as Skulk's supervisor records a runner that dies.
func (s *scenario) crash(g *generator, kept []entry) []entry {
	in, r := s.target, s.rank
	last := s.last[r]
	b := &builder{g: g, in: in, rng: in.rng, clock: make([]int64, in.worldSize), last: make([]int64, in.worldSize),
		taskID: last.e.TaskID, cmdID: last.e.CommandID}
	for i := range b.clock {
		b.clock[i], b.last[i] = last.t, last.t
	}
	b.step(r, 5*millisecond, 80*millisecond)
	detail := traceback(in.rng, "RuntimeError", "[METAL] Command buffer execution failed: Caused GPU Hang Error (00000003:kIOGPUCommandBufferCallbackErrorHang)")
	b.emit(r, timeline.PhaseError, "exception", &detail, attrs{"exception_type": sval("RuntimeError"), "fatal": bval(true)}, true)
	b.taskID, b.cmdID = nil, nil
	b.emit(r, timeline.PhaseError, eventRunnerCrashed, detailCrashed, attrs{"exit_code": ival(crashExitCode)}, false)
	b.step(r, 2*millisecond, 6*millisecond)
	b.emit(r, timeline.PhaseShutdownCleanup, "metal_cleanup_begin", nil, nil, false)
	b.step(r, 100*millisecond, 400*millisecond)
	b.emit(r, timeline.PhaseShutdownCleanup, "metal_cleanup_complete", nil, nil, false)
	s.last[r] = b.out[len(b.out)-1]
	kept = append(kept, b.out...)
	slices.SortFunc(kept, func(x, y entry) int { return compareEntries(&x, &y) })
	return kept
}

// unreachable returns the unreachable nodes of a ClusterTimeline: the
// node that went down, for unreachable-node.
func (s *scenario) unreachable() []timeline.ClusterTimelineUnreachable {
	out := []timeline.ClusterTimelineUnreachable{}
	if s.dead != nil {
		out = append(out, timeline.ClusterTimelineUnreachable{
			NodeID: s.dead.id,
			URL:    ptr(fmt.Sprintf("http://10.0.0.%d:52415", 11+s.dead.index)),
			Error:  "ConnectError: All connection attempts failed",
		})
	}
	return out
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
	case recoveredHang:
		fmt.Fprintf(&b, "in %s, rank %d %s on %s records %s in decode_stream, and the task goes on to completion", s.task, s.rank, rn.id, rn.node.id, eventEvalTimeout)
	default:
		fmt.Fprintf(&b, "%s (%s) stalls", s.task, strings.Replace(s.task, "task", "cmd", 1))
		if s.task == "startup" {
			b.Reset()
			fmt.Fprintf(&b, "%s: %s (%s, world size %d): its startup stalls in warmup", s.name, in.id, in.model.id, in.worldSize)
		}
		for _, x := range s.last {
			phase := string(x.e.Phase)
			if x.span != "" {
				phase = newerPhaseName
			}
			fmt.Fprintf(&b, "; rank %d %s on %s last records %s/%s at %s (%s before the end)",
				x.r.rank, x.r.id, x.r.node.id, phase, x.e.Event, x.e.At, seconds(x.t))
		}
	}
	switch s.name {
	case stuckAlone:
		b.WriteString("; nothing else runs")
	case unreachableNode:
		fmt.Fprintf(&b, "; node %s goes down: the dump leaves its entries out, and a ClusterTimeline lists it unreachable", s.dead.id)
	case crash:
		fmt.Fprintf(&b, "; rank %d crashes (%s, its process gone)", s.rank, eventRunnerCrashed)
	case newerPhase:
		fmt.Fprintf(&b, "; every task of %s goes through %s, a phase the schema does not know, whose entries carry a spanId the schema lacks", in.id, newerPhaseName)
	}
	fmt.Fprintf(&b, "; the timeline ends at %s; a snapshot (generatedAt) is taken at %s", stamp(g.end, false), stamp(g.snapshotTime(), false))
	return b.String()
}
