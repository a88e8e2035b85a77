// Package rule names the checks flightline applies to dumps, with stable ids.
//
// Rule ids are a typed vocabulary: code compares IDs, never their text, and
// the text (json-syntax, order, ...) is what reports, scripts and CI
// configurations match.
package rule

import "fmt"

// An ID names one rule.
type ID uint8

// The rules, in the order the checks run.
const (
	JSONSyntax ID = iota + 1
	JSONTruncated
	JSONTrailing
	JSONDuplicateKey
	JSONBOM
	Format
	Read
	TooLarge
	Schema
	Timestamp
	TimestampOffset
	Order
	RecorderOrder
	RankRange
	RunnerIdentity
	RunnerChanged
	TaskWorldSize
	TaskRankConflict
	TaskMissingRank
	DuplicateEntry
	Empty
)

// A Severity says whether a finding fails validation.
type Severity uint8

// The severities, from least to most severe.
const (
	Warning Severity = iota + 1
	Error
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// A Rule describes one kind of finding.
type Rule struct {
	ID       ID
	Name     string
	Severity Severity
	Summary  string
}

// All lists every rule, in the order the checks run.
var All = []Rule{
	{JSONSyntax, "json-syntax", Error, "not well-formed JSON: a syntax error, invalid UTF-8 (even where Go's decoder would replace it), a lone surrogate escape, NaN or Infinity, or nesting deeper than 512 levels"},
	{JSONTruncated, "json-truncated", Error, "the input ends inside a value: a cut-off line or file"},
	{JSONTrailing, "json-trailing", Error, "data after the end of the JSON value (or of an NDJSON line's entry)"},
	{JSONDuplicateKey, "json-duplicate-key", Error, "an object names the same property twice"},
	{JSONBOM, "json-bom", Warning, "the file starts with a UTF-8 byte order mark, which JSON does not allow; it is skipped"},
	{Format, "format", Error, "the input is none of the dump formats: NDJSON, a JSON array of entries, a ClusterTimeline object or a node diagnostics object"},
	{Read, "read", Error, "the input could not be read to its end (for example a corrupt gzip stream)"},
	{TooLarge, "too-large", Error, "an entry (an NDJSON line, an array element, a member of a document) is larger than --max-entry-bytes; it is skipped unread"},
	{Schema, "schema", Error, "an entry (or the rest of a ClusterTimeline object) does not fit the schema; the pointer names the value"},
	{Timestamp, "timestamp", Error, "a timestamp (at, mlxMemory.generatedAt) is not RFC 3339 as Python's isoformat writes it, or has no UTC offset"},
	{TimestampOffset, "timestamp-offset", Warning, "a timestamp is written with a UTC offset other than zero"},
	{Order, "order", Error, "an entry of a merged timeline sorts before the entry it follows, by the instant of at, then nodeId and deviceRank (entries equal on all three may come in any order)"},
	{RecorderOrder, "recorder-order", Warning, "in a node dump, an entry's at is an earlier instant than the entry before it in its runner's flight recorder, which appends in arrival order"},
	{RankRange, "rank-range", Error, "worldSize is below 1, or deviceRank is outside [0, worldSize)"},
	{RunnerIdentity, "runner-identity", Error, "an entry of a flight recorder names, in its context, another runner than the supervisor runner that holds it"},
	{RunnerChanged, "runner-changed", Warning, "a runner changes its nodeId, deviceRank or worldSize within the dump: a runner keeps them for life, so entries of two runners carry one id"},
	{TaskWorldSize, "task-world-size", Error, "entries of one task disagree on worldSize"},
	{TaskRankConflict, "task-rank-conflict", Error, "one rank of a task is held by two runners"},
	{TaskMissingRank, "task-missing-rank", Warning, "a rank in [0, worldSize) of a task never reported: a missing dump, or a rank that never started"},
	{DuplicateEntry, "duplicate-entry", Warning, "the same entry appears twice, the signature of a merge that double-counted"},
	{Empty, "empty", Warning, "the dump holds no entries at all"},
}

// Of returns the description of the rule id.
func Of(id ID) Rule {
	if id > 0 && int(id) <= len(All) {
		return All[id-1]
	}
	return Rule{ID: id, Name: fmt.Sprintf("rule(%d)", uint8(id))}
}

func (id ID) String() string { return Of(id).Name }

// Severity is the severity of the rule's findings.
func (id ID) Severity() Severity { return Of(id).Severity }

// MarshalText writes the rule's id as reports show it.
func (id ID) MarshalText() ([]byte, error) {
	if id == 0 || int(id) > len(All) {
		return nil, fmt.Errorf("rule: unknown id %d", uint8(id))
	}
	return []byte(id.String()), nil
}

// UnmarshalText reads a rule id as reports show it.
func (id *ID) UnmarshalText(text []byte) error {
	p, ok := Parse(string(text))
	if !ok {
		return fmt.Errorf("rule: unknown rule %q", text)
	}
	*id = p
	return nil
}

// Parse returns the rule named name.
func Parse(name string) (ID, bool) {
	for _, r := range All {
		if r.Name == name {
			return r.ID, true
		}
	}
	return 0, false
}
