// Package explain reads a merged cluster timeline for what a distributed
// hang leaves behind, and names the rank that holds the others up.
//
// The signature of a deadlock is rank disagreement: one rank of a task has
// waited at a barrier for a long time while another is still in a phase
// before it. Two more signs point at a rank: a rank that never reported for
// a task (a missing dump, or a rank that never started), and a runner that
// went silent in the middle of its task. Skulk's dashboard calls a runner
// hung after 30 seconds in its phase with a task; Options.Silence is that
// threshold.
package explain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
)

// Options configure an Analyzer.
type Options struct {
	// Silence is how long a rank may wait at a barrier, or a runner stay
	// silent with its task unfinished, before it counts; 0 means 30s.
	Silence time.Duration
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

// barrierPhases are the phases in which a rank waits for the others.
var barrierPhases = []timeline.Phase{timeline.PhasePrefillBarrier, timeline.PhaseDecodeBarrier, timeline.PhaseDecodeWaitFirstToken}

// finishingPhases are the phases that end a task for a rank.
var finishingPhases = []timeline.Phase{timeline.PhaseCompletion, timeline.PhaseError, timeline.PhaseCancelObserved, timeline.PhaseShutdownCleanup}

// lifecycle is the position of each phase in a runner's lifecycle: the
// order of the schema's enum.
var lifecycle = func() map[timeline.Phase]int {
	m := map[timeline.Phase]int{}
	for i, p := range timeline.Phases() {
		m[p] = i
	}
	return m
}()

// A RankState is where one rank of a task stands at the end of the
// timeline.
type RankState struct {
	Rank     timeline.Int   `json:"rank"`
	NodeID   string         `json:"nodeId"`
	RunnerID string         `json:"runnerId"`
	Phase    timeline.Phase `json:"phase"`
	// Entered is when the rank entered its last phase, and EnteredAt the
	// entry that says so.
	Entered   string   `json:"entered"`
	EnteredAt Location `json:"enteredAt"`
	// Last is the rank's last entry in the task.
	Last      string   `json:"last"`
	LastEvent string   `json:"lastEvent"`
	LastAt    Location `json:"lastAt"`
	// Since is how long before the end of the timeline the rank entered
	// its phase; Silent, how long before it the rank last reported.
	Since         time.Duration `json:"-"`
	Silent        time.Duration `json:"-"`
	SinceSeconds  float64       `json:"sinceSeconds"`
	SilentSeconds float64       `json:"silentSeconds"`
	Finished      bool          `json:"finished"`

	entered, last jsonrt.Timestamp
}

// A Task is one task of the timeline: its ranks and where they stand.
type Task struct {
	ID         string       `json:"taskId"`
	InstanceID string       `json:"instanceId,omitempty"`
	ModelID    string       `json:"modelId,omitempty"`
	WorldSize  timeline.Int `json:"worldSize"`
	Ranks      []*RankState `json:"ranks"`
	// Missing are the ranks in [0, WorldSize) that never reported, the
	// first 64 of them.
	Missing  []timeline.Int `json:"missing"`
	Finished bool           `json:"finished"`
	First    Location       `json:"first"`

	ranks map[string]*RankState // by rank, in decimal (Int.String)
}

// A Suspect is a rank the timeline points at.
type Suspect struct {
	TaskID   string       `json:"taskId"`
	Rank     timeline.Int `json:"rank"`
	NodeID   string       `json:"nodeId,omitempty"`
	RunnerID string       `json:"runnerId,omitempty"`
	// Reasons say why, one sign each.
	Reasons  []string   `json:"reasons"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is an entry that shows a sign.
type Evidence struct {
	Location
	What string `json:"what"`
}

// An Analysis is what an Analyzer found.
type Analysis struct {
	Entries int    `json:"entries"`
	Start   string `json:"start"`
	End     string `json:"end"`
	// Tasks are the tasks that have not finished on every rank, or that a
	// suspect is in, in the order they first appear.
	Tasks         []*Task   `json:"tasks"`
	FinishedTasks int       `json:"finishedTasks"`
	Suspects      []Suspect `json:"suspects"`
}

// runnerInfo is what the inputs say of a runner besides its entries.
type runnerInfo struct {
	instanceID, modelID, nodeID string
	rank                        timeline.Int
}

// An Analyzer reads a merged timeline, entry by entry.
type Analyzer struct {
	opts       Options
	entries    int
	start, end jsonrt.Timestamp
	startText  string
	endText    string
	tasks      map[string]*Task
	order      []*Task
	last       map[string]*lastEntry // each runner's last entry
	runners    map[string]runnerInfo
}

type lastEntry struct {
	at     jsonrt.Timestamp
	text   string
	taskID string
	phase  timeline.Phase
	loc    Location
}

// New returns an Analyzer.
func New(opts Options) *Analyzer {
	if opts.Silence <= 0 {
		opts.Silence = 30 * time.Second
	}
	return &Analyzer{opts: opts, tasks: map[string]*Task{}, last: map[string]*lastEntry{}, runners: map[string]runnerInfo{}}
}

// Runners tells the analyzer what the inputs say of the runners (their
// instance and model), as a ClusterTimeline or node dumps carry them, to
// name a task's instance and the runner a missing rank belongs to.
func (a *Analyzer) Runners(runners []timeline.ClusterTimelineRunner) {
	for _, r := range runners {
		a.runners[r.RunnerID] = runnerInfo{r.InstanceID, r.ModelID, r.NodeID, r.DeviceRank}
	}
}

// Add reads the next entry of the timeline, found at loc. Entries must
// come in the merge order.
func (a *Analyzer) Add(e *timeline.ClusterTimelineEntry, loc Location) {
	at, err := jsonrt.ParseTimestamp(e.At)
	if err != nil {
		return
	}
	if a.entries == 0 {
		a.start, a.startText = at, string(e.At)
	}
	a.entries++
	if at.Compare(a.end) > 0 || a.entries == 1 {
		a.end, a.endText = at, string(e.At)
	}
	task := ""
	if e.TaskID != nil {
		task = *e.TaskID
	}
	a.last[e.RunnerID] = &lastEntry{at, string(e.At), task, e.Phase, loc}
	if task == "" {
		return
	}
	t, ok := a.tasks[task]
	if !ok {
		t = &Task{ID: task, WorldSize: e.WorldSize, First: loc, ranks: map[string]*RankState{}}
		a.tasks[task] = t
		a.order = append(a.order, t)
	}
	r, ok := t.ranks[e.DeviceRank.String()]
	if !ok {
		r = &RankState{Rank: e.DeviceRank}
		t.ranks[e.DeviceRank.String()] = r
	}
	if !ok || r.Phase != e.Phase {
		r.Phase, r.entered, r.Entered, r.EnteredAt = e.Phase, at, string(e.At), loc
	}
	r.NodeID, r.RunnerID = e.NodeID, e.RunnerID
	r.last, r.Last, r.LastEvent, r.LastAt = at, string(e.At), e.Event, loc
	r.Finished = slices.Contains(finishingPhases, e.Phase)
}

// Analysis returns what the timeline read so far shows.
func (a *Analyzer) Analysis() *Analysis {
	res := &Analysis{Entries: a.entries, Start: a.startText, End: a.endText, Tasks: []*Task{}, Suspects: []Suspect{}}
	suspects := map[[2]string]*Suspect{}
	var order [][2]string
	suspect := func(t *Task, rank timeline.Int, node, runner, reason string, evidence ...Evidence) {
		key := [2]string{t.ID, rank.String()}
		s, ok := suspects[key]
		if !ok {
			s = &Suspect{TaskID: t.ID, Rank: rank, NodeID: node, RunnerID: runner}
			suspects[key] = s
			order = append(order, key)
		}
		s.Reasons = append(s.Reasons, reason)
		for _, ev := range evidence {
			if !slices.Contains(s.Evidence, ev) {
				s.Evidence = append(s.Evidence, ev)
			}
		}
	}
	for _, t := range a.order {
		a.finishTask(t)
		explained := map[string]bool{} // waiting ranks whose wait another rank explains
		// Rank disagreement: a rank waits at a barrier while another is
		// behind it.
		for _, w := range t.Ranks {
			if !slices.Contains(barrierPhases, w.Phase) || w.Since < a.opts.Silence {
				continue
			}
			for _, r := range t.Ranks {
				if r == w || r.Finished || lifecycle[r.Phase] >= lifecycle[w.Phase] {
					continue
				}
				explained[w.Rank.String()] = true
				suspect(t, r.Rank, r.NodeID, r.RunnerID,
					fmt.Sprintf("rank %s has waited at %s for %s while rank %s is still in %s, behind it", w.Rank, w.Phase, seconds(w.Since), r.Rank, r.Phase),
					Evidence{w.EnteredAt, fmt.Sprintf("rank %s enters %s", w.Rank, w.Phase)},
					Evidence{r.LastAt, fmt.Sprintf("rank %s's last entry (%s, %s)", r.Rank, r.Phase, r.LastEvent)})
			}
		}
		// Ranks that never reported.
		for _, m := range t.Missing {
			node, runner := a.guessRunner(t, m)
			what := "a missing dump, or a rank that never started"
			if runner != "" {
				what = fmt.Sprintf("probably runner %s on node %s: its dump is missing, or it never started", runner, node)
			}
			suspect(t, m, node, runner,
				fmt.Sprintf("rank %s of %s never reported for the task: %s", m, t.WorldSize, what),
				Evidence{t.First, "the task's first entry"})
		}
		// Runners gone silent with the task unfinished.
		for _, r := range t.Ranks {
			last := a.last[r.RunnerID]
			if r.Finished || last == nil || last.taskID != t.ID || r.Silent < a.opts.Silence || explained[r.Rank.String()] {
				continue
			}
			suspect(t, r.Rank, r.NodeID, r.RunnerID,
				fmt.Sprintf("rank %s has been silent for %s in %s with the task unfinished", r.Rank, seconds(r.Silent), r.Phase),
				Evidence{r.LastAt, fmt.Sprintf("rank %s's last entry (%s, %s)", r.Rank, r.Phase, r.LastEvent)})
		}
		hasSuspect := false
		for key := range suspects {
			hasSuspect = hasSuspect || key[0] == t.ID
		}
		if t.Finished && !hasSuspect {
			res.FinishedTasks++
			continue
		}
		res.Tasks = append(res.Tasks, t)
	}
	for _, key := range order {
		res.Suspects = append(res.Suspects, *suspects[key])
	}
	return res
}

// finishTask works out where the task's ranks stand at the end.
func (a *Analyzer) finishTask(t *Task) {
	t.Ranks = t.Ranks[:0]
	for _, r := range t.ranks {
		r.Since = time.Duration(a.end.Unix-r.entered.Unix)*time.Second + time.Duration(a.end.Nano-r.entered.Nano)
		r.Silent = time.Duration(a.end.Unix-r.last.Unix)*time.Second + time.Duration(a.end.Nano-r.last.Nano)
		r.SinceSeconds, r.SilentSeconds = r.Since.Seconds(), r.Silent.Seconds()
		t.Ranks = append(t.Ranks, r)
		if info, ok := a.runners[r.RunnerID]; ok && t.InstanceID == "" {
			t.InstanceID, t.ModelID = info.instanceID, info.modelID
		}
	}
	slices.SortFunc(t.Ranks, func(x, y *RankState) int { return x.Rank.Cmp(y.Rank) })
	t.Missing = nil
	for r := int64(0); timeline.IntOf(r).Cmp(t.WorldSize) < 0 && len(t.Missing) < 64; r++ {
		if _, ok := t.ranks[strconv.FormatInt(r, 10)]; !ok {
			t.Missing = append(t.Missing, timeline.IntOf(r))
		}
	}
	t.Finished = true
	for _, r := range t.Ranks {
		t.Finished = t.Finished && r.Finished
	}
}

// guessRunner names the runner that holds rank of the task's instance: the
// one the inputs' runners say, or else the one that reported that rank for
// another task with one of this task's runners.
func (a *Analyzer) guessRunner(t *Task, rank timeline.Int) (node, runner string) {
	if t.InstanceID != "" {
		var ids []string
		for id, info := range a.runners {
			if info.instanceID == t.InstanceID && info.rank.Cmp(rank) == 0 {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			slices.Sort(ids)
			return a.runners[ids[0]].nodeID, ids[0]
		}
	}
	for _, other := range a.order {
		if other == t || other.WorldSize.Cmp(t.WorldSize) != 0 {
			continue
		}
		r, ok := other.ranks[rank.String()]
		if !ok {
			continue
		}
		for _, mine := range t.ranks {
			if theirs, ok := other.ranks[mine.Rank.String()]; ok && theirs.RunnerID == mine.RunnerID {
				return r.NodeID, r.RunnerID
			}
		}
	}
	return "", ""
}

// seconds writes a duration as seconds with a tenth: "71.3s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// Describe writes the analysis as text.
func (res *Analysis) Describe(w *strings.Builder) {
	if res.Entries == 0 {
		w.WriteString("the timeline holds no entries\n")
		return
	}
	fmt.Fprintf(w, "timeline: %d entries, %s to %s (the end)\n", res.Entries, res.Start, res.End)
	for _, t := range res.Tasks {
		w.WriteString("\n")
		state := "unfinished"
		if t.Finished {
			state = "finished"
		}
		fmt.Fprintf(w, "task %s", t.ID)
		var about []string
		if t.InstanceID != "" {
			about = append(about, t.InstanceID)
		}
		if t.ModelID != "" {
			about = append(about, t.ModelID)
		}
		about = append(about, "worldSize "+t.WorldSize.String())
		fmt.Fprintf(w, " (%s): %s\n", strings.Join(about, ", "), state)
		rows := [][]string{{"rank", "node", "runner", "phase", "entered", "before the end", "last event"}}
		for _, r := range t.Ranks {
			rows = append(rows, []string{r.Rank.String(), r.NodeID, r.RunnerID, string(r.Phase), r.Entered, seconds(r.Since), r.LastEvent})
		}
		for _, m := range t.Missing {
			rows = append(rows, []string{m.String(), "-", "-", "(never reported)", "-", "-", "-"})
		}
		writeTable(w, rows)
	}
	if res.FinishedTasks > 0 {
		fmt.Fprintf(w, "\n%d other tasks finished on every rank.\n", res.FinishedTasks)
	}
	w.WriteString("\n")
	if len(res.Suspects) == 0 {
		w.WriteString("verdict: no rank holds the others up\n")
		return
	}
	fmt.Fprintf(w, "verdict: %d suspect", len(res.Suspects))
	if len(res.Suspects) > 1 {
		w.WriteString("s")
	}
	w.WriteString("\n")
	for _, s := range res.Suspects {
		fmt.Fprintf(w, "  rank %s of task %s", s.Rank, s.TaskID)
		if s.RunnerID != "" {
			fmt.Fprintf(w, " (node %s, runner %s)", s.NodeID, s.RunnerID)
		}
		w.WriteString("\n")
		for _, r := range s.Reasons {
			fmt.Fprintf(w, "    %s\n", r)
		}
		for _, e := range s.Evidence {
			fmt.Fprintf(w, "    evidence: %s %s\n", e.Location, e.What)
		}
	}
}

// writeTable writes rows with aligned columns, indented.
func writeTable(w *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, row := range rows {
		w.WriteString("  ")
		for i, c := range row {
			if i < len(row)-1 {
				fmt.Fprintf(w, "%-*s  ", widths[i], c)
			} else {
				w.WriteString(c)
			}
		}
		w.WriteString("\n")
	}
}
