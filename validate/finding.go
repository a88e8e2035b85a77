// Package validate checks recorded cluster timeline dumps, as operators
// save them from Skulk's timeline endpoint or from log pipelines, and as
// they are checked in CI: are they well-formed JSON, do the entries fit the
// schema, are the timestamps readable, is the timeline in order, and is the
// picture of ranks and world sizes consistent?
//
// Dumps are read as streams (NDJSON, a JSON array of entries, a
// ClusterTimeline object, or a node diagnostics object whose flight
// recorders are lifted onto their runners), gzipped or not, with memory
// bounded by the number of runners and tasks rather than of entries. Every
// problem is a Finding with a stable rule id; see Rules.
package validate

import "strconv"

// Severity says whether a finding fails validation.
type Severity int

// The severities, from least to most severe.
const (
	Warning Severity = iota + 1
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// A Finding is one problem found in a dump.
type Finding struct {
	// Path names the dump as given.
	Path string `json:"path"`
	// Line is the line where the entry starts (for NDJSON the line number,
	// otherwise the line of the entry's opening brace), or where the
	// problem was found when it concerns the dump itself.
	Line int `json:"line"`
	// Entry is the index of the entry among the dump's entries, or -1 when
	// the finding concerns the dump itself.
	Entry int `json:"entry"`
	// Pointer is the JSON pointer of the offending value inside the entry
	// (inside the document when Entry is -1), or "".
	Pointer  string   `json:"pointer"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

// The rule ids. They are stable: scripts and CI configurations match them.
const (
	ruleJSONSyntax    = "json-syntax"
	ruleJSONTruncated = "json-truncated"
	ruleJSONTrailing  = "json-trailing"
	ruleJSONDuplicate = "json-duplicate-key"
	ruleFormat        = "format"
	ruleSchema        = "schema"
	ruleTimestamp     = "timestamp"
	ruleOffset        = "timestamp-offset"
	ruleOrder         = "order"
	ruleRankRange     = "rank-range"
	ruleRunnerIdent   = "runner-identity"
	ruleTaskWorldSize = "task-world-size"
	ruleTaskRank      = "task-rank-conflict"
	ruleMissingRank   = "task-missing-rank"
	ruleDuplicate     = "duplicate-entry"
	ruleEmpty         = "empty"
	ruleBOM           = "json-bom"
	readError         = "read"

	jsonSyntax    = ruleJSONSyntax
	jsonTruncated = ruleJSONTruncated
)

// A Rule describes one kind of finding.
type Rule struct {
	ID       string
	Severity Severity
	Summary  string
}

// Rules lists every rule validate applies, in the order the checks run.
var Rules = []Rule{
	{ruleJSONSyntax, Error, "not well-formed JSON: a syntax error, invalid UTF-8 (even where Go's decoder would replace it), a lone surrogate escape, NaN or Infinity, or nesting deeper than 512 levels"},
	{ruleJSONTruncated, Error, "the input ends inside a value: a cut-off line or file"},
	{ruleJSONTrailing, Error, "data after the end of the JSON value (or of an NDJSON line's entry)"},
	{ruleJSONDuplicate, Error, "an object names the same property twice"},
	{ruleBOM, Warning, "the file starts with a UTF-8 byte order mark, which JSON does not allow; it is skipped"},
	{ruleFormat, Error, "the input is none of the dump formats: NDJSON, a JSON array of entries, a ClusterTimeline object or a node diagnostics object"},
	{readError, Error, "the input could not be read to its end (for example a corrupt gzip stream)"},
	{ruleSchema, Error, "an entry (or the rest of a ClusterTimeline object) does not fit the schema; the pointer names the value"},
	{ruleTimestamp, Error, "a timestamp (at, mlxMemory.generatedAt) is not RFC 3339 as Python's isoformat writes it, or has no UTC offset"},
	{ruleOffset, Warning, "a timestamp is written with a UTC offset other than zero"},
	{ruleOrder, Error, "an entry sorts before the entry it follows (by the instant of at, then nodeId, deviceRank, runnerId)"},
	{ruleRankRange, Error, "worldSize is below 1, or deviceRank is outside [0, worldSize)"},
	{ruleRunnerIdent, Error, "a runner changes its nodeId, deviceRank or worldSize within the dump, or a node dump's entry names another runner than the one that holds it"},
	{ruleTaskWorldSize, Error, "entries of one task disagree on worldSize"},
	{ruleTaskRank, Error, "one rank of a task is held by two runners"},
	{ruleMissingRank, Warning, "a rank in [0, worldSize) of a task never reported: a missing dump, or a rank that never started"},
	{ruleDuplicate, Warning, "the same entry appears twice, the signature of a merge that double-counted"},
	{ruleEmpty, Warning, "the dump holds no entries at all"},
}

func itoa(n int) string { return strconv.Itoa(n) }
