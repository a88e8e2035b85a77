package dump

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/rule"
)

// supervisorRunners reads the runners of a node dump, member by member,
// and lifts the entries of their flight recorders as they stream past:
// memory is bounded by the largest entry or member, not by a runner.
func (r *Reader) supervisorRunners() bool {
	return r.elements("the supervisorRunners array", "the runner", r.runner)
}

// checkNodeMembers checks that the members of a node dump other than its
// runners are well-formed JSON.
func (r *Reader) checkNodeMembers() {
	for _, m := range r.members {
		if m.Raw == nil {
			continue
		}
		_, vs := DecodeValue(m.Raw)
		r.jsonProblems(vs, m.Raw, m.Line, "/"+escapeToken(m.Key))
	}
}

// jsonProblems reports the syntax errors and duplicate properties of a
// value the reader checked whole; text starts at line, at pointer. It
// reports whether the value is well-formed.
func (r *Reader) jsonProblems(vs []Violation, text []byte, line int, pointer string) bool {
	for _, v := range vs {
		at := line + bytes.Count(text[:min(v.Offset, len(text))], nl)
		r.emit(Item{Problem: &Problem{Line: at, Entry: -1, Pointer: pointer + v.Pointer, Severity: rule.Error, Rule: v.Rule, Message: v.Message}})
	}
	return WellFormed(vs)
}

// runnerIdentity is who a supervisor runner says it is, or its entries'
// context says: a field not stated is nil. Ranks are kept as written.
type runnerIdentity struct {
	node, runner *string
	rank, world  []byte
}

// contextSeen is an identity the entries of a runner's flight recorder
// named before the runner's own identity was known, and its first entry.
type contextSeen struct {
	id          runnerIdentity
	index, line int
}

// maxContextsSeen bounds the identities remembered for one runner.
const maxContextsSeen = 8

// A runnerReader reads one supervisor runner.
type runnerReader struct {
	r        *Reader
	index    int
	pointer  string
	line     int
	id       runnerIdentity
	contexts []contextSeen
	skeleton skeleton
	seen     map[string]bool
}

// runner reads the supervisor runner at the current position, the ri-th.
func (r *Reader) runner(ri int) (int, bool) {
	s := r.src
	c, _ := s.peek()
	rr := &runnerReader{r: r, index: ri, pointer: "/supervisorRunners/" + itoa(ri), line: s.line, seen: map[string]bool{}}
	if c != '{' {
		_, line, ferr := s.frame()
		if ferr != nil && !ferr.skipped {
			r.frameProblem(ferr)
			return line, false
		}
		r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: rr.pointer, Severity: rule.Error, Rule: rule.Schema,
			Message: "got " + kindOfByte(c) + ", want a supervisor runner object"}})
		rr.skeleton.add([]byte("null"), line)
		r.skeletons = append(r.skeletons, &rr.skeleton)
		return line, true
	}
	s.pos++ // {
	rr.skeleton.add([]byte{'{'}, rr.line)
	ok := r.objectMembers("the runner that starts at line "+itoa(rr.line), rr.member)
	if !ok {
		return rr.line, false
	}
	rr.skeleton.punct('}')
	r.skeletons = append(r.skeletons, &rr.skeleton)
	rr.checkContexts()
	return rr.line, true
}

// objectMembers reads the members of the object whose '{' was just read,
// calling member with each name; member reads the value from the source
// and reports whether reading can go on. what names the object in
// messages. It reports whether the object was read to its end.
func (r *Reader) objectMembers(what string, member func(key string, keyLine int) bool) bool {
	s := r.src
	c, ok := s.peek()
	for ok && c != '}' && !r.stopped {
		if c != '"' {
			r.problem(s.line, rule.JSONSyntax, "want a property name, found "+quoteByte(c), true)
			return false
		}
		key, keyLine, ok := r.propertyName()
		if !ok {
			return false
		}
		if !s.expect(':') {
			r.problem(s.line, rule.JSONSyntax, "want ':' after the property name "+strconv.Quote(key), true)
			return false
		}
		if _, ok := s.peek(); !ok {
			r.truncated(what)
			return false
		}
		if !member(key, keyLine) || r.stopped {
			return false
		}
		c, ok = s.peek()
		switch {
		case !ok:
			r.truncated(what)
			return false
		case c == ',':
			s.pos++
			c, ok = s.peek()
			if ok && c == '}' {
				r.problem(s.line, rule.JSONSyntax, "a comma before '}'", true)
				return false
			}
		case c != '}':
			r.problem(s.line, rule.JSONSyntax, "want ',' or '}' after the value of "+strconv.Quote(key)+", found "+quoteByte(c), true)
			return false
		}
	}
	if !ok {
		r.truncated(what)
		return false
	}
	if r.stopped {
		return false
	}
	s.pos++ // }
	return true
}

