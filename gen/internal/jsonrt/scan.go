package jsonrt

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// A scanner reads one JSON document for the generated decoders. It checks
// the syntax as strictly as RFC 8259 does (and rejects invalid UTF-8 and
// lone surrogates, which Go's encoding/json would silently replace), and
// collects schema violations as the decoders find them, so one pass both
// validates and decodes.
//
// When a syntax error is found the scan stops: every read after it fails.
type scanner struct {
	data    []byte
	pos     int
	failed  bool
	depth   int
	scratch []byte // the last string that needed unescaping
	keys    []byte // copies of escaped keys on the path
	stack   []byte // containers entered by skip
	path    []pathElem
	vs      []Violation
	// mapKeys are the keys of the maps being read; bigMaps index the keys
	// of large ones, by the mark their tracking started at.
	mapKeys [][]byte
	bigMaps map[int]map[string]struct{}
	// lastString is where the last string read started; dates are the
	// date-time values found, with their paths kept in datePaths.
	lastString int
	dates      []dateTimeValue
	datePaths  []pathElem
	// leaf names the member whose scalar value is being read: members
	// with a scalar value are not pushed on the path, to save the work.
	leaf string
}

// A dateTimeValue is one value of a property the schema formats as
// date-time, in the document a Validator last checked, so that timestamps
// can be checked without reading the document again.
type dateTimeValue struct {
	// Value is the string, unescaped. It stays valid until the
	// Validator's next call.
	Value []byte
	// Offset is the byte offset of the string in the document.
	Offset int
	path   []pathElem
}

// Pointer returns the JSON pointer of the value in its document.
func (d *dateTimeValue) Pointer() string { return string(appendPointer(nil, d.path)) }

// dateTime records v, a date-time string just read as the value of the
// member name (or of the current path, when name is "").
func (s *scanner) dateTime(name string, v []byte) {
	start := len(s.datePaths)
	s.datePaths = append(s.datePaths, s.path...)
	if name != "" {
		s.datePaths = append(s.datePaths, pathElem{name: name, index: -1})
	}
	s.dates = append(s.dates, dateTimeValue{Value: s.stable(v), Offset: s.lastString, path: s.datePaths[start:len(s.datePaths):len(s.datePaths)]})
}

func (s *scanner) reset(data []byte) {
	s.data, s.pos, s.failed, s.depth = data, 0, false, 0
	s.scratch, s.keys, s.stack = s.scratch[:0], s.keys[:0], s.stack[:0]
	s.path, s.vs, s.mapKeys, s.leaf = s.path[:0], s.vs[:0], s.mapKeys[:0], ""
	s.dates, s.datePaths = s.dates[:0], s.datePaths[:0]
	clear(s.bigMaps)
}

// end checks that only whitespace follows the document.
func (s *scanner) end() {
	if s.failed {
		return
	}
	s.ws()
	if s.pos < len(s.data) {
		s.syntax("invalid character " + quoteChar(s.data[s.pos]) + " after the top-level value")
	}
}

func (s *scanner) push(name string) { s.path = append(s.path, pathElem{name: name, index: -1}) }
func (s *scanner) pushIndex(i int)  { s.path = append(s.path, pathElem{index: i}) }
func (s *scanner) pop()             { s.path = s.path[:len(s.path)-1] }

// pushKey pushes a key read from the document and returns it in a form
// that stays valid until the next document (see stable).
func (s *scanner) pushKey(k []byte) []byte {
	k = s.stable(k)
	if k == nil {
		k = []byte{}
	}
	s.path = append(s.path, pathElem{key: k, index: -1})
	return k
}

// stable returns b, a string just read, in a form that stays valid until
// the next document: a string unescaped into scratch, which the next
// string read overwrites, is copied aside.
func (s *scanner) stable(b []byte) []byte {
	if len(b) > 0 && len(s.scratch) > 0 && &b[0] == &s.scratch[0] {
		start := len(s.keys)
		s.keys = append(s.keys, b...)
		return s.keys[start:len(s.keys):len(s.keys)]
	}
	return b
}

// valueStart skips whitespace and returns the offset where the next value
// starts.
func (s *scanner) valueStart() int {
	s.ws()
	return s.pos
}

// beginKeys starts tracking the keys of a map being read, to find keys
// given twice; endKeys ends it.
func (s *scanner) beginKeys() int { return len(s.mapKeys) }

func (s *scanner) endKeys(mark int) {
	s.mapKeys = s.mapKeys[:mark]
	delete(s.bigMaps, mark)
}

