package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
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
func (c *entryChecker) check(e *dump.Entry, out []Finding, f *facts, arena *[]byte) []Finding {
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
func (c *entryChecker) generatedViolations(out []Finding, e *dump.Entry, vs []timeline.Violation) ([]Finding, bool) {
	for _, v := range vs {
		if v.Keyword.Malformed() {
			return violationFinding(out, e, dump.Violation{Pointer: v.Pointer, Rule: dump.KeywordRule(v.Keyword), Message: v.Message}), false
		}
	}
	for _, v := range vs {
		out = violationFinding(out, e, dump.Violation{Pointer: v.Pointer, Rule: dump.KeywordRule(v.Keyword), Message: v.Message})
	}
	if n := c.v.Omitted(); n > 0 {
		out = violationFinding(out, e, dump.Omitted(n))
	}
	return out, true
}

// violationFinding appends the finding of a violation of entry e.
func violationFinding(out []Finding, e *dump.Entry, v dump.Violation) []Finding {
	return append(out, Finding{Line: e.Line, Entry: e.Index, Pointer: v.Pointer, Severity: rule.Error, Rule: v.Rule, Message: v.Message})
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
func (c *entryChecker) checkGeneral(e *dump.Entry, out []Finding, f *facts, keep func([]byte) []byte) []Finding {
	if limit := c.schema.maxEntry; len(e.Raw) > limit {
		return append(out, Finding{Line: e.Line, Entry: e.Index, Severity: rule.Error, Rule: rule.TooLarge,
			Message: fmt.Sprintf("the entry is %d bytes, over the %d bytes --schema checks (--max-schema-entry-bytes): jsonschema/v5 needs about 80 times an entry's size in memory; it is not checked", len(e.Raw), limit)})
	}
	value, vs, shadowed := dump.DecodeDocument(e.Raw)
	for _, v := range vs {
		out = violationFinding(out, e, v)
	}
	if !dump.WellFormed(vs) {
		return out
	}
	out = c.checkValue(out, e, value, nil)
	// Every occurrence of a repeated property is checked, as the
	// generated validator checks them: each earlier one in a copy of the
	// entry that holds it, keeping what is found below it.
	for _, sh := range shadowed[:min(len(shadowed), maxShadowed)] {
		out = c.checkValue(out, e, substitute(value, sh.Path, sh.Value), sh.Path)
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

// maxShadowed bounds the earlier occurrences of repeated properties the
// general path checks in one entry.
const maxShadowed = 16

// checkValue appends the findings of the schema and of the timestamps in
// value; with under set, only those at or below that path.
func (c *entryChecker) checkValue(out []Finding, e *dump.Entry, value any, under []string) []Finding {
	prefix := pointerOfPath(under)
	below := func(p string) bool {
		return under == nil || p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	for _, v := range c.schema.validate(value) {
		// A repeated member's name is reported once, with its first value.
		if below(v.Pointer) && !(under != nil && v.Pointer == prefix && v.ofName) {
			out = violationFinding(out, e, v.Violation)
		}
	}
	for _, path := range c.schema.dateTimes {
		if p := pointerOfPath(path); below(p) {
			if s, ok := lookup(value, path).(string); ok {
				out, _, _ = checkTimestamp(out, e, []byte(s), func() string { return p })
			}
		}
	}
	return out
}

// substitute returns v with the value at path replaced by x, copying the
// objects and arrays on the way so that v itself is unchanged.
func substitute(v any, path []string, x any) any {
	if len(path) == 0 {
		return x
	}
	switch v := v.(type) {
	case map[string]any:
		m := maps.Clone(v)
		m[path[0]] = substitute(v[path[0]], path[1:], x)
		return m
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(v) {
			return v
		}
		s := slices.Clone(v)
		s[i] = substitute(v[i], path[1:], x)
		return s
	}
	return v
}

func pointerOfPath(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return "/" + strings.Join(escapeAll(path), "/")
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
		out[i] = dump.EscapeToken(p)
	}
	return out
}

// checkTimestamp checks one date-time value (dump.CheckTimestamp) and
// appends its finding. It returns the instant, when the value names one.
func checkTimestamp(out []Finding, e *dump.Entry, value []byte, pointer func() string) ([]Finding, jsonrt.Timestamp, bool) {
	ts, id, msg := dump.CheckTimestamp(value)
	if id != 0 {
		out = append(out, Finding{Line: e.Line, Entry: e.Index, Pointer: pointer(), Severity: id.Severity(), Rule: id, Message: msg})
	}
	return out, ts, id != rule.Timestamp
}
