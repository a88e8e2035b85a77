package validate

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// A streamChecker applies the rules that span entries: order, rank and
// world size, runner identity, and duplicates. It sees the entries of one
// dump in order, and keeps state per runner and per task only.
type streamChecker struct {
	format dump.Format
	emit   func(Finding)
	last   orderMark // the entry the next one follows, for the order rule
	// recorders are the last entries of each runner of a node dump, whose
	// flight recorders are in order each on its own.
	recorders map[int]*orderMark
	runners   map[string]*runnerState
	tasks     map[string]*taskState
	order     []*taskState // tasks in the order they first appear
}

// orderMark is the key of an entry the order rule compares with.
type orderMark struct {
	set          bool
	sec, nano    int64 // the instant of at
	rank         jsonrt.Int
	node, runner []byte
	at           []byte
	index, line  int
}

// dupWindow is how many of a runner's recent entries the duplicate rule
// remembers: a flight recorder keeps 128.
const dupWindow = 128

type runnerState struct {
	node        []byte
	rank, world jsonrt.Int
	hasRank     bool
	hasWorld    bool
	index, line int
	// recent holds the hashes of the runner's last dupWindow entries, the
	// oldest at next once full; buckets counts them by their low bits, so
	// that most entries are known to be new without a look at recent.
	recent  [dupWindow]dupRef
	next    int
	full    bool
	buckets [dupBuckets]uint8
}

// dupBuckets is a power of two well above dupWindow, so that a bucket of
// a new entry is seldom in use.
const dupBuckets = 1024

type dupRef struct {
	hash        uint64
	index, line int
}

type taskState struct {
	id          string
	world       jsonrt.Int
	hasWorld    bool
	index, line int
	ranks       map[rankKey]rankHolder
	reported    map[string]bool
}

// rankKey is a rank as a map key: equal ranks have equal keys, however
// they are written.
type rankKey struct {
	n   int64
	big string // beyond the int64 range: the decimal text
}

func keyOf(r jsonrt.Int) rankKey {
	if n, ok := r.Int64(); ok {
		return rankKey{n: n}
	}
	return rankKey{big: r.String()}
}

type rankHolder struct {
	runner      string
	rank        jsonrt.Int
	index, line int
}

func newStreamChecker(format dump.Format, emit func(Finding)) *streamChecker {
	return &streamChecker{format: format, emit: emit, runners: map[string]*runnerState{}, tasks: map[string]*taskState{}, recorders: map[int]*orderMark{}}
}

func (c *streamChecker) errorf(e *dump.Entry, pointer string, id rule.ID, format string, args ...any) {
	if e.Recorder >= 0 {
		pointer = liftSource(pointer)
	}
	c.emit(Finding{Line: e.Line, Entry: e.Index, Pointer: pointer, Severity: rule.Error, Rule: id, Message: fmt.Sprintf(format, args...)})
}

// liftSources map the pointers of a lifted entry's fields to where a node
// dump's entry holds them, as the schema's lift declares (/nodeId is
// /context/nodeId).
var liftSources = timeline.LiftRunnerFlightRecorderEntrySources()

func liftSource(pointer string) string {
	if p, ok := liftSources[pointer]; ok {
		return p
	}
	return pointer
}

func (c *streamChecker) warnf(e *dump.Entry, pointer string, id rule.ID, format string, args ...any) {
	c.emit(Finding{Line: e.Line, Entry: e.Index, Pointer: pointer, Severity: rule.Warning, Rule: id, Message: fmt.Sprintf(format, args...)})
}

// add checks one entry against the ones before it.
func (c *streamChecker) add(e *dump.Entry, f *facts) {
	if !f.usable {
		return
	}
	c.checkRanks(e, f)
	var r *runnerState
	if f.runnerID != nil {
		r = c.runner(e, f)
	}
	if f.hasTask {
		c.checkTask(e, f)
	}
	if e.Recorder >= 0 {
		last, ok := c.recorders[e.Recorder]
		if !ok {
			last = &orderMark{}
			c.recorders[e.Recorder] = last
		}
		c.checkOrder(e, f, last, true)
	} else {
		c.checkOrder(e, f, &c.last, false)
	}
	if r != nil {
		c.checkDuplicate(e, f, r)
	}
}

// checkRanks checks 0 <= deviceRank < worldSize, exactly, whatever the
// size of the integers.
func (c *streamChecker) checkRanks(e *dump.Entry, f *facts) {
	if f.hasWorld && f.world.Sign() < 1 {
		c.errorf(e, "/worldSize", rule.RankRange, "worldSize %s is below 1", f.world)
		return
	}
	if f.hasRank && f.hasWorld && (f.rank.Sign() < 0 || f.rank.Cmp(f.world) >= 0) {
		c.errorf(e, "/deviceRank", rule.RankRange, "deviceRank %s is outside [0, %s), the ranks of worldSize %s", f.rank, f.world, f.world)
	} else if f.hasRank && f.rank.Sign() < 0 {
		c.errorf(e, "/deviceRank", rule.RankRange, "deviceRank %s is negative", f.rank)
	}
}

