// Package explain finds, in a cluster timeline and the snapshot taken with
// it, the rank that holds a distributed task up.
//
// Every wait is measured to the clock: the time the snapshot was taken
// (the latest generatedAt of the inputs), else Options.Now, else the last
// entry. A task is stuck when its ranks stopped moving; the suspects are
// the ranks that stopped it:
//
//	behind-peer       a rank has waited at a barrier for Options.Silence while this
//	                  one, silent as long, is still at a step before it
//	crashed           this rank crashed (its process is gone, a runner_crashed event,
//	                  or phase error before completion) while its peers wait
//	unreachable-node  this rank never reported for the task and its node is
//	                  unreachable, while its peers wait
//	never-reported    this rank never reported for the task, while its peers wait
//	frozen            every rank still in the task has been silent for Options.Silence;
//	                  the suspect is the one furthest behind, the first to go silent
//
// A rank in a resting phase (idle, created, completion, cancel_observed,
// shutdown_cleanup, or error after completion) is not in its task any
// more and never counts; nor is a runner that went on to other work. The
// lifecycle phases (connect_group, load_model, warmup) and Skulk's
// lifecycle tasks, which never reach completion, count only after
// Options.StartupSilence. A pipeline_eval_timeout event followed by
// progress is a recovered hang: listed, not a suspect.
//
// Entries are read with a tolerant view (see ParseEntry), so a phase or a
// field that a newer Skulk added does not stop the analysis: an unknown
// phase is kept as text, and is neither resting nor a lifecycle phase.
package explain

import (
	"strconv"
	"time"
)

// Options configure an Analyzer.
type Options struct {
	// Silence is how long a rank may wait at a barrier, or every rank of
	// a task stay silent, before it counts; 0 means 30s, Skulk's
	// dashboard's threshold for a hung runner.
	Silence time.Duration
	// StartupSilence is Silence for the lifecycle phases and tasks; 0
	// means 10m.
	StartupSilence time.Duration
	// Now is the clock when no input says when it was taken; the zero
	// time means the last entry.
	Now time.Time
}

// A Location is where an entry is: its input, line and, in a document
// that is not NDJSON, its JSON pointer.
type Location struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Pointer string `json:"pointer,omitempty"`
}

func (l Location) String() string {
	s := l.Path + ":" + strconv.Itoa(l.Line)
	if l.Pointer != "" {
		s += " (" + l.Pointer + ")"
	}
	return s
}

// A Kind says why a rank is a suspect; the package documentation lists
// the kinds.
type Kind string

// The kinds of suspect.
const (
	BehindPeer      Kind = "behind-peer"
	Crashed         Kind = "crashed"
	UnreachableNode Kind = "unreachable-node"
	NeverReported   Kind = "never-reported"
	Frozen          Kind = "frozen"
)

// A ClockSource says where the clock comes from.
type ClockSource string

// The clock sources, in the order they are looked for.
const (
	FromGeneratedAt ClockSource = "generatedAt"
	FromNow         ClockSource = "--now"
	FromLastEntry   ClockSource = "last-entry"
)

// The Clock is the instant every wait is measured to.
type Clock struct {
	Source ClockSource `json:"source"`
	Value  string      `json:"value"`
	// Input is the input whose generatedAt it is.
	Input string `json:"input,omitempty"`
	// Clamped reports a clock before the last entry, moved to it.
	Clamped bool `json:"clamped,omitempty"`

	at time.Time
}

// A Snapshot is what the inputs say beside their entries: when they were
// taken, each runner's state then, and the nodes that could not be
// reached.
type Snapshot struct {
	// At is the latest generatedAt of the inputs, AtText as written, and
	// Input the input that says it; At is zero when none does.
	At     time.Time
	AtText string
	Input  string
	// Runners are the runners' states, from every input that has them.
	Runners     []RunnerState
	Unreachable []Unreachable
}

// A RunnerState is a runner as a snapshot describes it.
type RunnerState struct {
	NodeID, RunnerID, InstanceID, ModelID string
	Rank, WorldSize                       int64
	Phase                                 string
	SecondsInPhase                        float64
	// LastProgressAt is the runner's last flight-recorder update; zero
	// when unknown.
	LastProgressAt time.Time
	ProcessAlive   bool
	StatusKind     string
	ActiveTaskID   string
	// TakenAt is when the state was taken (its input's generatedAt),
	// zero when unknown, and Where where the input holds it.
	TakenAt time.Time
	Where   Location
}

// An Unreachable is a node the snapshot could not reach.
type Unreachable struct {
	NodeID string `json:"nodeId"`
	URL    string `json:"url,omitempty"`
	Error  string `json:"error"`
}

