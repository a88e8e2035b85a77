package schema

import "fmt"

// A node is one schema as a frontend read it, before the builder decides
// what Go type it becomes. Both frontends (JSON Schema files and OpenAPI
// documents) produce nodes, so the rules that turn a schema into types live
// in one place.
type node struct {
	loc string // file#/json/pointer, for messages

	// ref is set when the node is a reference and target is what it points
	// to. defName is the definition name of a node that is a document root
	// or sits under $defs, definitions or components/schemas.
	ref     string
	target  *node
	defName string

	types       []string // the type keyword, as written
	title       string
	description string
	format      string
	enum        []*jsonNode // enum values; const becomes a one-value enum
	hasEnum     bool
	dflt        *jsonNode

	props    []nodeProp
	required []string
	// additional is the additionalProperties schema; closed reports
	// additionalProperties: false and open reports true.
	additional *node
	closed     bool
	open       bool
	items      *node

	anyOf, oneOf, allOf []*node

	order []string // x-flightline-order
	lift  *liftSpec

	// unsupported names the first keyword the builder cannot represent.
	unsupported string
	// siblings lists keywords written next to $ref that constrain values.
	siblings []string
}

type nodeProp struct {
	name string
	n    *node
}

// liftSpec is the x-flightline-lift annotation as written.
type liftSpec struct {
	loc  string
	into string
	set  [][2]string // target field, JSON pointer into the source
	drop []string
}

// An Error is a problem with a schema, located by a JSON pointer.
type Error struct {
	Loc string // file#/json/pointer
	Msg string
}

func (e *Error) Error() string { return e.Loc + ": " + e.Msg }

func errorf(loc, format string, args ...any) error {
	return &Error{Loc: loc, Msg: fmt.Sprintf(format, args...)}
}

// annotationKeywords carry meaning for readers but not for values; the
// builder reads title and description and ignores the rest.
var annotationKeywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true, "definitions": true,
	"title": true, "description": true, "examples": true, "example": true,
	"deprecated": true, "readOnly": true, "writeOnly": true,
}
