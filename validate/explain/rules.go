package explain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/validate/human"
)

// rules finds the suspects of u, a unit some rank still works on; see the
// package documentation.
func (x *analysis) rules(u *unit, views []*rankView, instance string) {
	var working, stalled, waiting []*rankView
	for _, v := range views {
		if v.status == Working {
			working = append(working, v)
		}
		if v.stalled() {
			stalled = append(stalled, v)
		}
		if v.waiting() {
			waiting = append(waiting, v)
		}
	}
	found := false
	add := func(kind Kind, v *rankView, reason string, evidence ...Evidence) *Suspect {
		found = true
		return x.suspect(u, instance, kind, v, reason, evidence...)
	}
	if len(waiting) > 0 {
		waits, waitEv := x.waits(waiting)
		for _, v := range views {
			switch v.status {
			case CrashedStatus:
				add(Crashed, v, fmt.Sprintf("rank %d crashed (%s) while %s", v.rank, x.crashSigns(v), waits), append(x.crashEvidence(v), waitEv)...)
			case Missing:
				x.missing(u, instance, v, waits, waitEv, add)
			}
		}
	}
	for _, b := range working {
		if !b.stalled() {
			continue
		}
		// The ranks that wait at a barrier b is behind, by barrier.
		var phases []string
		waiters := map[string][]*rankView{}
		for _, w := range working {
			if w != b && barrier(w.phase) && w.since >= w.threshold && behindOf(b, w) {
				if waiters[w.phase] == nil {
					phases = append(phases, w.phase)
				}
				waiters[w.phase] = append(waiters[w.phase], w)
			}
		}
		for _, phase := range phases {
			ws := waiters[phase]
			w := slices.MaxFunc(ws, func(x, y *rankView) int { return cmp.Compare(x.since, y.since) })
			var ranks []int64
			for _, v := range ws {
				ranks = append(ranks, v.rank)
			}
			who, for_, them := rankList(ranks)+" has waited", human.Duration(max(w.since, 0)), "it"
			if len(ws) > 1 {
				who, for_, them = rankList(ranks)+" have waited", "up to "+human.Duration(max(w.since, 0)), "them"
			}
			add(BehindPeer, b, fmt.Sprintf("%s at %s for %s while rank %d, silent for %s, is still in %s, behind %s",
				who, phase, for_, b.rank, human.Duration(max(b.silent, 0)), b.phase, them),
				append([]Evidence{{w.enteredAt, fmt.Sprintf("rank %d enters %s, %s ago", w.rank, phase, human.Duration(max(w.since, 0)))}}, x.lastEvidence(b)...)...)
		}
	}
	if found || len(working) == 0 || len(stalled) < len(working) {
		return
	}
	pick := frozenPick(working)
	var reason string
	if len(working) == 1 {
		reason = fmt.Sprintf("rank %d has been silent for %s in %s with the task unfinished", pick.rank, human.Duration(max(pick.silent, 0)), pick.phase)
	} else {
		var each []string
		for _, v := range working {
			each = append(each, fmt.Sprintf("rank %d in %s for %s", v.rank, v.phase, human.Duration(max(v.silent, 0))))
		}
		reason = fmt.Sprintf("every rank still in the task has been silent (%s); rank %d is the furthest behind and went silent first",
			strings.Join(each, ", "), pick.rank)
	}
	if pick.threshold != x.opts.Silence {
		reason += fmt.Sprintf(", past the %s a startup may take", human.Duration(max(pick.threshold, 0)))
	}
	var ev []Evidence
	for _, v := range working {
		if v != pick && len(ev) < 3 {
			ev = append(ev, Evidence{v.lastAt, fmt.Sprintf("rank %d's last entry: %s %s, %s ago", v.rank, v.phase, v.event, human.Duration(max(v.silent, 0)))})
		}
	}
	add(Frozen, pick, reason, append(x.lastEvidence(pick), ev...)...)
}

// frozenPick returns, of ranks that all went silent, the one furthest
// behind the others, and of those the first to go silent.
func frozenPick(working []*rankView) *rankView {
	var pick *rankView
	for _, v := range working {
		if slices.ContainsFunc(working, func(w *rankView) bool { return w != v && behindOf(w, v) }) {
			continue // someone is behind v
		}
		if pick == nil || v.last.Before(pick.last) {
			pick = v
		}
	}
	if pick == nil { // the ways do not order: the first to go silent
		pick = working[0]
		for _, v := range working {
			if v.last.Before(pick.last) {
				pick = v
			}
		}
	}
	return pick
}

