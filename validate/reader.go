package validate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
)

// Format is the shape of a dump, detected from its content.
type Format int

// The dump formats.
const (
	// Empty is a dump with nothing in it but whitespace.
	Empty Format = iota
	// NDJSON is one entry per line; blank lines are allowed.
	NDJSON
	// Array is a JSON array of entries.
	Array
	// Timeline is a ClusterTimeline object, the response of Skulk's
	// GET /v1/diagnostics/cluster/timeline; its timeline holds the entries.
	Timeline
	// Node is the response of GET /v1/diagnostics/node: the entries are
	// the flight recorders of its supervisorRunners, lifted onto their
	// runners.
	Node
)

func (f Format) String() string {
	return [...]string{"empty", "NDJSON", "JSON array", "ClusterTimeline object", "node diagnostics object"}[f]
}

// DefaultMaxEntryBytes bounds the size of one entry (or one line): memory
// is bounded by it, not by the size of the dump.
const DefaultMaxEntryBytes = 256 << 20

// maxDepth is the nesting the generated decoders accept.
const maxDepth = jsonrt.MaxDepth

// An Entry is one timeline entry of a dump.
type Entry struct {
	// Raw is the entry's JSON text. It is valid until the reader's
	// callback returns.
	Raw []byte
	// Line is the line where the entry starts.
	Line int
	// Index is the entry's position among the dump's entries.
	Index int
	// Runner marks an entry of a node dump that could not be lifted onto
	// its runner: Raw is then the RunnerFlightRecorderEntry as written.
	Runner bool
	// RunnerIndex is, for an entry of a node dump, the index of the
	// supervisor runner that holds it; -1 otherwise.
	RunnerIndex int
	// Item is the entry's position in the array that holds it: the dump,
	// the timeline, or the runner's flight recorder.
	Item int
}

// A Problem is a defect of a dump found while reading it, as opposed to a
// defect of one entry.
type Problem struct {
	Line     int
	Entry    int // the entry it concerns, or -1
	Pointer  string
	Severity Severity
	Rule     string
	Message  string
	// Fatal reports that reading stopped: the rest of the dump is unchecked.
	Fatal bool
}

func (p *Problem) Error() string { return fmt.Sprintf("line %d: %s: %s", p.Line, p.Rule, p.Message) }

// An Item is what a Reader reads next: an entry, or a problem.
type Item struct {
	Entry   Entry
	Problem *Problem
}

// A Member is a top-level member of a ClusterTimeline or node object other
// than the entries, kept for whoever wants the rest of the document.
type Member struct {
	Key  string
	Raw  []byte
	Line int
}

// A Reader reads the entries of one dump as a stream, whatever its format.
type Reader struct {
	src     *source
	start   int // the line where the top-level value starts
	format  Format
	fn      func(Item) bool
	stopped bool
	index   int
	members []Member
	runners [][]byte
	lift    []byte
}

// NewReader returns a Reader of the dump r. Gzip is recognised by its magic
// bytes. maxEntry bounds one entry; 0 means DefaultMaxEntryBytes.
func NewReader(r io.Reader, maxEntry int) *Reader {
	if maxEntry <= 0 {
		maxEntry = DefaultMaxEntryBytes
	}
	return &Reader{src: newSource(r, maxEntry)}
}

// Format is the dump's format, known once Read has started.
func (r *Reader) Format() Format { return r.format }

// Members returns the top-level members of a ClusterTimeline or node
// object other than its entries, once Read has returned.
func (r *Reader) Members() []Member { return r.members }

// Pointer returns the JSON pointer of the entry e in the dump: "/12" in
// an array, "/timeline/12" in a ClusterTimeline, and
// "/supervisorRunners/0/flightRecorder/12" in a node dump; "" in NDJSON,
// where the line says it all.
func (r *Reader) Pointer(e *Entry) string {
	switch r.format {
	case Array:
		return "/" + itoa(e.Item)
	case Timeline:
		return "/timeline/" + itoa(e.Item)
	case Node:
		return "/supervisorRunners/" + itoa(e.RunnerIndex) + "/flightRecorder/" + itoa(e.Item)
	}
	return ""
}

