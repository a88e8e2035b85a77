package dump

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/rule"
)

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

// A runnerReader lifts the entries of one supervisor runner's flight
// recorder onto the runner, and checks that they name it.
type runnerReader struct {
	r        *Reader
	node     int // the node of a ClusterDiagnostics, or -1
	index    int // the runner among its node's
	recorder int // the recorder among the dump's
	pointer  string
	id       runnerIdentity
	contexts []contextSeen
}

// identityMember reads a member that says who the runner is.
func (rr *runnerReader) identityMember(key string, text []byte) {
	want := map[string]byte{"nodeId": '"', "runnerId": '"', "deviceRank": '0', "worldSize": '0'}[key]
	if want == 0 {
		return
	}
	got := text[0]
	if got == '-' || (got >= '0' && got <= '9') {
		got = '0'
	}
	if got != want || (want == '0' && !isInteger(text)) {
		return // the schema's to report, when the document is checked whole
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
		r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, Runner: true, Recorder: rr.recorder, NodeIndex: rr.node, RunnerIndex: rr.index, Item: item}})
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
	r.emit(Item{Entry: Entry{Raw: lifted, Line: line, Index: r.index, Recorder: rr.recorder, NodeIndex: rr.node, RunnerIndex: rr.index, Item: item}})
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
	_, err := jsonrt.ParseInt(lit)
	return err == nil
}

// sameInteger reports whether two JSON numbers are the same integer.
func sameInteger(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, errx := jsonrt.ParseInt(a)
	y, erry := jsonrt.ParseInt(b)
	return errx == nil && erry == nil && x.Cmp(y) == 0
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
