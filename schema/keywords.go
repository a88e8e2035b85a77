package schema

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A keyword is one JSON Schema keyword that flightline reads: what it
// constrains, and how each front end reads it into a node. The table of
// them (keywords) is the one list of what flightline understands:
// supportedKeywords and the errors for the others derive from it.
type keyword struct {
	name string
	// applies names the JSON kind the keyword constrains ("number",
	// "string", "array", "object"), or "" for one that constrains every
	// value or describes the schema.
	applies string
	// role says what the keyword does: a structure that shapes the Go
	// type, an assertion checked on values, or an annotation.
	role role
	// json reads the keyword's value v in a JSON Schema document.
	json func(c *readCtx, v *jsonNode, n *node) error
	// openapi reads it from a schema object kin-openapi loaded and
	// reports whether the schema has it; nil for a keyword read only by
	// the JSON Schema reader (or read with others, as exclusiveMinimum is
	// with minimum).
	openapi func(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error)
}

type role uint8

const (
	structure role = iota + 1
	assertion
	annotation
	unsupported
)

// readCtx is where the JSON Schema reader reads a keyword: the file and
// the JSON pointer of the keyword's value.
type readCtx struct {
	r       *jsonSchemaReader
	file    string
	pointer string
	loc     string // file#pointer
}

// keywords are the keywords flightline knows, in the order messages list
// them. The readers of the structural keywords are in jsonschema.go and
// openapi.go; those of the assertions in assertions.go. (They are set in
// init: the readers read schemas, which reads the table.)
var (
	keywords          []keyword
	keywordsByName    map[string]*keyword
	supportedKeywords string // listed in the message refusing another
)

