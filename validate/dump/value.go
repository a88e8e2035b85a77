package dump

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/flightline-dev/flightline/validate/rule"
)

// A Violation is one way a JSON text breaks JSON itself.
type Violation struct {
	// Pointer locates the value at fault; for a duplicate property it
	// names the property.
	Pointer string
	// Rule is rule.JSONSyntax, rule.JSONTruncated, rule.JSONTrailing or
	// rule.JSONDuplicateKey.
	Rule    rule.ID
	Message string
	// Offset is where in the text the problem was found.
	Offset int
}

// DecodeValue reads one JSON document into the values jsonschema/v5
// validates (maps, slices, strings, json.Number, bools, nil). It is as
// strict as the generated decoders: invalid UTF-8, lone surrogates, NaN,
// nesting beyond MaxDepth and data after the value are syntax errors, and
// every repeated property is reported (the later value is kept). The value
// is nil when the text is not well-formed.
func DecodeValue(data []byte) (any, []Violation) {
	v, vs, _ := DecodeDocument(data)
	return v, vs
}

// A Shadowed value is an earlier occurrence of a property given more than
// once, which the decoded value does not hold: it holds the last.
type Shadowed struct {
	// Path leads to the property from the root: object keys, and array
	// indexes in decimal.
	Path  []string
	Value any
}

// DecodeDocument is DecodeValue that also returns the earlier occurrences
// of repeated properties, so that a validator can check every occurrence
// as the generated validators do.
func DecodeDocument(data []byte) (any, []Violation, []Shadowed) {
	d := valueDecoder{data: data}
	v := d.value(0)
	if !d.failed {
		d.ws()
		if d.pos < len(d.data) {
			d.fail(rule.JSONTrailing, "invalid character "+quoteByte(d.data[d.pos])+" after the top-level value")
		}
	}
	if d.failed {
		return nil, d.vs, nil
	}
	return v, d.vs, d.shadowed
}

// WellFormed reports whether the violations DecodeValue found leave the
// text well-formed JSON: none, or only repeated properties.
func WellFormed(vs []Violation) bool {
	for _, v := range vs {
		if v.Rule != rule.JSONDuplicateKey {
			return false
		}
	}
	return true
}

type valueDecoder struct {
	data     []byte
	pos      int
	path     []string
	failed   bool
	vs       []Violation
	shadowed []Shadowed
}

// maxPointerDepth bounds the pointers of syntax errors deep inside a
// value, which would otherwise name every level of a hostile nesting.
const maxPointerDepth = 16

func (d *valueDecoder) pointer() string {
	var b strings.Builder
	for i, p := range d.path {
		if i == maxPointerDepth {
			break
		}
		b.WriteByte('/')
		b.WriteString(EscapeToken(p))
	}
	return b.String()
}

func (d *valueDecoder) syntax(msg string) { d.fail(rule.JSONSyntax, msg) }

// truncated reports input that ends inside a value.
func (d *valueDecoder) truncated() { d.fail(rule.JSONTruncated, "unexpected end of JSON input") }

func (d *valueDecoder) fail(id rule.ID, msg string) {
	if !d.failed {
		d.failed = true
		d.vs = append(d.vs, Violation{d.pointer(), id, msg, d.pos})
	}
}

func (d *valueDecoder) unexpected(context string) {
	if d.pos >= len(d.data) {
		d.truncated()
		return
	}
	d.syntax("invalid character " + quoteByte(d.data[d.pos]) + " " + context)
}

func (d *valueDecoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *valueDecoder) value(depth int) any {
	d.ws()
	if d.pos >= len(d.data) {
		d.truncated()
		return nil
	}
	switch c := d.data[d.pos]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			d.syntax("nesting deeper than " + itoa(MaxDepth) + " levels")
			return nil
		}
		if c == '{' {
			return d.object(depth)
		}
		return d.array(depth)
	case c == '"':
		s, _ := d.str()
		return s
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return d.literal("true", true)
	case c == 'f':
		return d.literal("false", false)
	case c == 'n':
		return d.literal("null", nil)
	}
	d.unexpected("looking for the beginning of a value")
	return nil
}

