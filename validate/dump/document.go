package dump

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/rule"
)

// A Document is the rest of a ClusterTimeline, node dump, ClusterDiagnostics
// or capture: its members as written, with the entries read as a stream
// left out (an empty timeline, empty flight recorders). It is what the
// document's schema checks, and what a tool decodes for the document's
// other facts. Line maps an offset in Text back to a line of the input.
type Document struct {
	Text   []byte
	pieces []piece
}

// A piece is a run of Text copied from the input, starting at line.
type piece struct{ start, line int }

// add appends text that starts at line of the input.
func (d *Document) add(text []byte, line int) {
	d.pieces = append(d.pieces, piece{len(d.Text), line})
	d.Text = append(d.Text, text...)
}

// punct appends text of the document's own, such as a comma.
func (d *Document) punct(text ...byte) { d.Text = append(d.Text, text...) }

// Line returns the line of the input the byte at offset of Text comes from.
func (d *Document) Line(offset int) int {
	i := sort.Search(len(d.pieces), func(i int) bool { return d.pieces[i].start > offset }) - 1
	if i < 0 {
		if len(d.pieces) > 0 {
			return d.pieces[0].line
		}
		return 1
	}
	p := d.pieces[i]
	return p.line + bytes.Count(d.Text[p.start:min(offset, len(d.Text))], nl)
}

// Document returns the rest of the document once Read has returned, or nil
// for a dump of entries (NDJSON, an array).
func (r *Reader) Document() *Document {
	if r.doc == nil || len(r.doc.Text) == 0 {
		return nil
	}
	return r.doc
}

// KeywordRule is the rule of a violation the generated validators report
// with keyword k.
func KeywordRule(k timeline.Keyword) rule.ID {
	switch k {
	case timeline.KeywordSyntax:
		return rule.JSONSyntax
	case timeline.KeywordTruncated:
		return rule.JSONTruncated
	case timeline.KeywordTrailing:
		return rule.JSONTrailing
	case timeline.KeywordDuplicate:
		return rule.JSONDuplicateKey
	}
	return rule.Schema
}

// Omitted is the violation that stands for the n a generated validator
// found in a document beyond those it reports.
func Omitted(n int) Violation {
	return Violation{Rule: rule.Schema, Message: fmt.Sprintf("%d more violations of the schema, not listed: the first 64 are", n)}
}

// documentSchemas are the generated validators of the documents, by
// format: every format read as a document has one.
var documentSchemas = map[Format]func(*timeline.Validator, []byte) []timeline.Violation{
	Timeline: (*timeline.Validator).ClusterTimeline,
	Node:     (*timeline.Validator).NodeDiagnostics,
	Cluster:  (*timeline.Validator).ClusterDiagnostics,
	Capture:  (*timeline.Validator).DiagnosticCaptureResponse,
}

// checkDocument checks the document against its schema, once read whole:
// the members other than the entries, which were checked one by one.
func (r *Reader) checkDocument(start int) {
	check := documentSchemas[r.format]
	if check == nil {
		return
	}
	doc := r.doc
	var v timeline.Validator
	for _, vi := range check(&v, doc.Text) {
		at := doc.Line(vi.Offset)
		if vi.Keyword == timeline.KeywordRequired && strings.Count(vi.Pointer, "/") == 1 {
			at = start // a property the document lacks: the document's line
		}
		r.emit(Item{Problem: &Problem{Line: at, Entry: -1, Pointer: vi.Pointer, Severity: rule.Error, Rule: KeywordRule(vi.Keyword), Message: vi.Message}})
	}
	if n := v.Omitted(); n > 0 {
		o := Omitted(n)
		r.emit(Item{Problem: &Problem{Line: start, Entry: -1, Severity: rule.Error, Rule: o.Rule, Message: o.Message}})
	}
	v.DateTimes(func(i int, value []byte) bool {
		if _, id, msg := CheckTimestamp(value); id != 0 {
			pointer, offset := v.DateTimeAt(i)
			r.emit(Item{Problem: &Problem{Line: doc.Line(offset), Entry: -1, Pointer: pointer, Severity: id.Severity(), Rule: id, Message: msg}})
		}
		return true
	})
}