func init() {
	keywords = keywordTable()
	keywordsByName = make(map[string]*keyword, len(keywords))
	var names []string
	for i, k := range keywords {
		keywordsByName[k.name] = &keywords[i]
		if k.role == structure || k.role == assertion {
			names = append(names, k.name)
		}
	}
	supportedKeywords = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func keywordTable() []keyword {
	return []keyword{
		{name: "$ref", role: structure, json: readRef},
		{name: "type", role: structure, json: readType},
		{name: "properties", applies: "object", role: structure, json: readProperties},
		{name: "required", applies: "object", role: structure, json: readRequired},
		{name: "additionalProperties", applies: "object", role: structure, json: readAdditional},
		{name: "patternProperties", applies: "object", role: structure, json: readPatternProperties, openapi: openAPIPatternProperties},
		{name: "items", applies: "array", role: structure, json: readItems},
		{name: "prefixItems", applies: "array", role: structure, json: readPrefixItems, openapi: openAPIPrefixItems},
		{name: "enum", role: structure, json: readEnum},
		{name: "const", role: structure, json: readConst},
		{name: "anyOf", role: structure, json: readAlternatives},
		{name: "oneOf", role: structure, json: readAlternatives},
		{name: "allOf", role: structure, json: readAlternatives},
		{name: "discriminator", role: structure, json: readDiscriminator, openapi: openAPIDiscriminator},
		{name: "format", applies: "string", role: assertion, json: readFormat},
		{name: "default", role: annotation, json: readDefault},
		{name: "minimum", applies: "number", role: assertion, json: readBound, openapi: openAPIBounds},
		{name: "maximum", applies: "number", role: assertion, json: readBound},
		{name: "exclusiveMinimum", applies: "number", role: assertion, json: readBound},
		{name: "exclusiveMaximum", applies: "number", role: assertion, json: readBound},
		{name: "multipleOf", applies: "number", role: assertion, json: readMultipleOf, openapi: openAPIMultipleOf},
		{name: "minLength", applies: "string", role: assertion, json: readCount, openapi: openAPICounts},
		{name: "maxLength", applies: "string", role: assertion, json: readCount},
		{name: "pattern", applies: "string", role: assertion, json: readPattern, openapi: openAPIPattern},
		{name: "minItems", applies: "array", role: assertion, json: readCount},
		{name: "maxItems", applies: "array", role: assertion, json: readCount},
		{name: "uniqueItems", applies: "array", role: assertion, json: readUniqueItems, openapi: openAPIUniqueItems},
		{name: "minProperties", applies: "object", role: assertion, json: readCount},
		{name: "maxProperties", applies: "object", role: assertion, json: readCount},
		{name: "title", role: annotation, json: readTitle},
		{name: "description", role: annotation, json: readDescription},
		{name: "readOnly", role: annotation, json: readAccess},
		{name: "writeOnly", role: annotation, json: readAccess},
		{name: "x-flightline-order", role: annotation, json: readOrder},
		{name: "x-flightline-lift", role: annotation, json: readLift},
		{name: "x-flightline-format", applies: "string", role: annotation, json: readFormatMode},
		// Annotations without meaning for values.
		{name: "$schema", role: annotation}, {name: "$id", role: annotation}, {name: "$comment", role: annotation},
		{name: "$defs", role: annotation}, {name: "definitions", role: annotation}, {name: "examples", role: annotation},
		{name: "example", role: annotation}, {name: "deprecated", role: annotation},
		{name: "contentMediaType", role: annotation}, {name: "contentEncoding", role: annotation},
		{name: "not", role: structure, json: readApplicator, openapi: openAPIApplicators},
		{name: "if", role: structure, json: readApplicator},
		{name: "then", role: structure, json: readApplicator},
		{name: "else", role: structure, json: readApplicator},
		// Keywords flightline cannot represent, refused with their place.
		{name: "contains", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return s.Contains != nil })},
		{name: "minContains", role: unsupported},
		{name: "maxContains", role: unsupported},
		{name: "dependentSchemas", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return len(s.DependentSchemas) > 0 })},
		{name: "dependentRequired", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return len(s.DependentRequired) > 0 })},
		{name: "propertyNames", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return s.PropertyNames != nil })},
		{name: "unevaluatedItems", role: unsupported, openapi: has(func(s *openapi3.Schema) bool {
			return s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil
		})},
		{name: "unevaluatedProperties", role: unsupported, openapi: has(func(s *openapi3.Schema) bool {
			return s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil
		})},
		{name: "$anchor", role: unsupported},
		{name: "$dynamicRef", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return s.DynamicRef != "" })},
		{name: "$dynamicAnchor", role: unsupported},
		{name: "$recursiveRef", role: unsupported},
		{name: "$recursiveAnchor", role: unsupported},
		{name: "$vocabulary", role: unsupported},
		{name: "contentSchema", role: unsupported, openapi: has(func(s *openapi3.Schema) bool { return s.ContentSchema != nil })},
		{name: "dependencies", role: unsupported},
	}
}

// has makes the OpenAPI reader of a keyword that is only detected.
func has(set func(*openapi3.Schema) bool) func(*openAPIReader, *openapi3.Schema, *node) (bool, error) {
	return func(_ *openAPIReader, s *openapi3.Schema, _ *node) (bool, error) { return set(s), nil }
}

// unsupportedKeyword is the error for a keyword flightline does not read.
func unsupportedKeyword(loc, name string) error {
	if k := keywordsByName[name]; k != nil && k.role == unsupported {
		return errorf(loc, "unsupported keyword %q: flightline gen understands %s", name, supportedKeywords)
	}
	return errorf(loc, "unknown keyword %q: flightline gen understands %s (annotations, and extensions starting with x-, are ignored)", name, supportedKeywords)
}

// Keywords lists the keywords flightline reads, with the kind of values
// each constrains and what it does, for documentation: one line a keyword.
func Keywords() []string {
	var out []string
	for _, k := range keywords {
		role := map[role]string{structure: "structure", assertion: "assertion", annotation: "annotation", unsupported: "unsupported"}[k.role]
		applies := k.applies
		if applies == "" {
			applies = "any"
		}
		out = append(out, fmt.Sprintf("%s\t%s\t%s", k.name, applies, role))
	}
	return out
}