func (d *valueDecoder) object(depth int) any {
	d.pos++
	m := map[string]any{}
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m
	}
	for !d.failed {
		d.ws()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			d.unexpected("looking for the beginning of an object key")
			return nil
		}
		k, ok := d.str()
		if !ok {
			return nil
		}
		d.ws()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			d.unexpected("after an object key")
			return nil
		}
		d.pos++
		d.path = append(d.path, k)
		prev, dup := m[k]
		if dup {
			d.vs = append(d.vs, Violation{d.pointer(), rule.JSONDuplicateKey, "property given more than once", d.pos})
			d.shadowed = append(d.shadowed, Shadowed{slices.Clone(d.path), prev})
		}
		m[k] = d.value(depth + 1)
		d.path = d.path[:len(d.path)-1]
		if d.failed {
			return nil
		}
		d.ws()
		if d.pos < len(d.data) && d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			return m
		}
		d.unexpected("after an object member")
	}
	return nil
}

func (d *valueDecoder) array(depth int) any {
	d.pos++
	list := []any{}
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return list
	}
	for i := 0; !d.failed; i++ {
		d.path = append(d.path, strconv.Itoa(i))
		list = append(list, d.value(depth+1))
		d.path = d.path[:len(d.path)-1]
		if d.failed {
			return nil
		}
		d.ws()
		if d.pos < len(d.data) && d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			return list
		}
		d.unexpected("after an array element")
	}
	return nil
}

func (d *valueDecoder) literal(word string, v any) any {
	if strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+len(word))]), word) {
		d.pos += len(word)
		return v
	}
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			d.unexpected("in literal " + word)
			return nil
		}
		d.pos++
	}
	return nil
}

func (d *valueDecoder) number() any {
	start := d.pos
	digits := func() bool {
		n := d.pos
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
		}
		return d.pos > n
	}
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case !digits():
		d.unexpected("in a number")
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if !digits() {
			d.unexpected("after the decimal point in a number")
			return nil
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !digits() {
			d.unexpected("in the exponent of a number")
			return nil
		}
	}
	return json.Number(d.data[start:d.pos])
}

// str reads a string, rejecting what JSON forbids in one and what Go's
// decoder would silently replace.
func (d *valueDecoder) str() (string, bool) {
	d.pos++
	var b []byte
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := string(append(b, d.data[start:d.pos]...))
			d.pos++
			return s, true
		case c < 0x20:
			d.syntax("invalid control character " + quoteByte(c) + " in a string")
			return "", false
		case c == '\\':
			b = append(b, d.data[start:d.pos]...)
			if d.pos+1 >= len(d.data) {
				d.truncated()
				return "", false
			}
			switch e := d.data[d.pos+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, n := d.unicodeEscape()
				if n == 0 {
					return "", false
				}
				b = utf8.AppendRune(b, r)
				d.pos += n - 2
			default:
				d.syntax("invalid escape " + quoteByte(e) + " in a string")
				return "", false
			}
			d.pos += 2
			start = d.pos
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size <= 1 {
				d.syntax("invalid UTF-8 in a string")
				return "", false
			}
			d.pos += size
		}
	}
	d.fail(rule.JSONTruncated, "unexpected end of JSON input in a string")
	return "", false
}

// unicodeEscape reads \uXXXX at d.pos (and the low surrogate a high one
// needs), returning the rune and the bytes read, or 0 after an error.
func (d *valueDecoder) unicodeEscape() (rune, int) {
	hex := func(i int) (rune, bool) {
		if i+4 > len(d.data) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(d.data[i:i+4]), 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex(d.pos + 2)
	if !ok {
		d.syntax("invalid \\u escape in a string")
		return 0, 0
	}
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if r >= 0xDC00 {
		d.syntax("lone low surrogate \\u" + strconv.FormatInt(int64(r), 16) + " in a string")
		return 0, 0
	}
	if d.pos+12 <= len(d.data) && d.data[d.pos+6] == '\\' && d.data[d.pos+7] == 'u' {
		if lo, ok := hex(d.pos + 8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			return utf16.DecodeRune(r, lo), 12
		}
	}
	d.syntax("lone high surrogate \\u" + strconv.FormatInt(int64(r), 16) + " in a string")
	return 0, 0
}
