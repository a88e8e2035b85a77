package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// nodeDiagnostics is the shape of Skulk's GET /v1/diagnostics/node. Only
// the flight recorder entries and memory snapshots are in the schema; the
// rest is written with encoding/json, the schema's types through their
// MarshalJSON.
type nodeDiagnostics struct {
	GeneratedAt       string             `json:"generatedAt"`
	Runtime           nodeRuntime        `json:"runtime"`
	Resources         struct{}           `json:"resources"`
	Processes         []struct{}         `json:"processes"`
	SupervisorRunners []supervisorRunner `json:"supervisorRunners"`
	Placements        []struct{}         `json:"placements"`
	Warnings          []string           `json:"warnings"`
}

type nodeRuntime struct {
	NodeID        string  `json:"nodeId"`
	Hostname      string  `json:"hostname"`
	Pid           int64   `json:"pid"`
	SkulkVersion  string  `json:"skulkVersion"`
	PythonVersion string  `json:"pythonVersion"`
	MlxVersion    string  `json:"mlxVersion"`
	Platform      string  `json:"platform"`
	StartedAt     string  `json:"startedAt"`
	UptimeSeconds pyFloat `json:"uptimeSeconds"`
}

// supervisorRunner is a runner supervisor's state and flight recorder.
type supervisorRunner struct {
	RunnerID            string                      `json:"runnerId"`
	InstanceID          string                      `json:"instanceId"`
	NodeID              string                      `json:"nodeId"`
	ModelID             string                      `json:"modelId"`
	DeviceRank          int                         `json:"deviceRank"`
	WorldSize           int                         `json:"worldSize"`
	StartLayer          int                         `json:"startLayer"`
	EndLayer            int                         `json:"endLayer"`
	NLayers             int                         `json:"nLayers"`
	Pid                 int64                       `json:"pid"`
	ProcessAlive        bool                        `json:"processAlive"`
	StatusKind          string                      `json:"statusKind"`
	StatusSince         string                      `json:"statusSince"`
	SecondsInStatus     pyFloat                     `json:"secondsInStatus"`
	Phase               string                      `json:"phase"`
	PhaseStartedAt      string                      `json:"phaseStartedAt"`
	SecondsInPhase      pyFloat                     `json:"secondsInPhase"`
	LastProgressAt      *timeline.DateTime          `json:"lastProgressAt"`
	ActiveTaskID        *string                     `json:"activeTaskId"`
	ActiveCommandID     *string                     `json:"activeCommandId"`
	PhaseDetail         *string                     `json:"phaseDetail"`
	LastMlxMemory       *timeline.MlxMemorySnapshot `json:"lastMlxMemory"`
	FlightRecorder      []json.RawMessage           `json:"flightRecorder"`
	PendingTaskIDs      []string                    `json:"pendingTaskIds"`
	InProgressTasks     []inProgressTask            `json:"inProgressTasks"`
	CompletedTaskCount  int                         `json:"completedTaskCount"`
	CancelledTaskIDs    []string                    `json:"cancelledTaskIds"`
	LastTaskSentAt      *string                     `json:"lastTaskSentAt"`
	LastEventReceivedAt *timeline.DateTime          `json:"lastEventReceivedAt"`
	LastEventType       *string                     `json:"lastEventType"`
	Milestones          []struct{}                  `json:"milestones"`
}

type inProgressTask struct {
	TaskID    string `json:"taskId"`
	CommandID string `json:"commandId"`
	Phase     string `json:"phase"`
	SentAt    string `json:"sentAt"`
}

// pyFloat is a float64 written as Python writes a float, always with a
// fraction.
type pyFloat float64