// repeatedKey reports whether k was already a key of the map tracked from
// mark, and records it. Small maps are searched; large ones get a set, so
// that a hostile document with many keys stays linear.
func (s *scanner) repeatedKey(mark int, k []byte) bool {
	if set, ok := s.bigMaps[mark]; ok {
		if _, dup := set[string(k)]; dup {
			return true
		}
		set[string(k)] = struct{}{}
		return false
	}
	for _, p := range s.mapKeys[mark:] {
		if string(p) == string(k) {
			return true
		}
	}
	s.mapKeys = append(s.mapKeys, k)
	if len(s.mapKeys)-mark > 32 {
		set := make(map[string]struct{}, 64)
		for _, p := range s.mapKeys[mark:] {
			set[string(p)] = struct{}{}
		}
		if s.bigMaps == nil {
			s.bigMaps = map[int]map[string]struct{}{}
		}
		s.bigMaps[mark] = set
	}
	return false
}

// violations returns the violations found, or nil.
func (s *scanner) violations() []Violation {
	if len(s.vs) == 0 {
		return nil
	}
	return s.vs
}

// result is the error of a decode: nil, or every violation found.
func (s *scanner) result(typ string) error {
	if len(s.vs) == 0 {
		return nil
	}
	return &ValidationError{Type: typ, Violations: append([]Violation(nil), s.vs...)}
}

// ptrTo returns a pointer to a copy of v.
func ptrTo[T any](v T) *T { return &v }

// violate records a violation at the current path (and leaf).
func (s *scanner) violate(keyword Keyword, msg string) {
	if len(s.vs) >= maxViolations {
		return
	}
	s.vs = append(s.vs, Violation{
		Pointer: s.pointer(),
		Keyword: keyword,
		Message: msg,
		Offset:  s.pos,
	})
}

func (s *scanner) pointer() string {
	b := appendPointer(nil, s.path)
	if s.leaf != "" {
		b = appendPointerToken(append(b, '/'), s.leaf)
	}
	return string(b)
}

// violateAt records a violation for the member name of the current object.
func (s *scanner) violateAt(name string, keyword Keyword, msg string) {
	leaf := s.leaf
	s.leaf = name
	s.violate(keyword, msg)
	s.leaf = leaf
}

// syntax records a syntax error and stops the scan.
func (s *scanner) syntax(msg string) {
	if s.failed {
		return
	}
	s.failed = true
	s.violate(KeywordSyntax, msg)
	if len(s.vs) >= maxViolations { // keep the error that explains the stop
		s.vs[len(s.vs)-1] = Violation{Pointer: s.pointer(), Keyword: KeywordSyntax, Message: msg, Offset: s.pos}
	}
}

func (s *scanner) ws() {
	// Compact JSON has no whitespace: one comparison decides.
	if s.pos < len(s.data) && s.data[s.pos] > ' ' {
		return
	}
	s.skipSpace()
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// kind names the JSON kind of the value at the current position, or
// returns "" (after recording a syntax error) when no value starts there.
func (s *scanner) kind() string {
	switch c := s.peek(); {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	}
	s.unexpected("looking for the beginning of a value")
	return ""
}

func (s *scanner) unexpected(context string) {
	if s.pos >= len(s.data) {
		s.syntax("unexpected end of JSON input")
		return
	}
	s.syntax("invalid character " + quoteChar(s.data[s.pos]) + " " + context)
}

// mismatch records that the value here is not of the wanted kind and
// skips it.
func (s *scanner) mismatch(want string) {
	got := s.kind()
	if got == "" {
		return
	}
	if got == "null" {
		s.violate(KeywordType, "null is not allowed here; want "+want)
	} else {
		s.violate(KeywordType, "got "+got+", want "+want)
	}
	s.skip()
}

// null consumes a null and reports whether there was one.
func (s *scanner) null() bool {
	if s.peek() != 'n' {
		return false
	}
	return s.literal("null")
}

// The scalar readers take the name of the member whose value they read,
// or "" for an array item or a map value (whose place is on the path):
// violations, syntax errors included, name the member.

// str reads a string value. Another value is a type violation, skipped.
func (s *scanner) str(name string) ([]byte, bool) {
	s.leaf = name
	if s.peek() == '"' {
		v, ok := s.readString()
		s.leaf = ""
		return v, ok
	}
	s.mismatch("string")
	s.leaf = ""
	return nil, false
}

// integer reads a number that is a whole number (JSON Schema's integer:
// 1, 1.0 and 1e2 all are) and returns its literal.
func (s *scanner) integer(name string) ([]byte, bool) {
	s.leaf = name
	lit, ok := s.readInteger()
	s.leaf = ""
	return lit, ok
}

func (s *scanner) readInteger() ([]byte, bool) {
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		s.mismatch("integer")
		return nil, false
	}
	start := s.pos
	lit, ok := s.readNumber()
	if !ok {
		return nil, false
	}
	if !integral(lit) {
		end := s.pos
		s.pos = start // violations point at the start of the value
		s.violate(KeywordType, "got number "+string(lit)+", want integer")
		s.pos = end
		return nil, false
	}
	return lit, true
}