// A Suspect is a rank that holds its task up.
type Suspect struct {
	Kind       Kind   `json:"kind"`
	TaskID     string `json:"taskId"`
	InstanceID string `json:"instanceId,omitempty"`
	Rank       int64  `json:"rank"`
	NodeID     string `json:"nodeId,omitempty"`
	RunnerID   string `json:"runnerId,omitempty"`
	// Unreachable are, for an unreachable-node suspect, the nodes that may
	// hold the rank.
	Unreachable []Unreachable `json:"unreachable,omitempty"`
	// Reasons say why, one sign each.
	Reasons  []string   `json:"reasons"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is an entry, or a runner of a snapshot, that shows a sign.
type Evidence struct {
	Location
	What string `json:"what"`
}

// A Recovered is a recovered hang: a pipeline_eval_timeout event after
// which the rank made progress again.
type Recovered struct {
	TaskID   string   `json:"taskId"`
	Rank     int64    `json:"rank"`
	NodeID   string   `json:"nodeId"`
	RunnerID string   `json:"runnerId"`
	At       string   `json:"at"`
	Where    Location `json:"where"`
	// AgoSeconds is how long before the clock it timed out, and
	// AfterSeconds how long after that the rank recorded progress.
	AgoSeconds   float64 `json:"agoSeconds"`
	AfterSeconds float64 `json:"afterSeconds"`
}

// An Analysis is what an Analyzer found.
type Analysis struct {
	Clock   Clock  `json:"clock"`
	Entries int    `json:"entries"`
	Runners int    `json:"runners"`
	Start   string `json:"start,omitempty"`
	End     string `json:"end,omitempty"`
	// Warnings counts what could not be read as it should (entries a
	// newer Skulk wrote, parts of documents); they are listed apart.
	Warnings    int           `json:"warnings"`
	Suspects    []Suspect     `json:"suspects"`
	Recovered   []Recovered   `json:"recoveredHangs"`
	RollCall    RollCall      `json:"rollCall"`
	Unreachable []Unreachable `json:"unreachableNodes"`
	// Notes are what is worth knowing and is not a suspect: a crash no
	// one waits on, ranks that never reported for finished tasks.
	Notes []string `json:"notes"`

	end time.Time // the last entry's instant
}

// The RollCall says where the ranks of each unfinished task stopped, and
// sums up the finished ones.
type RollCall struct {
	Unfinished []*TaskCall `json:"unfinished"`
	Finished   Finished    `json:"finished"`
}

// Finished sums up the tasks that finished on every rank that reported.
type Finished struct {
	Tasks     int `json:"tasks"`
	Completed int `json:"completed"`
	Cancelled int `json:"cancelled"`
	Failed    int `json:"failed"`
	// Lifecycle counts Skulk's lifecycle tasks (connect, load, warm up)
	// that are done, apart from Tasks.
	Lifecycle int `json:"lifecycle"`
	// Last is when the last of them ended, and AgoSeconds how long before
	// the clock.
	Last       string  `json:"last,omitempty"`
	AgoSeconds float64 `json:"agoSeconds"`
}

// A TaskCall is the roll call of one unfinished task: its ranks grouped
// by where they stopped, and where they parted.
type TaskCall struct {
	TaskID     string `json:"taskId"`
	InstanceID string `json:"instanceId,omitempty"`
	ModelID    string `json:"modelId,omitempty"`
	WorldSize  int64  `json:"worldSize"`
	// Lifecycle marks a lifecycle task (or work) that went through the
	// lifecycle phases. TaskID is "" for work outside any task (a startup
	// without task ids): the runners' of InstanceID, or else Runner's.
	Lifecycle  bool        `json:"lifecycle"`
	Runner     string      `json:"runner,omitempty"`
	Groups     []RankGroup `json:"groups"`
	Divergence *Divergence `json:"divergence,omitempty"`
	// Ranks are every rank's state, for --verbose.
	Ranks []RankState `json:"ranks"`
}

// A RankStatus says whether a rank is still in its task.
type RankStatus string

// The statuses of a rank in a task.
const (
	// Working is a rank still in the task, in a phase that is not resting.
	Working       RankStatus = "working"
	Resting       RankStatus = "resting"
	MovedOn       RankStatus = "moved-on"
	CrashedStatus RankStatus = "crashed"
	Missing       RankStatus = "never-reported"
)

// A RankGroup is the ranks of a task that stopped at the same place.
type RankGroup struct {
	Ranks     []int64    `json:"ranks"`
	Status    RankStatus `json:"status"`
	Phase     string     `json:"phase,omitempty"`
	LastEvent string     `json:"lastEvent,omitempty"`
	// SinceSeconds is the longest any of them has been in the phase, and
	// SilentSeconds the shortest since any of them last reported.
	SinceSeconds  float64 `json:"sinceSeconds"`
	SilentSeconds float64 `json:"silentSeconds"`
}

// A RankState is where one rank of a task stands at the clock.
type RankState struct {
	Rank      int64      `json:"rank"`
	NodeID    string     `json:"nodeId,omitempty"`
	RunnerID  string     `json:"runnerId,omitempty"`
	Status    RankStatus `json:"status"`
	Phase     string     `json:"phase,omitempty"`
	Entered   string     `json:"entered,omitempty"`
	LastEvent string     `json:"lastEvent,omitempty"`
	Last      string     `json:"last,omitempty"`
	LastAt    *Location  `json:"lastAt,omitempty"`
	// SinceSeconds is how long before the clock the rank entered its
	// phase, and SilentSeconds how long since it last reported; both take
	// the snapshot into account when it has the runner (FromSnapshot).
	SinceSeconds  float64 `json:"sinceSeconds"`
	SilentSeconds float64 `json:"silentSeconds"`
	FromSnapshot  bool    `json:"fromSnapshot,omitempty"`
}

// A Divergence is the first point where the ranks of a task part: they
// agree up to AgreedUpTo (Steps phases in), then Ahead went on, the first
// of them to Next AgoSeconds before the clock, and Behind did not.
type Divergence struct {
	AgreedUpTo string  `json:"agreedUpTo"`
	Steps      int     `json:"steps"`
	Next       string  `json:"next"`
	Ahead      []int64 `json:"ahead"`
	// Each is the phase each rank of Ahead went on to.
	Each       []string `json:"each"`
	Behind     []int64  `json:"behind"`
	At         string   `json:"at"`
	AgoSeconds float64  `json:"agoSeconds"`
}
