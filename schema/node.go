package schema

import (
	"fmt"
	"strconv"
	"strings"
)

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

	// text is the schema object as written in an OpenAPI document's JSON
	// text, or nil (a YAML document, or a JSON Schema document): keywords
	// kin-openapi does not keep as written are read from it.
	text *jsonNode

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
	noItems    bool // items: false

	anyOf, oneOf, allOf []*node
	// not, ifNode, thenNode and elseNode are the schemas of not, if,
	// then and else.
	not, ifNode, thenNode, elseNode *node
	// prefixItems are the schemas of an array's first items, and
	// patternProps those of the properties whose names match a pattern.
	prefixItems  []*node
	patternProps []nodePatternProp
	// discriminator names the property that tells a union's object
	// alternatives apart, as OpenAPI writes it.
	discriminator *discriminatorSpec

	// The assertions, as written: numbers, and the counts of minLength,
	// maxItems and the others by keyword.
	minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf *jsonNode
	counts                                                           map[string]*jsonNode
	pattern                                                          *jsonNode
	uniqueItems                                                      bool
	// formatMode is x-flightline-format: "assert" to check the format,
	// "annotate" to leave it unchecked, or "" for the default.
	formatMode string
	readOnly   bool
	writeOnly  bool

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

// nodePatternProp is one member of patternProperties.
type nodePatternProp struct {
	pattern string
	n       *node
}

// discriminatorSpec is a discriminator as written: the property, and
// the alternative each of its values picks (a reference, or a name).
type discriminatorSpec struct {
	loc      string
	property string
	mapping  [][2]string
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

// definitionDescription is the description of a named type: that of its
// definition. A type written inline in a property has none of its own; the
// property's description belongs to the field.
func definitionDescription(n *node) string {
	if n.defName != "" {
		return n.description
	}
	return ""
}

// wholeNumber reports whether the JSON number lit is a whole number, as
// JSON Schema's integer is (7, 1.0, 2e3), however large, without working
// out its value.
func wholeNumber(lit string) bool {
	mant, exp, _ := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(mant, "-"), ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return true // zero
	}
	zeros := len(digits) - len(strings.TrimRight(digits, "0"))
	if exp == "" {
		return len(frac) <= zeros
	}
	e, err := strconv.ParseInt(strings.TrimPrefix(exp, "+"), 10, 64)
	if err != nil { // too many digits for an int64: a huge exponent
		return !strings.HasPrefix(exp, "-")
	}
	return e-int64(len(frac))+int64(zeros) >= 0
}

func isNullSchema(n *node) bool {
	return n.target == nil && len(n.types) == 1 && n.types[0] == "null" && !n.hasEnum
}

func withoutNull(types []string) ([]string, bool) {
	var out []string
	null := false
	for _, t := range types {
		if t == "null" {
			null = true
			continue
		}
		out = append(out, t)
	}
	return out, null
}

// hasValueKeywords reports keywords that describe values directly, which
// cannot stand beside anyOf, oneOf or allOf in what the builder supports.
func hasValueKeywords(n *node) bool {
	return len(n.types) > 0 || len(n.props) > 0 || n.items != nil || n.hasEnum || n.additional != nil || n.closed ||
		len(constrainedKinds(n)) > 0
}

func alternativesKeyword(n *node) string {
	if len(n.oneOf) > 0 {
		return "oneOf"
	}
	return "anyOf"
}
