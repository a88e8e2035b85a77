package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// lookup follows a JSON pointer from n.
func (n *jsonNode) lookup(pointer string) *jsonNode {
	if pointer == "" {
		return n
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
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
// one we can trust.
func parseJSONDoc(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readJSONNode(dec, 0)
	if err != nil {
		offset := dec.InputOffset()
		if se, ok := err.(*json.SyntaxError); ok {
			offset = se.Offset
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = errors.New("unexpected end of JSON input")
		}
		return nil, fmt.Errorf("line %d: %v", 1+bytes.Count(data[:min(offset, int64(len(data)))], []byte("\n")), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line := 1 + bytes.Count(data[:dec.InputOffset()], []byte("\n"))
		return nil, fmt.Errorf("line %d: unexpected data after the document", line)
	}
	return n, nil
}

const maxSchemaDepth = 256

func readJSONNode(dec *json.Decoder, depth int) (*jsonNode, error) {
	if depth > maxSchemaDepth {
		return nil, errors.New("document nested too deeply")
	}
	tok, err := dec.Token()
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
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := kt.(string)
				if n.get(key) != nil {
					return nil, fmt.Errorf("duplicate member %q", key)
				}
				v, err := readJSONNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, jsonMember{key, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &jsonNode{kind: '['}
			for dec.More() {
				v, err := readJSONNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v at offset %d", t, dec.InputOffset())
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

// escapePointerToken escapes one reference token of a JSON pointer.
func escapePointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
