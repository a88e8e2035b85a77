package jsonrt

import (
	"slices"
	"strconv"
	"strings"
)

// The canonical text of a JSON value is equal for equal values, as JSON
// Schema compares them for enum, const and uniqueItems: numbers by their
// value (1, 1.0 and 1e0 are one number), objects whatever the order of
// their members, strings whatever their escapes. A number is written as
// its significant digits and a power of ten (15e-1, 0), a string with only
// what JSON requires escaped, an object with its members sorted by name.

// appendCanonical appends the canonical text of the valid JSON value v.
func appendCanonical(b, v []byte) []byte {
	var s scanner
	s.reset(v)
	return s.canonical(b)
}

func (s *scanner) canonical(b []byte) []byte {
	switch s.peek() {
	case '{':
		s.enter()
		type member struct{ key, value []byte }
		var ms []member
		for more := s.firstMember(); more; more = s.nextMember() {
			k, _ := s.key()
			key := appendCanonicalString(nil, k)
			ms = append(ms, member{key, s.canonical(nil)})
		}
		slices.SortStableFunc(ms, func(x, y member) int { return strings.Compare(string(x.key), string(y.key)) })
		b = append(b, '{')
		for i, m := range ms {
			if i+1 < len(ms) && string(ms[i+1].key) == string(m.key) {
				continue // a name given twice: the last value counts, as when decoded
			}
			if b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = append(append(append(b, m.key...), ':'), m.value...)
		}
		return append(b, '}')
	case '[':
		s.enter()
		b = append(b, '[')
		for i, more := 0, s.firstItem(); more; i, more = i+1, s.nextItem() {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.canonical(b)
		}
		return append(b, ']')
	case '"':
		str, _ := s.readString()
		return appendCanonicalString(b, str)
	case 't', 'f', 'n':
		start := s.pos
		for s.pos < len(s.data) && s.data[s.pos] >= 'a' && s.data[s.pos] <= 'z' {
			s.pos++
		}
		return append(b, s.data[start:s.pos]...)
	}
	lit, _ := s.readNumber()
	return appendCanonicalNumber(b, lit)
}

// appendCanonicalNumber appends the canonical text of a number literal.
func appendCanonicalNumber(b, lit []byte) []byte {
	neg, digits, exp := numberParts(lit)
	if len(digits) == 0 {
		return append(b, '0')
	}
	if neg {
		b = append(b, '-')
	}
	b = append(b, digits...)
	if exp != 0 {
		b = strconv.AppendInt(append(b, 'e'), exp, 10)
	}
	return b
}

// appendCanonicalString appends the string str as JSON with only the
// quote, the backslash and control characters escaped.
func appendCanonicalString(b, str []byte) []byte {
	b = append(b, '"')
	for _, c := range str {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// A valuesCheck lists the only values allowed, as sorted canonical texts:
// an enum or a const of values that are not all strings.
type valuesCheck struct {
	keyword Keyword // KeywordEnum or KeywordConst
	values  []string
	want    string // for the message: "one of 1, 2, 3"
}

// checkValue checks the value that starts at start and ends here against
// c. name is the member whose value it is, as for the readers.
func (s *scanner) checkValue(name string, start int, c *valuesCheck) {
	if s.failed {
		return
	}
	s.canon = appendCanonical(s.canon[:0], s.data[start:s.pos])
	if _, ok := slices.BinarySearch(c.values, string(s.canon)); !ok {
		s.violateAt(name, c.keyword, "the value is not "+c.want)
	}
}

// beginUnique starts recording the items of an array that must all
// differ; unique records the item that started at start and ends here,
// and endUnique checks them, with the array on the path.
func (s *scanner) beginUnique() int {
	if s.spansEpoch != s.epoch {
		s.spans, s.spansEpoch = s.spans[:0], s.epoch
	}
	return len(s.spans)
}

func (s *scanner) unique(start int) { s.spans = append(s.spans, [2]int{start, s.pos}) }

func (s *scanner) endUnique(mark int) {
	items := s.spans[mark:]
	defer func() { s.spans = s.spans[:mark] }()
	if s.failed || len(items) < 2 {
		return
	}
	seen := make(map[string]int, len(items))
	for i, it := range items {
		c := string(appendCanonical(nil, s.data[it[0]:it[1]]))
		if j, dup := seen[c]; dup {
			s.violate(KeywordUniqueItems, "items "+strconv.Itoa(j)+" and "+strconv.Itoa(i)+" are equal")
			return
		}
		seen[c] = i
	}
}