// runner checks that a runner keeps its node, rank and world size, and
// returns its state.
func (c *streamChecker) runner(e *dump.Entry, f *facts) *runnerState {
	r, ok := c.runners[string(f.runnerID)]
	if !ok {
		r = &runnerState{node: bytes.Clone(f.nodeID), rank: f.rank, hasRank: f.hasRank, world: f.world, hasWorld: f.hasWorld, index: e.Index, line: e.Line}
		c.runners[string(f.runnerID)] = r
		return r
	}
	index, line := r.index, r.line
	since := func() string { return fmt.Sprintf("entry %d, line %d", index, line) }
	if f.nodeID != nil && r.node != nil && !bytes.Equal(f.nodeID, r.node) {
		c.warnf(e, "/nodeId", rule.RunnerChanged, "runner %q is on node %q here but on node %q since %s", f.runnerID, f.nodeID, r.node, since())
		r.node, r.index, r.line = bytes.Clone(f.nodeID), e.Index, e.Line
	}
	if f.hasRank && r.hasRank && f.rank.Cmp(r.rank) != 0 {
		c.warnf(e, "/deviceRank", rule.RunnerChanged, "runner %q has deviceRank %s here but %s since %s", f.runnerID, f.rank, r.rank, since())
		r.rank, r.index, r.line = f.rank, e.Index, e.Line
	}
	if f.hasWorld && r.hasWorld && f.world.Cmp(r.world) != 0 {
		c.warnf(e, "/worldSize", rule.RunnerChanged, "runner %q has worldSize %s here but %s since %s", f.runnerID, f.world, r.world, since())
		r.world, r.index, r.line = f.world, e.Index, e.Line
	}
	return r
}

// checkTask checks that the entries of a task agree on the world size and
// that each of its ranks is held by one runner.
func (c *streamChecker) checkTask(e *dump.Entry, f *facts) {
	t, ok := c.tasks[string(f.taskID)]
	if !ok {
		t = &taskState{id: string(f.taskID), ranks: map[rankKey]rankHolder{}, reported: map[string]bool{}}
		c.tasks[t.id] = t
		c.order = append(c.order, t)
	}
	if f.hasWorld {
		switch {
		case !t.hasWorld:
			t.world, t.hasWorld, t.index, t.line = f.world, true, e.Index, e.Line
		case f.world.Cmp(t.world) != 0:
			if key := "world " + f.world.String(); !t.reported[key] {
				t.reported[key] = true
				c.errorf(e, "/worldSize", rule.TaskWorldSize, "task %q has worldSize %s here but %s at entry %d (line %d)", t.id, f.world, t.world, t.index, t.line)
			}
		}
	}
	if !f.hasRank || f.runnerID == nil {
		return
	}
	h, ok := t.ranks[keyOf(f.rank)]
	switch {
	case !ok:
		t.ranks[keyOf(f.rank)] = rankHolder{string(f.runnerID), f.rank, e.Index, e.Line}
	case h.runner != string(f.runnerID):
		if key := "rank " + f.rank.String() + " " + string(f.runnerID); !t.reported[key] {
			t.reported[key] = true
			c.errorf(e, "/runnerId", rule.TaskRankConflict, "rank %s of task %q is held by runner %q here but by runner %q at entry %d (line %d)", f.rank, t.id, f.runnerID, h.runner, h.index, h.line)
		}
	}
}