// missing makes the suspect of a rank that never reported for u while
// its peers wait: its node, when unreachable, is the likely culprit.
func (x *analysis) missing(u *unit, instance string, v *rankView, waits string, waitEv Evidence, add func(Kind, *rankView, string, ...Evidence) *Suspect) {
	v.node, v.runner = x.guessRunner(u, instance, v.rank)
	first := Evidence{u.first.loc, "the task's first entry, " + human.Duration(max(x.now.Sub(u.first.at), 0)) + " ago"}
	reason := fmt.Sprintf("rank %d of %d never reported for the task while %s", v.rank, u.world, waits)
	if nodes := x.unreachableFor(v.node); len(nodes) > 0 {
		if v.node == "" && len(nodes) == 1 {
			v.node = nodes[0].NodeID
		}
		var where []string
		for _, n := range nodes {
			where = append(where, "node "+n.NodeID+" is unreachable: "+oneLine(n.Error, 200))
		}
		holds := "it likely holds the rank"
		if len(nodes) > 1 {
			holds = "one of them likely holds the rank"
		}
		s := add(UnreachableNode, v, reason+"; "+strings.Join(where, "; ")+"; "+holds, first, waitEv)
		s.Unreachable = nodes
		return
	}
	what := "a missing dump, or a rank that never started"
	if v.runner != "" {
		what = fmt.Sprintf("probably runner %s on node %s: its dump is missing, or it never started", v.runner, v.node)
	}
	add(NeverReported, v, reason+"; "+what, first, waitEv)
}

// waits says who waits: the rank that has waited longest, and how many
// more; with the entry that shows it.
func (x *analysis) waits(waiting []*rankView) (string, Evidence) {
	w := waiting[0]
	for _, v := range waiting {
		if v.since > w.since {
			w = v
		}
	}
	s := fmt.Sprintf("rank %d has waited in %s for %s", w.rank, w.phase, human.Duration(max(w.since, 0)))
	if n := len(waiting) - 1; n > 0 {
		s += " (and " + plural(n, "more rank", "more ranks") + ")"
	}
	return s, Evidence{w.enteredAt, fmt.Sprintf("rank %d enters %s, %s ago", w.rank, w.phase, human.Duration(max(w.since, 0)))}
}

// crashSigns lists what shows that a rank crashed.
func (x *analysis) crashSigns(v *rankView) string {
	var signs []string
	if v.rs != nil && v.rs.crash != nil {
		signs = append(signs, "runner_crashed "+human.Duration(max(x.now.Sub(v.rs.crash.at), 0))+" ago")
	}
	if v.rs != nil && v.rs.errored != nil {
		e := "error " + human.Duration(max(x.now.Sub(v.rs.errored.at), 0)) + " ago"
		if d := summary(v.rs.errored.detail, 120); d != "" {
			e += ": " + d
		}
		signs = append(signs, e)
	}
	if v.gone {
		signs = append(signs, "its process is gone (processAlive false, "+v.state.StatusKind+")")
	}
	return strings.Join(signs, "; ")
}

func (x *analysis) crashEvidence(v *rankView) []Evidence {
	var ev []Evidence
	if v.rs != nil && v.rs.errored != nil {
		ev = append(ev, Evidence{v.rs.errored.loc, fmt.Sprintf("rank %d: error %s", v.rank, v.rs.errored.event)})
	}
	if v.rs != nil && v.rs.crash != nil {
		ev = append(ev, Evidence{v.rs.crash.loc, fmt.Sprintf("rank %d: %s", v.rank, eventRunnerCrashed)})
	}
	if v.gone {
		ev = append(ev, Evidence{v.state.Where, fmt.Sprintf("the snapshot has rank %d's process gone (%s)", v.rank, v.state.StatusKind)})
	}
	return ev
}

// lastEvidence shows where v stopped: its last entry, an eval timeout it
// did not recover from, and the snapshot's state of its runner.
func (x *analysis) lastEvidence(v *rankView) []Evidence {
	var ev []Evidence
	if v.rs != nil {
		ev = append(ev, Evidence{v.rs.last.loc, fmt.Sprintf("rank %d's last entry: %s %s, %s ago", v.rank, v.phase, v.event, human.Duration(max(x.now.Sub(v.rs.last.at), 0)))})
		if t := v.rs.timeout; t != nil && t.loc != v.rs.last.loc {
			ev = append(ev, Evidence{t.loc, fmt.Sprintf("rank %d's %s, %s ago, with no progress after it", v.rank, eventEvalTimeout, human.Duration(max(x.now.Sub(t.at), 0)))})
		}
	}
	if s := v.state; s != nil && v.timed {
		what := fmt.Sprintf("the snapshot has rank %d in %s for %s", v.rank, s.Phase, human.Duration(max(time.Duration(s.SecondsInPhase*float64(time.Second)), 0)))
		if !s.LastProgressAt.IsZero() {
			what += ", its last progress " + human.Duration(max(x.now.Sub(s.LastProgressAt), 0)) + " ago"
		}
		ev = append(ev, Evidence{s.Where, what})
	}
	return ev
}

// suspect adds a sign against rank v of u.
func (x *analysis) suspect(u *unit, instance string, kind Kind, v *rankView, reason string, evidence ...Evidence) *Suspect {
	k := suspectKey{u, v.rank}
	s := x.keyed[k]
	if s == nil {
		s = &Suspect{Kind: kind, TaskID: u.id, InstanceID: instance, Rank: v.rank, NodeID: v.node, RunnerID: v.runner, Evidence: []Evidence{}}
		x.keyed[k] = s
		x.keys = append(x.keys, k)
	}
	s.Reasons = append(s.Reasons, reason)
	for _, ev := range evidence {
		if ev.Path != "" && !slices.Contains(s.Evidence, ev) {
			s.Evidence = append(s.Evidence, ev)
		}
	}
	return s
}