// member reads one member of the runner.
func (rr *runnerReader) member(key string, keyLine int) bool {
	r, s := rr.r, rr.r.src
	pointer := rr.pointer + "/" + escapeToken(key)
	if rr.seen[key] {
		r.emit(Item{Problem: &Problem{Line: keyLine, Entry: -1, Pointer: pointer, Severity: rule.Error, Rule: rule.JSONDuplicateKey, Message: "property given more than once"}})
	}
	dup := rr.seen[key]
	rr.seen[key] = true
	if len(rr.skeleton.Text) > 1 {
		rr.skeleton.punct(',')
	}
	name, _ := marshalKey(key)
	rr.skeleton.add(name, keyLine)
	rr.skeleton.punct(':')
	if c, _ := s.peek(); key == "flightRecorder" && c == '[' && !dup {
		rr.skeleton.punct('[', ']')
		return r.elements("the flight recorder of runner "+itoa(rr.index), "the entry", rr.entry)
	}
	text, line, ferr := s.frame()
	if ferr != nil {
		r.frameProblem(ferr)
		rr.skeleton.punct([]byte("null")...)
		return ferr.skipped
	}
	rr.skeleton.add(text, line)
	_, vs := DecodeValue(text)
	if !r.jsonProblems(vs, text, line, pointer) {
		return true
	}
	if key == "flightRecorder" {
		r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer, Severity: rule.Error, Rule: rule.Schema,
			Message: "got " + kindOfByte(text[0]) + ", want an array of flight-recorder entries"}})
		return true
	}
	rr.identityMember(key, text, line, pointer)
	return true
}

// identityMember reads a member that says who the runner is.
func (rr *runnerReader) identityMember(key string, text []byte, line int, pointer string) {
	want := map[string]byte{"nodeId": '"', "runnerId": '"', "deviceRank": '0', "worldSize": '0'}[key]
	if want == 0 {
		return
	}
	got := text[0]
	if got == '-' || (got >= '0' && got <= '9') {
		got = '0'
	}
	if got != want || (want == '0' && !isInteger(text)) {
		kind := map[byte]string{'"': "string", '0': "integer"}[want]
		rr.r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer, Severity: rule.Error, Rule: rule.Schema,
			Message: "got " + describeValue(text) + ", want " + kind}})
		return
	}
	switch key {
	case "nodeId", "runnerId":
		var v string
		json.Unmarshal(text, &v)
		if key == "nodeId" {
			rr.id.node = &v
		} else {
			rr.id.runner = &v
		}
	case "deviceRank":
		rr.id.rank = bytes.Clone(text)
	case "worldSize":
		rr.id.world = bytes.Clone(text)
	}
}

// entry reads one entry of the runner's flight recorder, the item-th, and
// lifts it onto the runner, as Skulk does when it builds the cluster
// timeline.
func (rr *runnerReader) entry(item int) (int, bool) {
	r := rr.r
	raw, line, ferr := r.src.frame()
	switch {
	case ferr != nil && ferr.skipped:
		r.skippedEntry(ferr)
		return line, true
	case ferr != nil:
		r.frameProblem(ferr)
		return line, false
	}
	lifted, err := timeline.LiftRunnerFlightRecorderEntryJSON(r.lift[:0], raw)
	if err != nil {
		r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, Runner: true, RunnerIndex: rr.index, Item: item}})
		r.index++
		return line, true
	}
	r.lift = lifted
	if ctx, ok := entryContext(raw); ok {
		// The identity members of the runner usually come before its
		// flight recorder; when they come after, the entries' contexts are
		// checked once the runner has been read.
		if rr.identityKnown() {
			rr.checkContext(ctx, r.index, line)
		} else if !slices.ContainsFunc(rr.contexts, func(c contextSeen) bool { return c.id.equal(&ctx) }) && len(rr.contexts) < maxContextsSeen {
			rr.contexts = append(rr.contexts, contextSeen{ctx, r.index, line})
		}
	}
	r.emit(Item{Entry: Entry{Raw: lifted, Line: line, Index: r.index, RunnerIndex: rr.index, Item: item}})
	r.index++
	return line, true
}