func (f pyFloat) MarshalJSON() ([]byte, error) {
	return []byte(timeline.NumberAttrsValue(float64(f)).Number), nil
}

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
	started := g.start - int64(10+nd.index*7)*60*second
	d := nodeDiagnostics{
		GeneratedAt: at,
		Runtime: nodeRuntime{
			NodeID:        nd.id,
			Hostname:      nd.id + ".local",
			Pid:           nd.pid,
			SkulkVersion:  "0.4.2",
			PythonVersion: "3.12.10",
			MlxVersion:    "0.29.1",
			Platform:      "macOS-15.6-arm64-arm-64bit",
			StartedAt:     stamp(started, false),
			UptimeSeconds: pyFloat(seconds(now - started)),
		},
		Processes:         []struct{}{},
		SupervisorRunners: []supervisorRunner{},
		Placements:        []struct{}{},
		Warnings:          []string{},
	}
	for _, rn := range g.cluster.runners {
		if rn.node == nd && rn.state.seen {
			sr, err := supervisorState(rn, now)
			if err != nil {
				return err
			}
			d.SupervisorRunners = append(d.SupervisorRunners, sr)
		}
	}
	f, err := os.Create(filepath.Join(nw.dir, nd.id+".json"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	if nw.pretty {
		enc.SetIndent("", "  ")
	}
	return closeAll(enc.Encode(&d), f)
}

// supervisorState returns rn's supervisor state as of now.
func supervisorState(rn *runner, now int64) (supervisorRunner, error) {
	s := &rn.state
	in := rn.inst
	phase := string(s.last.Phase)
	if s.lastSpan != "" {
		phase = newerPhaseName
	}
	sr := supervisorRunner{
		RunnerID:            rn.id,
		InstanceID:          in.id,
		NodeID:              rn.node.id,
		ModelID:             in.model.id,
		DeviceRank:          rn.rank,
		WorldSize:           in.worldSize,
		StartLayer:          rn.startLayer,
		EndLayer:            rn.endLayer,
		NLayers:             in.model.layers,
		Pid:                 rn.pid,
		ProcessAlive:        !s.crashed,
		StatusKind:          s.statusKind(),
		StatusSince:         stamp(s.statusSince, false),
		SecondsInStatus:     pyFloat(seconds(now - s.statusSince)),
		Phase:               phase,
		PhaseStartedAt:      stamp(s.phaseSince, false),
		SecondsInPhase:      pyFloat(seconds(now - s.phaseSince)),
		LastProgressAt:      &s.last.At,
		ActiveTaskID:        s.last.TaskID,
		ActiveCommandID:     s.last.CommandID,
		PhaseDetail:         s.last.Detail,
		LastMlxMemory:       s.memory,
		PendingTaskIDs:      []string{},
		InProgressTasks:     []inProgressTask{},
		CompletedTaskCount:  s.completed,
		CancelledTaskIDs:    append([]string{}, s.cancelled...),
		LastEventReceivedAt: &s.last.At,
		LastEventType:       ptr(eventType(s.last.Phase)),
		Milestones:          []struct{}{},
	}
	if s.taskSentAt > 0 {
		sr.LastTaskSentAt = ptr(stamp(s.taskSentAt, false))
	}
	if s.last.TaskID != nil {
		sr.InProgressTasks = append(sr.InProgressTasks, inProgressTask{
			TaskID:    *s.last.TaskID,
			CommandID: *s.last.CommandID,
			Phase:     phase,
			SentAt:    stamp(s.taskSentAt, false),
		})
	}
	ctx := timeline.RunnerDiagnosticContext{
		NodeID:     rn.node.id,
		RunnerID:   rn.id,
		Pid:        ptr(timeline.IntOf(rn.pid)),
		InstanceID: in.id,
		ModelID:    in.model.id,
		Rank:       timeline.IntOf(int64(rn.rank)),
		WorldSize:  timeline.IntOf(int64(in.worldSize)),
		StartLayer: timeline.IntOf(int64(rn.startLayer)),
		EndLayer:   timeline.IntOf(int64(rn.endLayer)),
		NLayers:    timeline.IntOf(int64(in.model.layers)),
	}
	for _, re := range s.recent() {
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
		raw, err := fr.AppendJSON(nil)
		if err != nil {
			return sr, err
		}
		if re.span != "" {
			raw = newerJSON(raw, re.span)
		}
		sr.FlightRecorder = append(sr.FlightRecorder, raw)
	}
	return sr, nil
}

// statusKind is the supervisor's status of the runner: RunnerFailed once
// it crashed.
func (s *runnerState) statusKind() string {
	if s.crashed {
		return "RunnerFailed"
	}
	return s.status
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
