package jsonrt

import (
	"errors"
	"strconv"
	"strings"
)

// MaxDepth bounds how deeply objects and arrays may nest in a document, so
// that hostile input fails fast instead of exhausting memory or the stack.
const MaxDepth = 512

// maxViolations bounds the violations kept for one document.
const maxViolations = 64

// A Violation is one way a JSON document breaks its schema.
type Violation struct {
	// Pointer locates the offending value in the document (RFC 6901). For
	// a missing or unknown property it names the property.
	Pointer string
	// Keyword says which rule the value breaks.
	Keyword Keyword
	// Message says what is wrong, in a phrase.
	Message string
	// Offset is the byte offset in the document where the problem was found.
	Offset int
}

func (v Violation) String() string {
	if v.Pointer == "" {
		return v.Message
	}
	return v.Pointer + ": " + v.Message
}

// A ValidationError is returned by UnmarshalJSON for a document that does
// not fit the schema. It carries the violations found, in document order:
// the first 64, and the count of the others.
type ValidationError struct {
	// Type is the Go type the document was decoded into.
	Type       string
	Violations []Violation
	// Omitted counts the violations found beyond those in Violations.
	Omitted int
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("decode ")
	b.WriteString(e.Type)
	if len(e.Violations) > 0 {
		v := e.Violations[0]
		if v.Keyword.Malformed() {
			b.WriteString(": invalid JSON at offset ")
			b.WriteString(strconv.Itoa(v.Offset))
		}
		b.WriteString(": ")
		b.WriteString(v.String())
		if n := len(e.Violations) - 1 + e.Omitted; n > 0 {
			b.WriteString(" (and ")
			b.WriteString(strconv.Itoa(n))
			b.WriteString(" more)")
		}
	}
	return b.String()
}

// A Keyword is the rule a Violation reports: a JSON Schema keyword, or
// one of the rules of JSON itself.
type Keyword uint8

// The keywords of violations.
const (
	// KeywordSyntax: the document is not well-formed JSON (RFC 8259, in
	// valid UTF-8, nested at most MaxDepth deep). Nothing after it is read.
	// A document cut short is KeywordTruncated instead, and one with more
	// after its value KeywordTrailing.
	KeywordSyntax Keyword = iota + 1
	// KeywordDuplicate: an object gives the same property twice.
	KeywordDuplicate
	// KeywordType: a value of the wrong JSON type, or a null where none is
	// allowed.
	KeywordType
	// KeywordRequired: a required property is missing.
	KeywordRequired
	// KeywordAdditionalProperties: a property the schema does not declare.
	KeywordAdditionalProperties
	// KeywordEnum: a value that is not one of the enum's values.
	KeywordEnum
	// KeywordAnyOf: a value that fits none of a union's alternatives.
	KeywordAnyOf
	// KeywordRange: a number that the Go type of its property cannot hold,
	// such as 1e400 for a float64. Only decoding reports it.
	KeywordRange
	// KeywordTruncated: the document ends inside a value.
	KeywordTruncated
	// KeywordTrailing: something other than whitespace follows the
	// document's value.
	KeywordTrailing
	// The assertions, each named as JSON Schema names it.
	KeywordMinimum
	KeywordExclusiveMinimum
	KeywordMaximum
	KeywordExclusiveMaximum
	KeywordMultipleOf
	KeywordMinLength
	KeywordMaxLength
	KeywordPattern
	KeywordFormat
	KeywordMinItems
	KeywordMaxItems
	KeywordUniqueItems
	KeywordMinProperties
	KeywordMaxProperties
	// KeywordConst: a value other than the one a const allows.
	KeywordConst
	// KeywordOneOf: a value that fits none, or more than one, of a oneOf's
	// alternatives.
	KeywordOneOf
	// KeywordPrefixItems: an item of an array that does not fit the
	// schema of its place.
	KeywordPrefixItems
	// KeywordItems: an array with an item beyond the ones its schema
	// allows (items: false).
	KeywordItems
	// KeywordNot: a value that fits the schema of a not.
	KeywordNot
)

var keywordNames = [...]string{
	KeywordSyntax: "syntax", KeywordDuplicate: "duplicate", KeywordType: "type", KeywordRequired: "required",
	KeywordAdditionalProperties: "additionalProperties", KeywordEnum: "enum", KeywordAnyOf: "anyOf", KeywordRange: "range",
	KeywordTruncated: "truncated", KeywordTrailing: "trailing",
	KeywordMinimum: "minimum", KeywordExclusiveMinimum: "exclusiveMinimum", KeywordMaximum: "maximum",
	KeywordExclusiveMaximum: "exclusiveMaximum", KeywordMultipleOf: "multipleOf", KeywordMinLength: "minLength",
	KeywordMaxLength: "maxLength", KeywordPattern: "pattern", KeywordFormat: "format", KeywordMinItems: "minItems",
	KeywordMaxItems: "maxItems", KeywordUniqueItems: "uniqueItems", KeywordMinProperties: "minProperties",
	KeywordMaxProperties: "maxProperties", KeywordConst: "const", KeywordOneOf: "oneOf",
	KeywordPrefixItems: "prefixItems", KeywordItems: "items", KeywordNot: "not",
}

// String returns the keyword as JSON Schema writes it ("type", "required",
// "additionalProperties", ...), or "syntax", "truncated", "trailing",
// "duplicate" and "range" for the rules that are not JSON Schema's.
func (k Keyword) String() string {
	if int(k) < len(keywordNames) && keywordNames[k] != "" {
		return keywordNames[k]
	}
	return "Keyword(" + strconv.Itoa(int(k)) + ")"
}

// Malformed reports the keywords of a document that is not well-formed
// JSON (syntax, truncated and trailing), after which nothing is read.
func (k Keyword) Malformed() bool {
	return k == KeywordSyntax || k == KeywordTruncated || k == KeywordTrailing
}

// MarshalText writes k as String does.
func (k Keyword) MarshalText() ([]byte, error) {
	if int(k) >= len(keywordNames) || keywordNames[k] == "" {
		return nil, errors.New("invalid " + k.String())
	}
	return []byte(keywordNames[k]), nil
}

// UnmarshalText reads what MarshalText writes.
func (k *Keyword) UnmarshalText(text []byte) error {
	for i, name := range keywordNames {
		if name != "" && name == string(text) {
			*k = Keyword(i)
			return nil
		}
	}
	return errors.New("unknown violation keyword " + strconv.Quote(string(text)))
}

// pathElem is one step of the path from the document root to the value
// being read: a declared property name, a key read from the document, or
// an array index.
type pathElem struct {
	name  string
	key   []byte
	index int
}

// appendPointer appends the JSON pointer of path to b.
func appendPointer(b []byte, path []pathElem) []byte {
	for _, p := range path {
		b = append(b, '/')
		switch {
		case p.index >= 0:
			b = strconv.AppendInt(b, int64(p.index), 10)
		case p.key != nil:
			b = appendPointerToken(b, string(p.key))
		default:
			b = appendPointerToken(b, p.name)
		}
	}
	return b
}

func appendPointerToken(b []byte, tok string) []byte {
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; c {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, c)
		}
	}
	return b
}
