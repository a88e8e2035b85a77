package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
)

// facts are what the rules across entries need to know of one entry.
// Strings point into memory the entry's batch owns.
type facts struct {
	// usable reports that the entry is well-formed JSON; the fields that
	// are set below passed the schema's type checks.
	usable                   bool
	at                       []byte
	atKey                    jsonrt.TimeKey
	nodeID, runnerID, taskID []byte
	hasTask                  bool
	rank, world              jsonrt.Int
	hasRank, hasWorld        bool
	hash                     uint64
}

// An entryChecker checks entries one at a time: the schema, and the
// timestamps. Each goroutine of a validation has its own.
type entryChecker struct {
	schema *Schema // nil: the generated validator of the built-in schema
	v      timeline.Validator
	view   timeline.ClusterTimelineEntryView
	seed   maphash.Seed
}

// check checks the entry e, appending its findings to out and filling f;
// strings f keeps are copied into *arena.
func (c *entryChecker) check(e *Entry, out []Finding, f *facts, arena *[]byte) []Finding {
	*f = facts{}
	keep := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		start := len(*arena)
		*arena = append(*arena, b...)
		return (*arena)[start:len(*arena):len(*arena)]
	}
	f.hash = maphash.Bytes(c.seed, e.Raw)

	if e.Runner {
		// A node dump's entry that could not be lifted: check it against
		// its own schema, so that the pointers name what the dump holds.
		out, ok := c.generatedViolations(out, e, c.v.RunnerFlightRecorderEntry(e.Raw))
		if ok {
			c.v.DateTimes(func(i int, value []byte) bool {
				out, _, _ = checkTimestamp(out, e, value, func() string { return c.dateTimePointer(i) })
				return true
			})
		}
		return out
	}

	if c.schema != nil {
		return c.checkGeneral(e, out, f, keep)
	}

	out, ok := c.generatedViolations(out, e, c.v.ClusterTimelineEntry(e.Raw, &c.view))
	if !ok {
		return out
	}
	view := &c.view
	c.v.DateTimes(func(i int, value []byte) bool {
		var ts jsonrt.Timestamp
		var ok bool
		out, ts, ok = checkTimestamp(out, e, value, func() string { return c.dateTimePointer(i) })
		if ok && !f.atKey.Valid && bytes.Equal(value, view.At) {
			f.atKey = jsonrt.TimeKey{Timestamp: ts, Valid: true}
		}
		return true
	})
	f.usable = true
	f.at, f.nodeID, f.runnerID = keep(view.At), keep(view.NodeID), keep(view.RunnerID)
	if view.TaskID != nil {
		f.taskID, f.hasTask = keep(view.TaskID), true
	}
	f.rank, f.hasRank = integerFact(view.DeviceRank)
	f.world, f.hasWorld = integerFact(view.WorldSize)
	if f.at != nil && !f.atKey.Valid {
		f.atKey = jsonrt.MakeTimeKey(f.at)
	}
	return out
}

// dateTimePointer is the JSON pointer of the i-th date-time value the
// validator found.
func (c *entryChecker) dateTimePointer(i int) string {
	pointer, _ := c.v.DateTimeAt(i)
	return pointer
}

// generatedViolations appends the findings of the generated validator's
// violations. An entry that is not well-formed JSON gets only that
// finding: what the validator found before the syntax error is partial,
// and the general path cannot read the entry at all. ok reports a
// well-formed entry.
func (c *entryChecker) generatedViolations(out []Finding, e *Entry, vs []timeline.Violation) ([]Finding, bool) {
	for _, v := range vs {
		if v.Keyword == timeline.KeywordSyntax {
			return violationFinding(out, e, violation{pointer: v.Pointer, keyword: v.Keyword.String(), message: v.Message}), false
		}
	}
	for _, v := range vs {
		out = violationFinding(out, e, violation{pointer: v.Pointer, keyword: v.Keyword.String(), message: v.Message})
	}
	return out, true
}

