package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A jsonNode is a JSON value that remembers the order of object members,
// which carries meaning in a schema (property order becomes field order).
type jsonNode struct {
	kind    byte // one of '{', '[', '"', '0' (number), 't' (true or false), 'n' (null)
	str     string
	boolean bool
	members []jsonMember
	items   []*jsonNode
}

type jsonMember struct {
	key string
	val *jsonNode
}

// get returns the value of member key of an object, or nil.
func (n *jsonNode) get(key string) *jsonNode {
	if n == nil || n.kind != '{' {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// pointerUnescaper turns a JSON pointer token back into the name it
// escapes.
var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// lookup follows a JSON pointer from n.
func (n *jsonNode) lookup(pointer string) *jsonNode {
	if n == nil {
		return nil
	}
	if pointer == "" {
		return n
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = pointerUnescaper.Replace(tok)
		switch n.kind {
		case '{':
			n = n.get(tok)
		case '[':
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.items) {
				return nil
			}
			n = n.items[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// text renders n as compact JSON.
func (n *jsonNode) text() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *jsonNode) write(b *strings.Builder) {
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(m.key)
			b.Write(k)
			b.WriteByte(':')
			m.val.write(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.write(b)
		}
		b.WriteByte(']')
	case '"':
		s, _ := json.Marshal(n.str)
		b.Write(s)
	case '0':
		b.WriteString(n.str)
	case 't':
		b.WriteString(strconv.FormatBool(n.boolean))
	default:
		b.WriteString("null")
	}
}

// parseJSONDoc reads one JSON document, keeping member order. Duplicate
// member names are an error: a schema that says two things at once is not
// one we can trust. So is a string, a member name above all, that is not
// valid Unicode (invalid UTF-8, or a lone surrogate escape such as
// \ud800), which encoding/json would silently turn into U+FFFD.
func parseJSONDoc(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &docParser{dec: dec, data: data}
	n, err := p.value()
	if err != nil {
		offset := dec.InputOffset()
		var se *json.SyntaxError
		var te *textError
		switch {
		case errors.As(err, &se):
			offset = se.Offset
		case errors.As(err, &te):
			offset = te.offset
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = errors.New("unexpected end of JSON input")
		}
		return nil, fmt.Errorf("line %d: %v", lineAt(data, offset), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected data after the document", lineAt(data, dec.InputOffset()))
	}
	return n, nil
}

func lineAt(data []byte, offset int64) int {
	return 1 + bytes.Count(data[:min(max(offset, 0), int64(len(data)))], []byte("\n"))
}

const maxSchemaDepth = 256

// A docParser reads a document token by token, knowing the JSON pointer
// of the value it is in.
type docParser struct {
	dec  *json.Decoder
	data []byte
	path []string
}

// A textError is a string that is not valid Unicode.
type textError struct {
	offset int64
	msg    string
}

func (e *textError) Error() string { return e.msg }

func (p *docParser) pointer() string {
	var b strings.Builder
	for _, tok := range p.path {
		b.WriteString("/" + escapePointerToken(tok))
	}
	return "#" + b.String()
}

// token reads the next token; a string's text must be valid Unicode. key
// says the string is a member name.
func (p *docParser) token(key bool) (json.Token, error) {
	start := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	if _, ok := tok.(string); ok {
		end := p.dec.InputOffset()
		lit := p.data[start:end]
		lit = lit[bytes.IndexByte(lit, '"'):]
		if why := badText(lit); why != "" {
			offset := start + int64(bytes.IndexByte(p.data[start:end], '"'))
			if key {
				return nil, &textError{offset, fmt.Sprintf("%s: a member name, %s, %s", p.pointer(), showBytes(lit), why)}
			}
			return nil, &textError{offset, fmt.Sprintf("%s: the string %s", p.pointer(), why)}
		}
	}
	return tok, nil
}

func (p *docParser) value() (*jsonNode, error) {
	if len(p.path) > maxSchemaDepth {
		return nil, errors.New("document nested too deeply")
	}
	tok, err := p.token(false)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jsonNode{kind: '{'}
			seen := map[string]bool{}
			for p.dec.More() {
				kt, err := p.token(true)
				if err != nil {
					return nil, err
				}
				key := kt.(string)
				if seen[key] {
					return nil, fmt.Errorf("duplicate member %q", key)
				}
				seen[key] = true
				p.path = append(p.path, key)
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				p.path = p.path[:len(p.path)-1]
				n.members = append(n.members, jsonMember{key, v})
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &jsonNode{kind: '['}
			for p.dec.More() {
				p.path = append(p.path, strconv.Itoa(len(n.items)))
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				p.path = p.path[:len(p.path)-1]
				n.items = append(n.items, v)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v at offset %d", t, p.dec.InputOffset())
	case string:
		return &jsonNode{kind: '"', str: t}, nil
	case json.Number:
		return &jsonNode{kind: '0', str: string(t)}, nil
	case bool:
		return &jsonNode{kind: 't', boolean: t}, nil
	case nil:
		return &jsonNode{kind: 'n'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// showBytes writes text for a message, with each byte that is not UTF-8
// as \xNN.
func showBytes(text []byte) string {
	var b strings.Builder
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, "\\x%02x", text[0])
		} else {
			b.Write(text[:size])
		}
		text = text[size:]
	}
	return b.String()
}

// badText says why the JSON string literal lit, quotes included and
// already checked for syntax, does not stand for valid Unicode text, or
// returns "".
func badText(lit []byte) string {
	if !utf8.Valid(lit) {
		return "is not valid UTF-8"
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' {
			continue
		}
		i++
		if lit[i] != 'u' {
			continue
		}
		r, _ := strconv.ParseUint(string(lit[i+1:i+5]), 16, 32)
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return "has a lone surrogate escape \\u" + string(lit[i-3:i+1])
		case r >= 0xD800 && r <= 0xDBFF:
			if i+6 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
				if lo, err := strconv.ParseUint(string(lit[i+3:i+7]), 16, 32); err == nil && lo >= 0xDC00 && lo <= 0xDFFF {
					i += 6
					continue
				}
			}
			return "has a lone surrogate escape \\u" + string(lit[i-3:i+1])
		}
	}
	return ""
}

// escapePointerToken escapes one reference token of a JSON pointer.
func escapePointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
