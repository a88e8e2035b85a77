package jsonrt

import "strconv"

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
	scratch []byte      // the last string that needed unescaping
	keys    []byte      // copies of escaped keys on the path
	frames  []skipFrame // containers entered by skip
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
	// canon holds the canonical text of the last value checked against
	// an enum, and spans the items of the arrays whose items must differ.
	canon []byte
	spans [][2]int
	// quiet counts the values read again (see reread), inside which keys
	// given twice were reported already.
	quiet int
	// found counts the violations found, those beyond maxViolations too,
	// and choices are the alternatives trials chose (see union.go).
	found   int
	choices map[[2]int]int
	// epoch counts the documents read; spans, quiet and choices are of
	// the document whose epoch their epoch fields hold, so that reset,
	// which every document costs, need not clear them.
	epoch, spansEpoch, quietEpoch, choicesEpoch int
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
	s.scratch, s.keys, s.frames = s.scratch[:0], s.keys[:0], s.frames[:0]
	s.path, s.vs, s.mapKeys, s.leaf = s.path[:0], s.vs[:0], s.mapKeys[:0], ""
	s.dates, s.datePaths = s.dates[:0], s.datePaths[:0]
	s.found = 0
	s.epoch++ // the state of trials and rereads is of the last document
	clear(s.bigMaps)
}

// end checks that only whitespace follows the document.
func (s *scanner) end() {
	if s.failed {
		return
	}
	s.ws()
	if s.pos < len(s.data) {
		s.fail(KeywordTrailing, "invalid character "+quoteChar(s.data[s.pos])+" after the top-level value")
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

// violations returns the violations found, or nil.
func (s *scanner) violations() []Violation {
	if len(s.vs) == 0 {
		return nil
	}
	return s.vs
}

// omitted counts the violations found beyond those kept.
func (s *scanner) omitted() int { return s.found - len(s.vs) }

// result is the error of a decode: nil, or every violation found.
func (s *scanner) result(typ string) error {
	if len(s.vs) == 0 {
		return nil
	}
	return &ValidationError{Type: typ, Violations: append([]Violation(nil), s.vs...), Omitted: s.omitted()}
}

// ptrTo returns a pointer to a copy of v.
func ptrTo[T any](v T) *T { return &v }

// violate records a violation at the current path (and leaf).
func (s *scanner) violate(keyword Keyword, msg string) {
	s.found++
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

// maxJSONPointerDepth bounds the pointers of problems with JSON itself
// (syntax and repeated keys), which would otherwise name every level of a
// hostile nesting: dump.DecodeValue bounds them so too.
const maxJSONPointerDepth = 16

// jsonPointer is the pointer of a problem with JSON itself at the current
// path (and leaf), naming at most maxJSONPointerDepth levels.
func (s *scanner) jsonPointer() string {
	if len(s.path) < maxJSONPointerDepth {
		return s.pointer()
	}
	return string(appendPointer(nil, s.path[:maxJSONPointerDepth]))
}

// violateAt records a violation for the member name of the current object.
func (s *scanner) violateAt(name string, keyword Keyword, msg string) {
	leaf := s.leaf
	s.leaf = name
	s.violate(keyword, msg)
	s.leaf = leaf
}

// syntax records a syntax error and stops the scan.
func (s *scanner) syntax(msg string) { s.fail(KeywordSyntax, msg) }

// truncated records a document that ends inside a value and stops the
// scan.
func (s *scanner) truncated(msg string) { s.fail(KeywordTruncated, msg) }

// fail records that the document is not well-formed JSON, as keyword
// (one that is Malformed) says, and stops the scan.
func (s *scanner) fail(keyword Keyword, msg string) {
	if s.failed {
		return
	}
	s.failed = true
	s.found++
	v := Violation{Pointer: s.jsonPointer(), Keyword: keyword, Message: msg, Offset: s.pos}
	if len(s.vs) >= maxViolations { // keep the error that explains the stop
		s.vs[len(s.vs)-1] = v
		return
	}
	s.vs = append(s.vs, v)
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
		s.truncated("unexpected end of JSON input")
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

// null consumes a null and reports whether there was one. name is the
// member whose value it is, as for the scalar readers below.
func (s *scanner) null(name string) bool {
	if s.peek() != 'n' {
		return false
	}
	return s.nullLiteral(name)
}

// nullLiteral reads the null that is next, apart from null so that null
// stays small enough to be inlined.
func (s *scanner) nullLiteral(name string) bool {
	s.leaf = name
	ok := s.literal("null")
	s.leaf = ""
	return ok
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
// twice, and unknown reports whether it was new. mark is where the
// object's keys are tracked (see beginKeys).
func (s *scanner) unknown(mark int, k []byte) bool {
	k = s.pushKey(k)
	repeated := s.repeatedKey(mark, k)
	if repeated {
		s.duplicate()
	} else {
		s.violate(KeywordAdditionalProperties, "unknown property")
	}
	s.skip()
	s.pop()
	return !repeated
}

// quietLevel is how many values of the document are being read again.
func (s *scanner) quietLevel() int {
	if s.quietEpoch != s.epoch {
		return 0
	}
	return s.quiet
}

// reread goes back to the value that starts at start, read already, to
// read it again against another schema: the keys given twice inside it
// are not reported twice.
func (s *scanner) reread(start int) {
	if !s.failed {
		s.pos = start
		if s.quietEpoch != s.epoch {
			s.quiet, s.quietEpoch = 0, s.epoch
		}
		s.quiet++
	}
}

// duplicate records a property given twice. The later value wins, as in
// encoding/json, and is still checked.
func (s *scanner) duplicate() {
	if s.quiet > 0 && s.quietEpoch == s.epoch {
		return
	}
	s.found++
	if len(s.vs) < maxViolations {
		s.vs = append(s.vs, Violation{Pointer: s.jsonPointer(), Keyword: KeywordDuplicate, Message: "property given more than once", Offset: s.pos})
	}
}

// duplicateAt records that the member name was given twice. It is kept
// out of line: the decoders call it at every member, and it never runs
// for a valid document.
//
//go:noinline
func (s *scanner) duplicateAt(name string) {
	leaf := s.leaf
	s.leaf = name
	s.duplicate()
	s.leaf = leaf
}

// missing records required properties that were not given.
func (s *scanner) missing(names ...string) {
	for _, n := range names {
		s.violateAt(n, KeywordRequired, "missing required property")
	}
}