// checkOrder checks that the entry does not sort before last, the entry it
// follows, and makes it the new last. An entry whose at is not a timestamp
// is left out: the timestamp rule reports it, and it cannot be placed. In a
// merged timeline the order is Skulk's: by the instant of at, then nodeId
// and deviceRank, entries equal on all three in any order. In a runner's
// flight recorder (recorder set) entries are appended in arrival order, and
// one earlier than the entry before it is a warning with the size of the
// step.
func (c *streamChecker) checkOrder(e *dump.Entry, f *facts, last *orderMark, recorder bool) {
	if f.at == nil || !f.atKey.Valid || f.nodeID == nil || f.runnerID == nil || !f.hasRank {
		return
	}
	cur := orderMark{set: true, sec: f.atKey.Unix, nano: int64(f.atKey.Nano), rank: f.rank,
		node: f.nodeID, runner: f.runnerID, at: f.at, index: e.Index, line: e.Line}
	switch {
	case !last.set:
	case recorder && (cur.sec < last.sec || (cur.sec == last.sec && cur.nano < last.nano)):
		step := time.Duration(last.sec-cur.sec)*time.Second + time.Duration(last.nano-cur.nano)
		c.warnf(e, "/at", rule.RecorderOrder, "goes back %s from the entry before it in the runner's flight recorder, entry %d at line %d (at %s): the recorder appends in arrival order",
			step, last.index, last.line, last.at)
	case !recorder && compareMarks(&cur, last) < 0:
		var why string
		switch {
		case cur.sec != last.sec || cur.nano != last.nano:
			why = "its at is an earlier instant"
			if bytes.Compare(cur.at, last.at) > 0 {
				why += ", though not an earlier text"
			}
		case !bytes.Equal(cur.node, last.node):
			why = "at the same instant, its nodeId sorts first"
		default:
			why = "at the same instant and node, its deviceRank is lower"
		}
		c.errorf(e, "", rule.Order, "goes backwards: it belongs before the entry it follows, entry %d at line %d (at %s, node %s, rank %s): %s",
			last.index, last.line, last.at, last.node, last.rank, why)
	}
	cur.node, cur.runner, cur.at = append(last.node[:0], f.nodeID...), append(last.runner[:0], f.runnerID...), append(last.at[:0], f.at...)
	*last = cur
}

// compareMarks orders entries as a merged timeline is ordered: by the
// instant of at, then nodeId and deviceRank.
func compareMarks(a, b *orderMark) int {
	switch {
	case a.sec != b.sec:
		return cmpInt(a.sec, b.sec)
	case a.nano != b.nano:
		return cmpInt(a.nano, b.nano)
	}
	if c := bytes.Compare(a.node, b.node); c != 0 {
		return c
	}
	if c := a.rank.Cmp(b.rank); c != 0 {
		return c
	}
	return 0
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	return 1
}

// checkDuplicate warns about an entry that is the same, byte for byte, as
// one of the runner's recent entries.
func (c *streamChecker) checkDuplicate(e *dump.Entry, f *facts, r *runnerState) {
	if r.buckets[f.hash%dupBuckets] > 0 {
		// Name the latest copy: look from the newest entry back.
		for i := range dupWindow {
			ref := &r.recent[(r.next-1-i+2*dupWindow)%dupWindow]
			if ref.hash == f.hash && (r.full || i < r.next) {
				c.warnf(e, "", rule.DuplicateEntry, "the same entry as entry %d (line %d)", ref.index, ref.line)
				break
			}
		}
	}
	if r.full {
		r.buckets[r.recent[r.next].hash%dupBuckets]--
	}
	r.recent[r.next] = dupRef{f.hash, e.Index, e.Line}
	r.buckets[f.hash%dupBuckets]++
	r.next++
	if r.next == dupWindow {
		r.next, r.full = 0, true
	}
}

// finish applies the rules that need the whole dump: ranks that never
// reported.
func (c *streamChecker) finish() {
	if c.format == dump.Node || c.format == dump.Capture {
		return // one node's runners; merge dumps to check ranks across nodes
	}
	for _, t := range c.order {
		if !t.hasWorld {
			continue
		}
		var missing []int64
		seen := 0
		for _, h := range t.ranks {
			if h.rank.Sign() >= 0 && h.rank.Cmp(t.world) < 0 {
				seen++
			}
		}
		for r := int64(0); jsonrt.IntOf(r).Cmp(t.world) < 0 && len(missing) <= 64; r++ {
			if _, ok := t.ranks[rankKey{n: r}]; !ok {
				missing = append(missing, r)
			}
		}
		if len(missing) == 0 {
			continue
		}
		text := rankList(missing, t.world, seen)
		c.emit(Finding{Line: t.line, Entry: t.index, Severity: rule.Warning, Rule: rule.TaskMissingRank,
			Message: fmt.Sprintf("task %q (worldSize %s): %s never reported: a missing dump, or a rank that never started", t.id, t.world, text)})
	}
}

// rankList describes the missing ranks, shortening long lists.
func rankList(missing []int64, world jsonrt.Int, seen int) string {
	if len(missing) == 1 {
		return "rank " + strconv.FormatInt(missing[0], 10)
	}
	if len(missing) > 64 {
		if w, ok := world.Int64(); ok {
			return fmt.Sprintf("%d of its ranks", w-int64(seen))
		}
		return fmt.Sprintf("all of its ranks but the %d that reported", seen)
	}
	var parts []string
	for _, r := range missing {
		parts = append(parts, strconv.FormatInt(r, 10))
	}
	return "ranks " + strings.Join(parts, ", ")
}