// number reads a number and returns its literal.
func (s *scanner) number(name string) ([]byte, bool) {
	s.leaf = name
	defer s.clearLeaf()
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		s.mismatch("number")
		return nil, false
	}
	return s.readNumber()
}

func (s *scanner) clearLeaf() { s.leaf = "" }

// boolean reads true or false.
func (s *scanner) boolean(name string) (v, ok bool) {
	s.leaf = name
	defer s.clearLeaf()
	switch s.peek() {
	case 't':
		return true, s.literal("true")
	case 'f':
		return false, s.literal("false")
	}
	s.mismatch("boolean")
	return false, false
}

// A keyText is the JSON text of a member name and its colon, with its
// first 16 bytes as two words, to be compared at once.
type keyText struct {
	text           string
	w0, w1, m0, m1 uint64 // the words, and masks of the bytes they hold
}

func makeKeyText(text string) keyText {
	k := keyText{text: text}
	var b [16]byte
	n := copy(b[:], text)
	k.w0, k.w1 = binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	for i := range n {
		if i < 8 {
			k.m0 |= 0xff << (8 * i)
		} else {
			k.m1 |= 0xff << (8 * (i - 8))
		}
	}
	return k
}

// matchKey consumes the JSON text of an expected member name and its
// colon, when it is next: members usually come in schema order, and
// comparing the text is faster than reading and looking up the name.
func (s *scanner) matchKey(k *keyText) bool {
	d, n := s.data[s.pos:], len(k.text)
	if len(d) >= 16 && n <= 16 {
		lo, hi := binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:])
		if (lo^k.w0)&k.m0|(hi^k.w1)&k.m1 != 0 {
			return false
		}
		s.pos += n
		return true
	}
	if len(d) >= n && string(d[:n]) == k.text {
		s.pos += n
		return true
	}
	return false
}

// object enters an object. Another value is a type violation, skipped.
func (s *scanner) object() bool {
	if s.peek() != '{' {
		s.mismatch("object")
		return false
	}
	return s.enter()
}

// array enters an array. Another value is a type violation, skipped.
func (s *scanner) array() bool {
	if s.peek() != '[' {
		s.mismatch("array")
		return false
	}
	return s.enter()
}

func (s *scanner) enter() bool {
	if s.depth >= MaxDepth {
		s.syntax("nesting deeper than " + strconv.Itoa(MaxDepth) + " levels")
		return false
	}
	s.depth++
	s.pos++
	return true
}

// firstMember reports whether the object just entered has a member; if it
// has none it leaves the object.
func (s *scanner) firstMember() bool {
	if s.failed {
		return false
	}
	switch s.peek() {
	case '}':
		s.pos++
		s.depth--
		return false
	case '"':
		return true
	}
	s.unexpected("looking for the beginning of an object key")
	return false
}

// nextMember moves past the member just read and reports whether another
// follows; at the end it leaves the object.
func (s *scanner) nextMember() bool {
	if s.failed {
		return false
	}
	switch s.peek() {
	case ',':
		s.pos++
		if s.peek() == '"' {
			return true
		}
		s.unexpected("looking for the beginning of an object key")
	case '}':
		s.pos++
		s.depth--
	default:
		s.unexpected("after an object member")
	}
	return false
}

// key reads a member's key and the colon after it.
func (s *scanner) key() ([]byte, bool) {
	k, ok := s.readString()
	if !ok {
		return nil, false
	}
	if s.peek() != ':' {
		s.unexpected("after an object key")
		return nil, false
	}
	s.pos++
	return k, true
}

// firstItem reports whether the array just entered has an item; if it has
// none it leaves the array.
func (s *scanner) firstItem() bool {
	if s.failed {
		return false
	}
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return false
	}
	return true
}