// Start returns the line where the dump's top-level value starts.
func (r *Reader) Start() int { return r.start }

// Runners returns the supervisor runners of a node dump, each as its JSON
// text, once Read has returned.
func (r *Reader) Runners() [][]byte { return r.runners }

// Read reads the dump to its end, calling fn with each entry and problem in
// order. It stops early when fn returns false, and after a fatal problem.
func (r *Reader) Read(fn func(Item) bool) {
	r.fn = fn
	if !r.open() {
		return
	}
	c, ok := r.src.peek()
	r.start = r.src.line
	switch {
	case !ok:
		r.readErr()
	case c == '[':
		r.format = Array
		if r.array() {
			r.end()
		}
	case c == '{':
		r.object()
	default:
		r.problem(r.src.line, ruleFormat, "want an entry object, a JSON array or a ClusterTimeline object; the input starts with "+quoteByte(c), true)
	}
}

func (r *Reader) emit(it Item) {
	if !r.stopped && !r.fn(it) {
		r.stopped = true
	}
}

func (r *Reader) entry(raw []byte, line int) {
	r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, RunnerIndex: -1, Item: r.index}})
	r.index++
}

func (r *Reader) problem(line int, rule, msg string, fatal bool) {
	r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Severity: Error, Rule: rule, Message: msg, Fatal: fatal}})
}

func (r *Reader) frameProblem(e *frameError) {
	r.problem(e.line, e.rule, e.msg, true)
}

// readErr reports why the input ended, unless it simply ended.
func (r *Reader) readErr() {
	switch err := r.src.err; {
	case err == nil || err == io.EOF:
	case err == errTooLarge:
		r.problem(r.src.line, ruleJSONSyntax, "an entry is larger than the entry limit", true)
	default:
		r.problem(r.src.line, readError, err.Error(), true)
	}
}

// open recognises gzip, a byte order mark and UTF-16.
func (r *Reader) open() bool {
	s := r.src
	fill := func() {
		for s.end-s.pos < 4 {
			if _, ok := s.more(s.pos); !ok {
				return
			}
		}
	}
	fill()
	if s.end-s.pos >= 2 && s.buf[s.pos] == 0x1f && s.buf[s.pos+1] == 0x8b {
		zr, err := gzip.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(s.buf[s.pos:s.end])), s.r))
		if err != nil {
			r.problem(1, readError, "gzip: "+err.Error(), true)
			return false
		}
		s.r, s.pos, s.end, s.err = gzipReader{zr}, 0, 0, nil
		fill()
	}
	head := s.buf[s.pos:s.end]
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		s.pos += 3
		r.emit(Item{Problem: &Problem{Line: 1, Entry: -1, Severity: Warning, Rule: ruleBOM, Message: "the file starts with a UTF-8 byte order mark; it is skipped"}})
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) ||
		(len(head) >= 2 && (head[0] == 0 || head[1] == 0)):
		r.problem(1, ruleFormat, "the file looks like UTF-16; JSON dumps must be UTF-8", true)
		return false
	}
	return true
}

