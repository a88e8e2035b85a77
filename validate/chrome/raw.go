package chrome

import (
	"bytes"
	"iter"
	"slices"
	"unicode/utf8"
)

// A member is an attribute as an entry's text writes it: its name, with
// its quotes, and its value.
type member struct{ name, value []byte }

// plainFields finds the attrs and the MLX active memory in raw, the text
// of an entry, for AddJSON, and reports whether they are written as Add
// writes them decoded, so that they can be copied. They are not when a
// member name has an escape (it may hide attrs), when an attribute's name
// is not plain ASCII or its string has an escape, when a list has spaces,
// or when a name is given twice; nor when raw is not valid JSON.
func (t *Writer) plainFields(raw []byte, e *entry) bool {
	attrs, memory, ok := findFields(raw)
	if !ok {
		top := objectOf(raw)
		for name, value := range top.members() {
			switch string(name) {
			case `"attrs"`:
				attrs = value
			case `"mlxMemory"`:
				memory = value
			}
		}
		if top.bad {
			return false
		}
	}
	if !t.activeMemory(memory, e) {
		return false
	}
	t.plain = t.plain[:0]
	if len(attrs) == 0 || attrs[0] != '{' {
		return attrs == nil || string(attrs) == "null"
	}
	list := objectOf(attrs)
	for name, value := range list.members() {
		if !plainASCII(name[1:len(name)-1]) || !plainValue(value) {
			return false
		}
		t.plain = append(t.plain, member{name, value})
	}
	if list.bad {
		return false
	}
	slices.SortFunc(t.plain, func(a, b member) int { return bytes.Compare(a.name[1:len(a.name)-1], b.name[1:len(b.name)-1]) })
	for i := 1; i < len(t.plain); i++ {
		if bytes.Equal(t.plain[i-1].name, t.plain[i].name) {
			return false
		}
	}
	e.plain = t.plain
	return true
}

// findFields finds the values of attrs and mlxMemory in raw, the text of
// an entry that follows the schema, by looking for their names written
// plainly, without reading the members in between. A quote not after a
// backslash starts a string, so "attrs": there is a member named attrs;
// the first is the entry's own, since only attrs holds members of any
// name (mlxMemory's are the schema's), and the same goes for mlxMemory
// outside attrs. ok is false when either name is not found so written:
// the members must be read to know.
func findFields(raw []byte) (attrs, memory []byte, ok bool) {
	a := valueAfter(raw, `"attrs":`, 0)
	if a < 0 {
		return nil, nil, false
	}
	end := skipValue(raw, a)
	if end < 0 {
		return nil, nil, false
	}
	// Skulk writes mlxMemory after attrs: look there first.
	m := valueAfter(raw, `"mlxMemory":`, end)
	if m < 0 {
		if m = valueAfter(raw, `"mlxMemory":`, 0); m >= a && m < end {
			m = -1 // only in attrs
		}
	}
	if m < 0 {
		return nil, nil, false
	}
	mend := skipValue(raw, m)
	if mend < 0 {
		return nil, nil, false
	}
	return raw[a:end], raw[m:mend], true
}

// valueAfter returns where the value starts after the first name, such
// as "attrs":, at or after from that is not after a backslash, or -1.
func valueAfter(raw []byte, name string, from int) int {
	for from < len(raw) {
		i := bytes.Index(raw[from:], []byte(name))
		if i < 0 {
			return -1
		}
		if i += from; i == 0 || raw[i-1] != '\\' {
			return skipSpace(raw, i+len(name))
		}
		from = i + 1
	}
	return -1
}

// activeMemory finds mlxMemory.active.inBytes in memory, the text of
// mlxMemory, and reports whether it is written as an Int writes it.
func (t *Writer) activeMemory(memory []byte, e *entry) bool {
	if len(memory) == 0 || memory[0] != '{' {
		return memory == nil || string(memory) == "null"
	}
	var active []byte
	m := objectOf(memory)
	for name, value := range m.members() {
		if string(name) == `"active"` {
			active = value
		}
	}
	if m.bad {
		return false
	}
	if len(active) == 0 || active[0] != '{' {
		return active == nil || string(active) == "null"
	}
	e.active = []byte("0") // an absent amount is 0
	a := objectOf(active)
	for name, value := range a.members() {
		if string(name) == `"inBytes"` {
			e.active = value
		}
	}
	return !a.bad && (e.active[0] == '-' || (e.active[0] >= '0' && e.active[0] <= '9'))
}

// plainValue reports whether an attribute's value, as written, is what
// Add writes of it decoded (but for appendEscaped): a number or a
// boolean, a string without escapes, or a list of such strings without
// spaces, in valid UTF-8.
func plainValue(v []byte) bool {
	switch c := v[0]; {
	case c == '"':
		if bytes.IndexByte(v, '\\') >= 0 {
			return false
		}
	case c == '[':
		if bytes.IndexByte(v, '\\') >= 0 {
			return false
		}
		i := 1
		for i < len(v)-1 {
			if v[i] != '"' {
				return false
			}
			j := bytes.IndexByte(v[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 2
			if i < len(v)-1 {
				if v[i] != ',' {
					return false
				}
				i++
			}
		}
		if i != len(v)-1 {
			return false
		}
	case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
	default:
		return false
	}
	return utf8.Valid(v)
}

// An object is the text of a JSON object, read member by member.
type object struct {
	text []byte
	// bad reports a member name with an escape, or text that is not a
	// JSON object: reading stopped.
	bad bool
}

func objectOf(text []byte) *object { return &object{text: text, bad: len(text) == 0 || text[0] != '{'} }

// members yields the name (with its quotes) and the value of each member.
func (o *object) members() iter.Seq2[[]byte, []byte] {
	return func(yield func(name, value []byte) bool) {
		if o.bad {
			return
		}
		text := o.text
		i := skipSpace(text, 1)
		for i < len(text) && text[i] == '"' {
			end, escaped := skipString(text, i)
			if end < 0 || escaped {
				o.bad = true
				return
			}
			name := text[i:end]
			i = skipSpace(text, end)
			if i >= len(text) || text[i] != ':' {
				o.bad = true
				return
			}
			i = skipSpace(text, i+1)
			vend := skipValue(text, i)
			if vend < 0 {
				o.bad = true
				return
			}
			if !yield(name, text[i:vend]) {
				return
			}
			i = skipSpace(text, vend)
			if i < len(text) && text[i] == ',' {
				i = skipSpace(text, i+1)
			}
		}
		o.bad = o.bad || i >= len(text) || text[i] != '}'
	}
}

func skipSpace(text []byte, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index after the JSON value that starts at
// text[i], or -1 when none does.
func skipValue(text []byte, i int) int {
	if i >= len(text) {
		return -1
	}
	switch text[i] {
	case '"':
		end, _ := skipString(text, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(text); j++ {
			switch text[j] {
			case '"':
				if j, _ = skipString(text, j); j < 0 {
					return -1
				}
				j-- // the loop steps over the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(text) && !isDelimiter(text[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// skipString returns the index after the string that starts at text[i],
// or -1 when it does not end, and whether it has an escape.
func skipString(text []byte, i int) (end int, escaped bool) {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}