// nextItem moves past the item just read and reports whether another
// follows; at the end it leaves the array.
func (s *scanner) nextItem() bool {
	if s.failed {
		return false
	}
	switch s.peek() {
	case ',':
		s.pos++
		return true
	case ']':
		s.pos++
		s.depth--
	default:
		s.unexpected("after an array element")
	}
	return false
}

// unknown records a property the schema does not declare and skips its
// value; an unknown property given twice is reported once more, as given
// twice. mark is where the object's keys are tracked (see beginKeys).
func (s *scanner) unknown(mark int, k []byte) {
	k = s.pushKey(k)
	if s.repeatedKey(mark, k) {
		s.duplicate()
	} else {
		s.violate(KeywordAdditionalProperties, "unknown property")
	}
	s.skip()
	s.pop()
}

// duplicate records a property given twice. The later value wins, as in
// encoding/json, and is still checked.
func (s *scanner) duplicate() {
	s.violate(KeywordDuplicate, "property given more than once")
}

// duplicateAt records that the member name was given twice.
func (s *scanner) duplicateAt(name string) {
	s.violateAt(name, KeywordDuplicate, "property given more than once")
}

// missing records required properties that were not given.
func (s *scanner) missing(names ...string) {
	for _, n := range names {
		s.violateAt(n, KeywordRequired, "missing required property")
	}
}

// skip reads past one value of any kind, checking its syntax. It keeps
// its own stack of open containers, so deep nesting costs no Go stack.
func (s *scanner) skip() {
	base := len(s.stack)
	defer func() { s.stack = s.stack[:base] }()
	for {
		switch c := s.peek(); {
		case c == '{' || c == '[':
			if !s.enter() {
				return
			}
			s.stack = append(s.stack, c)
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if s.peek() == closer {
				s.pos++
				s.depth--
				s.stack = s.stack[:len(s.stack)-1]
				break
			}
			if c == '{' && !s.skipKey() {
				return
			}
			continue
		case c == '"':
			if _, ok := s.readString(); !ok {
				return
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if _, ok := s.readNumber(); !ok {
				return
			}
		case c == 't':
			if !s.literal("true") {
				return
			}
		case c == 'f':
			if !s.literal("false") {
				return
			}
		case c == 'n':
			if !s.literal("null") {
				return
			}
		default:
			s.unexpected("looking for the beginning of a value")
			return
		}
		// After a value: close finished containers, or go on to the next
		// member or item.
		for {
			if len(s.stack) == base {
				return
			}
			open := s.stack[len(s.stack)-1]
			c := s.peek()
			if c == ',' {
				s.pos++
				if open == '{' && !s.skipKey() {
					return
				}
				break
			}
			if (open == '{' && c == '}') || (open == '[' && c == ']') {
				s.pos++
				s.depth--
				s.stack = s.stack[:len(s.stack)-1]
				continue
			}
			if open == '{' {
				s.unexpected("after an object member")
			} else {
				s.unexpected("after an array element")
			}
			return
		}
	}
}

func (s *scanner) skipKey() bool {
	if s.peek() != '"' {
		s.unexpected("looking for the beginning of an object key")
		return false
	}
	_, ok := s.key()
	return ok
}

// literal consumes the literal word (true, false or null).
func (s *scanner) literal(word string) bool {
	if len(s.data)-s.pos >= len(word) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return true
	}
	for i := 0; i < len(word); i++ {
		if s.pos+i >= len(s.data) {
			s.pos += i
			s.syntax("unexpected end of JSON input")
			return false
		}
		if s.data[s.pos+i] != word[i] {
			s.pos += i
			s.unexpected("in literal " + word)
			return false
		}
	}
	return false
}

// readNumber reads a number at the current position and returns its
// literal, checking it against the JSON grammar.
func (s *scanner) readNumber() ([]byte, bool) {
	d, start, i := s.data, s.pos, s.pos
	digits := func() bool {
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		digits()
	default:
		s.pos = i
		s.unexpected("in a number")
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			s.pos = i
			s.unexpected("after the decimal point in a number")
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			s.pos = i
			s.unexpected("in the exponent of a number")
			return nil, false
		}
	}
	s.pos = i
	return d[start:i], true
}