// violationFinding appends the finding of a violation of entry e.
func violationFinding(out []Finding, e *Entry, v violation) []Finding {
	return append(out, Finding{Line: e.Line, Entry: e.Index, Pointer: v.pointer, Severity: Error, Rule: ruleOf(v.keyword, v.message), Message: v.message})
}

// integerFact reads an integer kept as its literal, of any size. A
// literal that is not a whole number is the schema rule's to report, and
// yields nothing.
func integerFact(lit []byte) (jsonrt.Int, bool) {
	if lit == nil {
		return jsonrt.Int{}, false
	}
	n, err := jsonrt.ParseInt(lit)
	return n, err == nil
}

// checkGeneral checks an entry with the jsonschema/v5 schema.
func (c *entryChecker) checkGeneral(e *Entry, out []Finding, f *facts, keep func([]byte) []byte) []Finding {
	value, vs := decodeValue(e.Raw)
	for _, v := range vs {
		out = violationFinding(out, e, v)
	}
	for _, v := range vs {
		if v.keyword == "syntax" {
			return out
		}
	}
	for _, v := range c.schema.validate(value) {
		out = violationFinding(out, e, v)
	}
	for _, path := range c.schema.dateTimes {
		if s, ok := lookup(value, path).(string); ok {
			out, _, _ = checkTimestamp(out, e, []byte(s), func() string { return "/" + strings.Join(escapeAll(path), "/") })
		}
	}
	m, _ := value.(map[string]any)
	f.usable = m != nil
	str := func(key string) []byte {
		if s, ok := m[key].(string); ok {
			return keep([]byte(s))
		}
		return nil
	}
	num := func(key string) []byte {
		if n, ok := m[key].(json.Number); ok {
			return []byte(n)
		}
		return nil
	}
	f.at, f.nodeID, f.runnerID = str("at"), str("nodeId"), str("runnerId")
	if t := str("taskId"); t != nil {
		f.taskID, f.hasTask = t, true
	}
	f.rank, f.hasRank = integerFact(num("deviceRank"))
	f.world, f.hasWorld = integerFact(num("worldSize"))
	if f.at != nil {
		f.atKey = jsonrt.MakeTimeKey(f.at)
	}
	return out
}

func lookup(v any, path []string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func escapeAll(path []string) []string {
	out := make([]string, len(path))
	for i, p := range path {
		out[i] = escapeToken(p)
	}
	return out
}

// checkTimestamp checks one date-time value: it must be RFC 3339 as
// Python's isoformat writes it, and should be in UTC. It returns the
// instant, when the value names one.
func checkTimestamp(out []Finding, e *Entry, value []byte, pointer func() string) ([]Finding, jsonrt.Timestamp, bool) {
	ts, err := jsonrt.ParseTimestamp(value)
	switch {
	case err != nil:
		out = append(out, Finding{Line: e.Line, Entry: e.Index, Pointer: pointer(), Severity: Error, Rule: ruleTimestamp,
			Message: fmt.Sprintf("%q: %v", value, err)})
		return out, ts, false
	case ts.Offset != 0:
		out = append(out, Finding{Line: e.Line, Entry: e.Index, Pointer: pointer(), Severity: Warning, Rule: ruleOffset,
			Message: fmt.Sprintf("%q is written with UTC offset %s; cluster timestamps are written in UTC", value, formatOffset(ts.Offset))})
	}
	return out, ts, true
}

func formatOffset(seconds int32) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, seconds/3600, seconds/60%60)
	if seconds%60 != 0 {
		s += fmt.Sprintf(":%02d", seconds%60)
	}
	return s
}

// ruleOf is the rule of a violation the validators report.
func ruleOf(keyword, message string) string {
	switch keyword {
	case "syntax":
		switch {
		case strings.Contains(message, "unexpected end"):
			return ruleJSONTruncated
		case strings.Contains(message, "after the top-level value"):
			return ruleJSONTrailing
		}
		return ruleJSONSyntax
	case "duplicate":
		return ruleJSONDuplicate
	}
	return ruleSchema
}