// A missingNote gathers the finished tasks a rank never reported for.
type missingNote struct {
	rank, world  int64
	instance     string
	node, runner string
	tasks        []string
}

func (x *analysis) missingText(n *missingNote) string {
	s := fmt.Sprintf("rank %d (of %d)", n.rank, n.world)
	if n.instance != "" {
		s += " of instance " + n.instance
	}
	s += fmt.Sprintf(" never reported for %s that finished on the other ranks", plural(len(n.tasks), "task", "tasks"))
	if len(n.tasks) <= 3 {
		s += " (" + strings.Join(n.tasks, ", ") + ")"
	}
	nodes := x.unreachableFor(n.node)
	switch {
	case len(nodes) == 1:
		s += "; it is likely on node " + nodes[0].NodeID + ", unreachable: " + oneLine(nodes[0].Error, 200)
	case len(nodes) > 1:
		s += "; it is likely on one of the unreachable nodes"
	case n.runner != "":
		s += "; it is runner " + n.runner + " on node " + n.node + ", whose entries for them are missing"
	default:
		s += "; its entries for them are missing"
	}
	return s
}

func (x *analysis) crashText(u *unit, instance string, gone []*rankView) string {
	var ranks []int64
	when, detail := time.Time{}, ""
	for _, v := range gone {
		ranks = append(ranks, v.rank)
		for _, st := range []*step{v.rs.errored, v.rs.crash} {
			if st != nil && (when.IsZero() || st.at.Before(when)) {
				when = st.at
				if d := summary(st.detail, 120); d != "" {
					detail = ": " + d
				}
			}
		}
	}
	what := "task " + u.id
	if instance != "" {
		what += " of instance " + instance
	}
	if u.id == "" {
		what = "runner " + u.runner + " outside any task"
	}
	s := fmt.Sprintf("%s: %s crashed", what, rankList(ranks))
	if !when.IsZero() {
		s += " " + human.Duration(max(x.now.Sub(when), 0)) + " ago"
	}
	them := "it"
	if len(ranks) > 1 {
		them = "them"
	}
	return s + ", with no rank waiting on " + them + detail
}

// behindOf reports whether rank v stopped at a step w went past: v's way
// through the task is the start of w's. Ways that part at a step are
// ordered by the lifecycle order of the phases there, and a way the
// snapshot alone knows by its phase.
func behindOf(v, w *rankView) bool {
	if v.rs == nil || w.rs == nil || len(v.rs.runs) == 0 || len(w.rs.runs) == 0 {
		return before(v.phase, w.phase)
	}
	vr, wr := v.rs.runs, w.rs.runs
	n, ov, ow := shared(vr, wr)
	vDone, wDone := ov+n == len(vr), ow+n == len(wr)
	switch {
	case vDone:
		return !wDone
	case wDone:
		return false
	}
	return before(vr[ov+n].phase, wr[ow+n].phase)
}

// shared returns how many steps two ways share from where they meet, and
// where each starts then: a flight recorder keeps only its last entries,
// so one way may start later than the other.
func shared(x, y []run) (n, ox, oy int) {
	if len(x) > 0 && len(y) > 0 && x[0].phase != y[0].phase {
		if j := slices.IndexFunc(y, func(r run) bool { return r.phase == x[0].phase }); j >= 0 {
			oy = j
		} else if i := slices.IndexFunc(x, func(r run) bool { return r.phase == y[0].phase }); i >= 0 {
			ox = i
		}
	}
	for ox+n < len(x) && oy+n < len(y) && x[ox+n].phase == y[oy+n].phase {
		n++
	}
	return n, ox, oy
}

// summary returns what a detail says in one line: the last line of a
// Python traceback (the exception), else its first line; cut to n bytes.
func summary(detail string, n int) string {
	if strings.HasPrefix(detail, "Traceback") {
		lines := strings.Split(strings.TrimSpace(detail), "\n")
		return oneLine(lines[len(lines)-1], n)
	}
	return oneLine(detail, n)
}

// oneLine returns the first line of s, cut to at most n bytes.
func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(s)
	if len(s) > n {
		cut := n
		for cut > 0 && s[cut]&0xc0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// rankList writes ranks as "rank 1" or "ranks 0-2, 5".
func rankList(ranks []int64) string {
	ranks = slices.Clone(ranks)
	slices.Sort(ranks)
	var parts []string
	for i := 0; i < len(ranks); {
		j := i
		for j+1 < len(ranks) && ranks[j+1] == ranks[j]+1 {
			j++
		}
		p := itoa(ranks[i])
		if j > i {
			p += "-" + itoa(ranks[j])
		}
		parts = append(parts, p)
		i = j + 1
	}
	if len(ranks) == 1 {
		return "rank " + parts[0]
	}
	return "ranks " + strings.Join(parts, ", ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