// stringSafe marks the bytes that stand for themselves inside a string:
// printable ASCII other than the quote and the backslash.
var stringSafe = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// specialBytes marks, with its high bit, each byte of w that needs
// attention in a string: a control character, quote, backslash or
// non-ASCII byte. Bytes above the first marked one may be marked
// wrongly; the lowest mark is always right.
func specialBytes(w uint64) uint64 {
	control := (w - lsb*0x20) & ^w & msb
	return control | hasZeroByte(w^(lsb*'"')) | hasZeroByte(w^(lsb*'\\')) | w&msb
}

// hasZeroByte is non-zero when a byte of v is zero.
func hasZeroByte(v uint64) uint64 { return (v - lsb) & ^v & msb }

// readString reads the string at the current position. The result aliases
// the document when the string has no escapes and s.scratch otherwise.
func (s *scanner) readString() ([]byte, bool) {
	d := s.data
	s.lastString = s.pos
	i := s.pos + 1
	for {
		// Eight bytes at a time up to the first that needs attention.
		for i+8 <= len(d) {
			if m := specialBytes(binary.LittleEndian.Uint64(d[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(d) && stringSafe[d[i]] {
			i++
		}
		if i >= len(d) {
			s.pos = i
			s.syntax("unexpected end of JSON input in a string")
			return nil, false
		}
		switch c := d[i]; {
		case c == '"':
			str := d[s.pos+1 : i]
			s.pos = i + 1
			return str, true
		case c == '\\':
			return s.readEscapedString(i)
		case c < 0x20:
			s.pos = i
			s.syntax("invalid control character " + quoteChar(c) + " in a string")
			return nil, false
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size <= 1 {
				s.pos = i
				s.syntax("invalid UTF-8 in a string")
				return nil, false
			}
			i += size
		}
	}
}

// readEscapedString finishes reading a string whose first escape is at i,
// unescaping it into s.scratch.
func (s *scanner) readEscapedString(i int) ([]byte, bool) {
	d := s.data
	out := append(s.scratch[:0], d[s.pos+1:i]...)
	for {
		if i >= len(d) {
			s.pos = i
			s.syntax("unexpected end of JSON input in a string")
			return nil, false
		}
		c := d[i]
		switch {
		case c == '"':
			s.scratch = out
			s.pos = i + 1
			return out, true
		case c == '\\':
			if i+1 >= len(d) {
				s.pos = i + 1
				s.syntax("unexpected end of JSON input in a string escape")
				return nil, false
			}
			switch e := d[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out = append(out, '\b')
				i += 2
			case 'f':
				out = append(out, '\f')
				i += 2
			case 'n':
				out = append(out, '\n')
				i += 2
			case 'r':
				out = append(out, '\r')
				i += 2
			case 't':
				out = append(out, '\t')
				i += 2
			case 'u':
				r, n := s.readUnicodeEscape(i)
				if n == 0 {
					return nil, false
				}
				out = utf8.AppendRune(out, r)
				i += n
			default:
				s.pos = i + 1
				s.syntax("invalid escape " + quoteChar(e) + " in a string")
				return nil, false
			}
		case c < 0x20:
			s.pos = i
			s.syntax("invalid control character " + quoteChar(c) + " in a string")
			return nil, false
		case c < 0x80:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size <= 1 {
				s.pos = i
				s.syntax("invalid UTF-8 in a string")
				return nil, false
			}
			out = append(out, d[i:i+size]...)
			i += size
		}
	}
}

// readUnicodeEscape reads \uXXXX at i, and the low half that must follow a
// high surrogate. It returns the rune and the bytes read, or 0 bytes after
// recording a syntax error.
func (s *scanner) readUnicodeEscape(i int) (rune, int) {
	r, ok := hex4(s.data, i+2)
	if !ok {
		s.pos = i
		s.syntax("invalid \\u escape in a string")
		return 0, 0
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		s.pos = i
		s.syntax("lone low surrogate \\u" + strconv.FormatInt(int64(r), 16) + " in a string")
		return 0, 0
	case r >= 0xD800 && r <= 0xDBFF:
		lo, ok := rune(0), false
		if i+12 <= len(s.data) && s.data[i+6] == '\\' && s.data[i+7] == 'u' {
			lo, ok = hex4(s.data, i+8)
		}
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			s.pos = i
			s.syntax("lone high surrogate \\u" + strconv.FormatInt(int64(r), 16) + " in a string")
			return 0, 0
		}
		return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
	}
	return r, 6
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	if c < 0x20 || c >= 0x7f {
		return "0x" + strconv.FormatUint(uint64(c), 16)
	}
	return "'" + string(rune(c)) + "'"
}
