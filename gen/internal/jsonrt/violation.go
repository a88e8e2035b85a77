package jsonrt

import (
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
	// Keyword is the JSON Schema keyword that fails (type, required,
	// additionalProperties, enum, anyOf), or "syntax" for a document that is
	// not well-formed JSON, or "duplicate" for a property given twice.
	Keyword string
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
// not fit the schema. It carries every violation found, in document order.
type ValidationError struct {
	// Type is the Go type the document was decoded into.
	Type       string
	Violations []Violation
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("decode ")
	b.WriteString(e.Type)
	if len(e.Violations) > 0 {
		v := e.Violations[0]
		if v.Keyword == "syntax" {
			b.WriteString(": invalid JSON at offset ")
			b.WriteString(strconv.Itoa(v.Offset))
		}
		b.WriteString(": ")
		b.WriteString(v.String())
		if n := len(e.Violations) - 1; n > 0 {
			b.WriteString(" (and ")
			b.WriteString(strconv.Itoa(n))
			b.WriteString(" more)")
		}
	}
	return b.String()
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