// gzipReader names gzip in the errors of a gzip stream.
type gzipReader struct{ z *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err != nil && err != io.EOF && !strings.HasPrefix(err.Error(), "gzip: ") {
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}

// end checks that nothing but whitespace follows the top-level value.
func (r *Reader) end() {
	if c, ok := r.src.peek(); ok {
		r.problem(r.src.line, ruleJSONTrailing, "data after the end of the JSON value, starting with "+quoteByte(c), true)
		return
	}
	r.readErr()
}

// array reads a JSON array of entries at the current position. It reports
// whether the array was read to its end.
func (r *Reader) array() bool {
	return r.elements("the array", "the array element", func(text []byte, line, _ int) { r.entry(text, line) })
}

// elements reads the JSON array at the current position, framing each
// element and handing it to each with its line and index; array and
// element name them in messages. It reports whether the array was read to
// its end.
func (r *Reader) elements(array, element string, each func(text []byte, line, i int)) bool {
	s := r.src
	startLine := s.line
	s.pos++ // [
	c, ok := s.peek()
	if !ok {
		r.truncated(array + " that starts at line " + itoa(startLine))
		return false
	}
	if c == ']' {
		s.pos++
		return true
	}
	for i := 0; !r.stopped; i++ {
		text, line, ferr := s.frame()
		if ferr != nil {
			r.frameProblem(ferr)
			return false
		}
		each(text, line, i)
		c, ok := s.peek()
		switch {
		case !ok:
			r.truncated(array + " that starts at line " + itoa(startLine))
			return false
		case c == ',':
			s.pos++
			switch c, ok := s.peek(); {
			case !ok:
				r.truncated(array + " that starts at line " + itoa(startLine))
				return false
			case c == ']':
				r.problem(s.line, ruleJSONSyntax, "a comma before ']'", true)
				return false
			}
		case c == ']':
			s.pos++
			return true
		default:
			r.problem(s.line, ruleJSONSyntax, "want ',' or ']' after "+element+" that starts at line "+itoa(line)+", found "+quoteByte(c), true)
			return false
		}
	}
	return false
}

func (r *Reader) truncated(what string) {
	if r.src.err != nil && r.src.err != io.EOF {
		r.readErr()
		return
	}
	r.problem(r.src.line, ruleJSONTruncated, "the input ends inside "+what, true)
}

// object reads a top-level object: a ClusterTimeline, a node dump, or the
// first entry of an NDJSON dump.
func (r *Reader) object() {
	s := r.src
	startLine := s.line
	s.pin = s.pos
	if r.entryLine() {
		// The first line is an entry: read the dump line by line, so that
		// a cut-off line cannot run into the next.
		s.pos, s.line, s.pin = s.pin, startLine, -1
		r.format = NDJSON
		r.ndjson()
		return
	}
	s.pos, s.line = s.pin+1, startLine
	var members []Member
	decided := func() bool { return r.format == Timeline || r.format == Node }
	c, ok := s.peek()
	for ok && c != '}' && !r.stopped {
		if c != '"' {
			r.problem(s.line, ruleJSONSyntax, "want a property name, found "+quoteByte(c), true)
			return
		}
		keyText, keyLine, ferr := s.frame()
		if ferr != nil {
			r.frameProblem(ferr)
			return
		}
		var key string
		if err := json.Unmarshal(keyText, &key); err != nil {
			r.problem(keyLine, ruleJSONSyntax, "invalid property name "+string(keyText), true)
			return
		}
		if !s.expect(':') {
			r.problem(s.line, ruleJSONSyntax, "want ':' after the property name "+strconv.Quote(key), true)
			return
		}
		c, ok = s.peek()
		if !ok {
			r.truncated("the object that starts at line " + itoa(startLine))
			return
		}
		if !decided() && (key == "timeline" || key == "supervisorRunners") {
			// The member that makes the object a ClusterTimeline or a node
			// dump; what came before it stays for the rest of the document.
			r.format = Timeline
			if key == "supervisorRunners" {
				r.format = Node
			}
			s.pin = -1
			r.members = append(r.members, members...)
			members = nil
		}
		switch {
		case c == '[' && ((r.format == Timeline && key == "timeline") || (r.format == Node && key == "supervisorRunners")) && !r.hasMember(key):
			r.members = append(r.members, Member{Key: key, Line: s.line})
			var done bool
			if r.format == Timeline {
				done = r.array()
			} else {
				done = r.supervisorRunners()
			}
			if !done {
				return
			}
		default:
			text, line, ferr := s.frame()
			if ferr != nil {
				r.frameProblem(ferr)
				return
			}
			m := Member{key, bytes.Clone(text), line}
			if decided() {
				r.members = append(r.members, m)
			} else {
				members = append(members, m)
			}
		}
		c, ok = s.peek()
		switch {
		case !ok:
			r.truncated("the object that starts at line " + itoa(startLine))
			return
		case c == ',':
			s.pos++
			c, ok = s.peek()
			if ok && c == '}' {
				r.problem(s.line, ruleJSONSyntax, "a comma before '}'", true)
				return
			}
		case c != '}':
			r.problem(s.line, ruleJSONSyntax, "want ',' or '}' after the value of "+strconv.Quote(key)+", found "+quoteByte(c), true)
			return
		}
	}
	if r.stopped {
		return
	}
	if !ok {
		r.truncated("the object that starts at line " + itoa(startLine))
		return
	}
	s.pos++ // }
	if decided() {
		if r.format == Node {
			r.checkNodeMembers()
		}
		r.end()
		return
	}
	// An object that is neither a ClusterTimeline nor a node dump is an
	// entry: the first line of an NDJSON dump.
	raw := bytes.Clone(s.buf[s.pin:s.pos])
	s.pin = -1
	r.format = NDJSON
	if s.line != startLine {
		r.spansLines(startLine, s.line)
		r.entry(raw, startLine)
	} else {
		rest, _ := s.readLine()
		r.entry(append(raw, rest...), startLine)
	}
	r.ndjson()
}

// hasMember reports whether the object being read had the member key
// already: a second timeline is a member like any other, and a duplicate.
func (r *Reader) hasMember(key string) bool {
	for _, m := range r.members {
		if m.Key == key {
			return true
		}
	}
	return false
}

func (r *Reader) spansLines(start, end int) {
	r.problem(start, ruleFormat, fmt.Sprintf("the entry that starts at line %d ends at line %d: an NDJSON dump needs one entry per line (or write a JSON array of entries)", start, end), false)
}

// entryKeys are the properties of an entry. An object whose first
// property, on its first line, is one of them starts an NDJSON dump.
var entryKeys = map[string]bool{
	"at": true, "nodeId": true, "runnerId": true, "deviceRank": true, "worldSize": true, "phase": true,
	"event": true, "detail": true, "attrs": true, "taskId": true, "commandId": true, "mlxMemory": true,
}

// entryLine reports whether the object at s.pin starts with an entry's
// property on the same line. It moves the read position; the caller
// rewinds to s.pin.
func (r *Reader) entryLine() bool {
	s := r.src
	line := s.line
	s.pos++ // {
	if c, ok := s.peek(); !ok || c != '"' || s.line != line {
		return false
	}
	keyText, _, ferr := s.frame()
	if ferr != nil || s.line != line {
		return false
	}
	var key string
	return json.Unmarshal(keyText, &key) == nil && entryKeys[key]
}

// maxJoinedLines bounds how many lines an entry written across lines in an
// NDJSON dump may span before it is taken for a cut-off line.
const maxJoinedLines = 10000

// ndjson reads the lines of an NDJSON dump. An entry that was written
// across several lines (a pretty-printed entry pasted in) is reported
// once, as the format problem it is, and still checked as one entry.
func (r *Reader) ndjson() {
	s := r.src
	var pending []ndjsonLine // lines read ahead while joining an entry
	next := func() (ndjsonLine, bool) {
		if len(pending) > 0 {
			l := pending[0]
			pending = pending[1:]
			return l, true
		}
		line := s.line
		text, ok := s.readLine()
		return ndjsonLine{text, line}, ok
	}
	for !r.stopped {
		l, ok := next()
		if !ok {
			r.readErr()
			return
		}
		text := bytes.TrimRight(l.text, " \t\r")
		if bytes.HasPrefix(text, []byte("\xef\xbb\xbf")) {
			text = text[3:]
			r.emit(Item{Problem: &Problem{Line: l.line, Entry: -1, Severity: Warning, Rule: ruleBOM,
				Message: "a byte order mark at the start of the line (files joined together?); it is skipped"}})
		}
		if len(bytes.TrimLeft(text, " \t")) == 0 {
			continue
		}
		if text[len(text)-1] == '}' || !opensValue(text) {
			r.entry(text, l.line)
			continue
		}
		// The line ends inside a value: see whether the next lines
		// complete it.
		joined := bytes.Clone(text)
		var read []ndjsonLine
		complete := false
		for len(read) < maxJoinedLines && len(joined) <= s.max {
			nl, ok := next()
			if !ok {
				break
			}
			nl.text = bytes.Clone(nl.text)
			read = append(read, nl)
			joined = append(append(joined, '\n'), nl.text...)
			if !opensValue(joined) {
				complete = true
				break
			}
		}
		if complete {
			r.spansLines(l.line, read[len(read)-1].line)
			r.entry(joined, l.line)
			continue
		}
		// A cut-off line: check it alone, and the lines read ahead as
		// lines of their own. (text may be gone from the buffer: joined
		// starts with a copy.)
		r.entry(joined[:len(text)], l.line)
		pending = append(read, pending...)
	}
}

type ndjsonLine struct {
	text []byte
	line int
}

// opensValue reports whether text starts a JSON object or array that it
// does not close.
func opensValue(text []byte) bool {
	src := memSource(text, 1)
	c, ok := src.peek()
	if !ok || (c != '{' && c != '[') {
		return false
	}
	_, _, ferr := src.frame()
	return ferr != nil && ferr.rule == jsonTruncated
}

// supervisorRunners reads the runners of a node dump and lifts the entries
// of their flight recorders.
func (r *Reader) supervisorRunners() bool {
	return r.elements("the supervisorRunners array", "the runner", func(text []byte, line, i int) {
		r.runner(bytes.Clone(text), line, i)
	})
}

// checkNodeMembers checks that the members of a node dump other than its
// runners are well-formed JSON; their content is Skulk's business.
func (r *Reader) checkNodeMembers() {
	for _, m := range r.members {
		if m.Raw == nil {
			continue
		}
		_, vs := decodeValue(m.Raw)
		r.jsonProblems(vs, m.Raw, m.Line, "/"+escapeToken(m.Key))
	}
}

// jsonProblems reports the syntax errors and duplicate properties of a
// value the reader checked whole; text starts at line, at pointer. It
// reports whether the value is well-formed.
func (r *Reader) jsonProblems(vs []violation, text []byte, line int, pointer string) bool {
	ok := true
	for _, v := range vs {
		if v.keyword != "syntax" && v.keyword != "duplicate" {
			continue
		}
		ok = ok && v.keyword != "syntax"
		at := line + bytes.Count(text[:min(v.offset, len(text))], nl)
		r.emit(Item{Problem: &Problem{Line: at, Entry: -1, Pointer: pointer + v.pointer, Severity: Error, Rule: ruleOf(v.keyword, v.message), Message: v.message}})
	}
	return ok
}

// runnerIdentity is who a supervisor runner says it is; a field it does
// not state is nil.
type runnerIdentity struct {
	node, runner *string
	rank, world  *timeline.Int
}

// runner reads one supervisor runner of a node dump.
func (r *Reader) runner(text []byte, line, ri int) {
	r.runners = append(r.runners, text)
	pointer := "/supervisorRunners/" + itoa(ri)
	value, vs := decodeValue(text)
	if !r.jsonProblems(vs, text, line, pointer) {
		return
	}
	fields, ok := value.(map[string]any)
	if !ok {
		r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer, Severity: Error, Rule: ruleSchema, Message: "got " + jsonKind(value) + ", want a supervisor runner object"}})
		return
	}
	var id runnerIdentity
	idField := func(key, want string) any {
		v, ok := fields[key]
		if !ok {
			return nil
		}
		if jsonKind(v) != want {
			r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer + "/" + key, Severity: Error, Rule: ruleSchema,
				Message: "got " + jsonKind(v) + ", want " + want}})
			return nil
		}
		return v
	}
	if v, ok := idField("nodeId", "string").(string); ok {
		id.node = &v
	}
	if v, ok := idField("runnerId", "string").(string); ok {
		id.runner = &v
	}
	for _, f := range []struct {
		key string
		dst **timeline.Int
	}{{"deviceRank", &id.rank}, {"worldSize", &id.world}} {
		if n, ok := idField(f.key, "number").(json.Number); ok {
			if v, err := timeline.ParseInt(n); err == nil {
				*f.dst = &v
			} else {
				r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer + "/" + f.key, Severity: Error, Rule: ruleSchema,
					Message: "got " + string(n) + ", want an integer"}})
			}
		}
	}
	recorder, ok := fields["flightRecorder"]
	if !ok {
		return
	}
	if _, ok := recorder.([]any); !ok {
		r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Pointer: pointer + "/flightRecorder", Severity: Error, Rule: ruleSchema,
			Message: "got " + jsonKind(recorder) + ", want an array of flight-recorder entries"}})
		return
	}
	members, _ := objectMembers(text, line)
	for _, m := range members {
		if m.Key != "flightRecorder" {
			continue
		}
		src := memSource(m.Raw, m.Line)
		src.pos++ // [
		item := 0
		for {
			c, ok := src.peek()
			if !ok || c == ']' {
				break
			}
			if c == ',' {
				src.pos++
				continue
			}
			raw, eline, ferr := src.frame()
			if ferr != nil {
				break // cannot happen: the runner is well-formed
			}
			r.liftEntry(raw, eline, ri, item, id)
			item++
			if r.stopped {
				return
			}
		}
	}
}

