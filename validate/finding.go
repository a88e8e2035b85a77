// Package validate checks cluster timeline dumps: their JSON, schema,
// timestamps, order, ranks and world sizes.
//
// The dumps are those operators save from Skulk's endpoints or log
// pipelines, and CI checks.
//
// Dumps are read as streams by package dump, gzipped or not, with memory
// bounded by the number of runners and tasks rather than of entries. Every
// problem is a Finding with a stable rule id; see package rule.
package validate

import "github.com/flightline-dev/flightline/validate/rule"

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
	Pointer  string        `json:"pointer"`
	Severity rule.Severity `json:"severity"`
	Rule     rule.ID       `json:"rule"`
	Message  string        `json:"message"`
}
