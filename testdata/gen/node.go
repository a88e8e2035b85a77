package main

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// A nodeWriter writes one node diagnostics file per node into dir, from
// the runners' last entries (see generator.observe).
type nodeWriter struct {
	dir    string
	pretty bool
}

func (nw *nodeWriter) write(*entry) error { return nil }

func (nw *nodeWriter) close(g *generator) error {
	now, at := g.generatedAt()
	var err error
	for _, nd := range g.cluster.nodes {
		if nd != g.scenario.dead { // a node that went down serves nothing
			err = errors.Join(err, nw.writeNode(g, nd, now, at))
		}
	}
	return err
}

func (nw *nodeWriter) writeNode(g *generator, nd *node, now int64, at string) error {
	doc, err := nodeJSON(g, nd, now, at)
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(nw.dir, nd.id+".json"))
	if err != nil {
		return err
	}
	return closeAll(writeDocument(f, doc, nw.pretty), f)
}

// nodeJSON returns the NodeDiagnostics of nd as of now, compact: every
// member Skulk writes, built as the schema's types and written with their
// AppendJSON, the supervisor runners and their flight recorders spliced
// in so that the newer-phase scenario can write what the types cannot.
func nodeJSON(g *generator, nd *node, now int64, at string) ([]byte, error) {
	h := newHost(g, nd, now)
	d := timeline.NodeDiagnostics{
		GeneratedAt:       timeline.DateTime(at),
		Runtime:           h.runtime(),
		Identity:          h.identity(),
		Resources:         h.resources(),
		Processes:         h.processes(),
		SupervisorRunners: []timeline.RunnerSupervisorDiagnostics{},
		Placements:        h.placements(),
		Warnings:          h.warnings(),
	}
	doc, err := d.AppendJSON(nil)
	if err != nil {
		return nil, err
	}
	var runners []byte
	for i, rn := range h.runners {
		if i > 0 {
			runners = append(runners, ',')
		}
		if runners, err = appendSupervisorRunner(runners, rn, now); err != nil {
			return nil, err
		}
	}
	return splice(doc, "supervisorRunners", runners), nil
}

// appendSupervisorRunner appends the JSON of rn's supervisor state as of
// now, with its last entries as its flight recorder, oldest first.
func appendSupervisorRunner(b []byte, rn *runner, now int64) ([]byte, error) {
	sr := supervisorState(rn, now)
	raw, err := sr.AppendJSON(nil)
	if err != nil {
		return b, err
	}
	if rn.state.lastSpan != "" {
		raw = newerJSON(raw, "") // its own phase, the first in its JSON
	}
	ctx := timeline.RunnerDiagnosticContext{
		NodeID:     rn.node.id,
		RunnerID:   rn.id,
		Pid:        ptr(timeline.IntOf(rn.pid)),
		InstanceID: rn.inst.id,
		ModelID:    rn.inst.model.id,
		Rank:       timeline.IntOf(int64(rn.rank)),
		WorldSize:  timeline.IntOf(int64(rn.inst.worldSize)),
		StartLayer: timeline.IntOf(int64(rn.startLayer)),
		EndLayer:   timeline.IntOf(int64(rn.endLayer)),
		NLayers:    timeline.IntOf(int64(rn.inst.model.layers)),
	}
	var recorder []byte
	for i, re := range rn.state.recent() {
		if i > 0 {
			recorder = append(recorder, ',')
		}
		e := re.e
		fr := timeline.RunnerFlightRecorderEntry{
			At:        e.At,
			Phase:     e.Phase,
			Event:     e.Event,
			Detail:    e.Detail,
			Attrs:     e.Attrs,
			Context:   ctx,
			TaskID:    e.TaskID,
			CommandID: e.CommandID,
			MlxMemory: e.MlxMemory,
		}
		start := len(recorder)
		if recorder, err = fr.AppendJSON(recorder); err != nil {
			return b, err
		}
		if re.span != "" {
			recorder = append(recorder[:start], newerJSON(recorder[start:], re.span)...)
		}
	}
	return append(b, splice(raw, "flightRecorder", recorder)...), nil
}