// jsonKind names the JSON kind of a value decodeValue made.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

// liftEntry lifts one flight-recorder entry onto its runner, as Skulk does
// when it builds the cluster timeline, and checks that the entry's context
// names the runner that holds it.
func (r *Reader) liftEntry(raw []byte, line, ri, item int, id runnerIdentity) {
	lifted, err := timeline.LiftRunnerFlightRecorderEntryJSON(r.lift[:0], raw)
	if err != nil {
		r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, Runner: true, RunnerIndex: ri, Item: item}})
		r.index++
		return
	}
	r.lift = lifted
	var e timeline.ClusterTimelineEntry
	if err := e.UnmarshalJSON(lifted); err == nil {
		differs := (id.node != nil && *id.node != e.NodeID) || (id.runner != nil && *id.runner != e.RunnerID) ||
			(id.rank != nil && id.rank.Cmp(e.DeviceRank) != 0) || (id.world != nil && id.world.Cmp(e.WorldSize) != 0)
		if differs {
			r.emit(Item{Problem: &Problem{Line: line, Entry: r.index, Pointer: "/context", Severity: Error, Rule: ruleRunnerIdent,
				Message: fmt.Sprintf("the entry's context (%s) is not the supervisor runner that holds it (%s); the entry is lifted onto its context",
					describeRunner(&e.NodeID, &e.RunnerID, &e.DeviceRank, &e.WorldSize), describeRunner(id.node, id.runner, id.rank, id.world))}})
		}
	}
	r.emit(Item{Entry: Entry{Raw: lifted, Line: line, Index: r.index, RunnerIndex: ri, Item: item}})
	r.index++
}