// identityKnown reports whether the runner's members seen so far say all
// of who it is.
func (rr *runnerReader) identityKnown() bool {
	return rr.id.node != nil && rr.id.runner != nil && rr.id.rank != nil && rr.id.world != nil
}

// checkContexts checks the contexts of entries read before the runner's
// identity.
func (rr *runnerReader) checkContexts() {
	for _, c := range rr.contexts {
		rr.checkContext(c.id, c.index, c.line)
	}
}

// checkContext reports an entry whose context is not the runner that holds
// it.
func (rr *runnerReader) checkContext(ctx runnerIdentity, index, line int) {
	id := &rr.id
	differs := (id.node != nil && ctx.node != nil && *id.node != *ctx.node) ||
		(id.runner != nil && ctx.runner != nil && *id.runner != *ctx.runner) ||
		(id.rank != nil && ctx.rank != nil && !sameInteger(id.rank, ctx.rank)) ||
		(id.world != nil && ctx.world != nil && !sameInteger(id.world, ctx.world))
	if differs {
		rr.r.emit(Item{Problem: &Problem{Line: line, Entry: index, Pointer: "/context", Severity: rule.Error, Rule: rule.RunnerIdentity,
			Message: fmt.Sprintf("the entry's context (%s) is not the supervisor runner that holds it (%s); the entry is lifted onto its context",
				ctx.describe(), id.describe())}})
	}
}

func (a *runnerIdentity) equal(b *runnerIdentity) bool {
	same := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return same(a.node, b.node) && same(a.runner, b.runner) && bytes.Equal(a.rank, b.rank) && bytes.Equal(a.world, b.world)
}

// entryContext reads the runner identity in a flight-recorder entry's
// context, which a lifted entry takes over.
func entryContext(raw []byte) (runnerIdentity, bool) {
	var e struct {
		Context *struct {
			NodeID    *string     `json:"nodeId"`
			RunnerID  *string     `json:"runnerId"`
			Rank      json.Number `json:"rank"`
			WorldSize json.Number `json:"worldSize"`
		} `json:"context"`
	}
	if json.Unmarshal(raw, &e) != nil || e.Context == nil {
		return runnerIdentity{}, false
	}
	c := e.Context
	return runnerIdentity{node: c.NodeID, runner: c.RunnerID, rank: []byte(c.Rank), world: []byte(c.WorldSize)}, true
}

// describe writes a runner's identity as "node "a", runner "r", rank 1 of
// 2", leaving out what is unknown.
func (id *runnerIdentity) describe() string {
	var parts []string
	if id.node != nil {
		parts = append(parts, "node "+strconv.Quote(*id.node))
	}
	if id.runner != nil {
		parts = append(parts, "runner "+strconv.Quote(*id.runner))
	}
	switch {
	case id.rank != nil && id.world != nil:
		parts = append(parts, fmt.Sprintf("rank %s of %s", id.rank, id.world))
	case id.rank != nil:
		parts = append(parts, fmt.Sprintf("rank %s", id.rank))
	case id.world != nil:
		parts = append(parts, fmt.Sprintf("world size %s", id.world))
	}
	return strings.Join(parts, ", ")
}

// isInteger reports whether a JSON number is a whole number, of any size.
func isInteger(lit []byte) bool {
	f, ok := new(big.Float).SetPrec(0).SetString(string(lit))
	return ok && f.IsInt()
}

// sameInteger reports whether two JSON numbers are the same integer.
func sameInteger(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, okx := new(big.Float).SetPrec(0).SetString(string(a))
	y, oky := new(big.Float).SetPrec(0).SetString(string(b))
	return okx && oky && x.Cmp(y) == 0
}

// kindOfByte names the JSON kind of a value by its first byte, as the
// generated validators name it.
func kindOfByte(c byte) string {
	switch {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	}
	return "number"
}

// describeValue names a value in a message: its kind, and a number as
// written.
func describeValue(text []byte) string {
	if k := kindOfByte(text[0]); k != "number" {
		return k
	}
	return "number " + string(text)
}

// marshalKey is the JSON text of a property name, with nothing escaped
// that JSON does not require.
func marshalKey(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), nl), nil
}