// supervisorState returns rn's supervisor state as of now, with an empty
// flight recorder.
func supervisorState(rn *runner, now int64) timeline.RunnerSupervisorDiagnostics {
	s := &rn.state
	in := rn.inst
	sr := timeline.RunnerSupervisorDiagnostics{
		RunnerID:            rn.id,
		InstanceID:          in.id,
		NodeID:              rn.node.id,
		ModelID:             in.model.id,
		DeviceRank:          timeline.IntOf(int64(rn.rank)),
		WorldSize:           timeline.IntOf(int64(in.worldSize)),
		StartLayer:          timeline.IntOf(int64(rn.startLayer)),
		EndLayer:            timeline.IntOf(int64(rn.endLayer)),
		NLayers:             timeline.IntOf(int64(in.model.layers)),
		Pid:                 ptr(timeline.IntOf(rn.pid)),
		ProcessAlive:        !s.crashed,
		StatusKind:          s.status,
		StatusSince:         timeline.DateTime(stamp(s.statusSince, false)),
		SecondsInStatus:     seconds(now - s.statusSince),
		Phase:               s.last.Phase,
		PhaseStartedAt:      timeline.DateTime(stamp(s.phaseSince, false)),
		SecondsInPhase:      seconds(now - s.phaseSince),
		LastProgressAt:      &s.last.At,
		ActiveTaskID:        s.last.TaskID,
		ActiveCommandID:     s.last.CommandID,
		PhaseDetail:         s.last.Detail,
		LastMlxMemory:       s.memory,
		FlightRecorder:      []timeline.RunnerFlightRecorderEntry{},
		PendingTaskIds:      []string{},
		InProgressTasks:     activeTasks(rn),
		CompletedTaskCount:  timeline.IntOf(int64(s.completed)),
		CancelledTaskIds:    append([]string{}, s.cancelled...),
		LastEventReceivedAt: &s.last.At,
		LastEventType:       ptr(eventType(s.last.Phase)),
		Milestones:          milestones(s),
	}
	if s.crashed {
		sr.ExitCode = ptr(timeline.IntOf(crashExitCode))
	}
	if s.taskSentAt > 0 {
		sr.LastTaskSentAt = ptr(timeline.DateTime(stamp(s.taskSentAt, false)))
	}
	return sr
}

// activeTasks returns the task rn works on, if any, as its supervisor and
// the cluster's state know it.
func activeTasks(rn *runner) []timeline.RunnerTaskDiagnostics {
	last := &rn.state.last
	if last.TaskID == nil {
		return []timeline.RunnerTaskDiagnostics{}
	}
	return []timeline.RunnerTaskDiagnostics{{
		TaskID:     *last.TaskID,
		TaskKind:   "TextGeneration",
		TaskStatus: "Running",
		InstanceID: rn.inst.id,
		CommandID:  last.CommandID,
		RunnerID:   &rn.id,
		ModelID:    &rn.inst.model.id,
	}}
}

// maxMilestones bounds the milestones a supervisor keeps of a runner.
const maxMilestones = 24

// milestones returns the latest steps of the runner's lifecycle its
// supervisor saw among the entries it keeps: each change of phase (named
// with the event that entered it) and of status.
func milestones(s *runnerState) []timeline.RunnerLifecycleMilestone {
	out := []timeline.RunnerLifecycleMilestone{}
	var phase, status string
	crashed := false
	for _, re := range s.recent() {
		e := &re.e
		p := string(e.Phase)
		if re.span != "" {
			p = newerPhaseName
		}
		if p != phase {
			out = append(out, timeline.RunnerLifecycleMilestone{At: e.At, Name: "phase:" + p, Detail: ptr(e.Event)})
		}
		crashed = crashed || e.Event == eventRunnerCrashed
		st := statusKind(e.Phase, crashed)
		if st != status && status != "" {
			out = append(out, timeline.RunnerLifecycleMilestone{At: e.At, Name: "status_changed", Detail: ptr(st)})
		}
		phase, status = p, st
	}
	return out[max(0, len(out)-maxMilestones):]
}

// eventType returns the kind of the last event a supervisor got from a
// runner in phase.
func eventType(phase timeline.Phase) string {
	switch phase {
	case timeline.PhaseDecodeStream:
		return "ChunkGenerated"
	case timeline.PhaseCompletion, timeline.PhaseCancelObserved, timeline.PhaseError:
		return "TaskStatusUpdated"
	}
	return "RunnerStatusUpdated"
}