// describeRunner writes a runner's identity as "node-a, runner-0, rank 1 of
// 2", leaving out what is unknown.
func describeRunner(node, runner *string, rank, world *timeline.Int) string {
	var parts []string
	if node != nil {
		parts = append(parts, "node "+strconv.Quote(*node))
	}
	if runner != nil {
		parts = append(parts, "runner "+strconv.Quote(*runner))
	}
	switch {
	case rank != nil && world != nil:
		parts = append(parts, fmt.Sprintf("rank %s of %s", rank, world))
	case rank != nil:
		parts = append(parts, fmt.Sprintf("rank %s", rank))
	case world != nil:
		parts = append(parts, fmt.Sprintf("world size %s", world))
	}
	return strings.Join(parts, ", ")
}

// objectMembers splits the JSON object text, which starts at line, into
// its members.
func objectMembers(text []byte, line int) ([]Member, *frameError) {
	s := memSource(text, line)
	if !s.expect('{') {
		return nil, &frameError{ruleSchema, "not an object", line}
	}
	var ms []Member
	for {
		c, ok := s.peek()
		switch {
		case !ok:
			return nil, &frameError{jsonTruncated, "the object ends early", s.line}
		case c == '}':
			return ms, nil
		case c == ',':
			s.pos++
			continue
		}
		keyText, _, ferr := s.frame()
		if ferr != nil {
			return nil, ferr
		}
		var key string
		if err := json.Unmarshal(keyText, &key); err != nil {
			return nil, &frameError{jsonSyntax, "invalid property name " + string(keyText), s.line}
		}
		if !s.expect(':') {
			return nil, &frameError{jsonSyntax, "want ':' after " + strconv.Quote(key), s.line}
		}
		val, vline, ferr := s.frame()
		if ferr != nil {
			return nil, ferr
		}
		ms = append(ms, Member{key, val, vline})
	}
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// joinList joins items as "a", "a and b" or "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// marshalString is the JSON text of s, with nothing escaped that JSON does
// not require.
func marshalString(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
