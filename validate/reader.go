package validate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

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
const maxDepth = timeline.MaxDepth

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
	switch {
	case !ok:
		r.readErr()
	case c == '[':
		r.format = Array
		if r.array("") {
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
	r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, RunnerIndex: -1}})
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

// open recognises gzip and a byte order mark.
func (r *Reader) open() bool {
	s := r.src
	for s.end-s.pos < 3 {
		if _, ok := s.more(s.pos); !ok {
			break
		}
	}
	if s.end-s.pos >= 2 && s.buf[s.pos] == 0x1f && s.buf[s.pos+1] == 0x8b {
		zr, err := gzip.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(s.buf[s.pos:s.end])), s.r))
		if err != nil {
			r.problem(1, readError, "gzip: "+err.Error(), true)
			return false
		}
		s.r, s.pos, s.end, s.err = zr, 0, 0, nil
		for s.end-s.pos < 3 {
			if _, ok := s.more(s.pos); !ok {
				break
			}
		}
	}
	if s.err != nil && s.err != io.EOF {
		r.readErr()
		return false
	}
	if bytes.HasPrefix(s.buf[s.pos:s.end], []byte("\xef\xbb\xbf")) {
		s.pos += 3
		r.emit(Item{Problem: &Problem{Line: 1, Entry: -1, Severity: Warning, Rule: ruleBOM, Message: "the file starts with a UTF-8 byte order mark; it is skipped"}})
	}
	return true
}

// end checks that nothing but whitespace follows the top-level value.
func (r *Reader) end() {
	if c, ok := r.src.peek(); ok {
		r.problem(r.src.line, ruleJSONTrailing, "data after the end of the JSON value, starting with "+quoteByte(c), true)
		return
	}
	r.readErr()
}

// array reads a JSON array of entries at the current position; pointer is
// the array's JSON pointer, for messages. It reports whether the array
// was read to its end.
func (r *Reader) array(pointer string) bool {
	s := r.src
	startLine := s.line
	s.pos++ // [
	c, ok := s.peek()
	if !ok {
		r.truncated("the array that starts at line " + itoa(startLine))
		return false
	}
	if c == ']' {
		s.pos++
		return true
	}
	for !r.stopped {
		text, line, ferr := s.frame()
		if ferr != nil {
			r.frameProblem(ferr)
			return false
		}
		r.entry(text, line)
		c, ok := s.peek()
		switch {
		case !ok:
			r.truncated("the array that starts at line " + itoa(startLine))
			return false
		case c == ',':
			s.pos++
			switch c, ok := s.peek(); {
			case !ok:
				r.truncated("the array that starts at line " + itoa(startLine))
				return false
			case c == ']':
				r.problem(s.line, ruleJSONSyntax, "a comma before ']'", true)
				return false
			}
		case c == ']':
			s.pos++
			return true
		default:
			r.problem(s.line, ruleJSONSyntax, "want ',' or ']' after the array element that starts at line "+itoa(line)+", found "+quoteByte(c), true)
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
		switch {
		case !ok:
			r.truncated("the object that starts at line " + itoa(startLine))
			return
		case !decided() && c == '[' && (key == "timeline" || key == "supervisorRunners"):
			if key == "timeline" {
				r.format = Timeline
			} else {
				r.format = Node
			}
			s.pin = -1
			r.members = append(r.members, members...)
			members = nil
			var done bool
			if r.format == Timeline {
				done = r.array("/timeline")
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
			if decided() {
				r.members = append(r.members, Member{key, bytes.Clone(text), line})
			} else {
				members = append(members, Member{key, bytes.Clone(text), line})
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
		r.end()
		return
	}
	// An object that is neither a ClusterTimeline nor a node dump is an
	// entry: the first line of an NDJSON dump.
	raw := bytes.Clone(s.buf[s.pin:s.pos])
	s.pin = -1
	if s.line != startLine {
		r.problem(startLine, ruleFormat, fmt.Sprintf("the entry that starts at line %d ends at line %d: an NDJSON dump needs one entry per line (or write a JSON array of entries)", startLine, s.line), true)
		return
	}
	r.format = NDJSON
	rest, _ := s.readLine()
	r.entry(append(raw, rest...), startLine)
	r.ndjson()
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

// ndjson reads the lines of an NDJSON dump.
func (r *Reader) ndjson() {
	s := r.src
	for !r.stopped {
		line := s.line
		text, ok := s.readLine()
		if !ok {
			r.readErr()
			return
		}
		if len(bytes.Trim(text, " \t\r")) == 0 {
			continue
		}
		r.entry(text, line)
	}
}

// supervisorRunners reads the runners of a node dump and lifts the entries
// of their flight recorders.
func (r *Reader) supervisorRunners() bool {
	s := r.src
	startLine := s.line
	s.pos++ // [
	c, ok := s.peek()
	if ok && c == ']' {
		s.pos++
		return true
	}
	for i := 0; !r.stopped; i++ {
		text, line, ferr := s.frame()
		if ferr != nil {
			r.frameProblem(ferr)
			return false
		}
		r.runner(bytes.Clone(text), line, i)
		c, ok := s.peek()
		switch {
		case !ok:
			r.truncated("the supervisorRunners array that starts at line " + itoa(startLine))
			return false
		case c == ',':
			s.pos++
		case c == ']':
			s.pos++
			return true
		default:
			r.problem(s.line, ruleJSONSyntax, "want ',' or ']' after the runner that starts at line "+itoa(line)+", found "+quoteByte(c), true)
			return false
		}
	}
	return false
}

// runnerIdentity is who a supervisor runner says it is.
type runnerIdentity struct {
	NodeID     string `json:"nodeId"`
	RunnerID   string `json:"runnerId"`
	DeviceRank int64  `json:"deviceRank"`
	WorldSize  int64  `json:"worldSize"`
}

// runner reads one supervisor runner of a node dump.
func (r *Reader) runner(text []byte, line, ri int) {
	r.runners = append(r.runners, text)
	pointer := "/supervisorRunners/" + itoa(ri)
	members, perr := objectMembers(text, line)
	if perr != nil {
		r.emit(Item{Problem: &Problem{Line: perr.line, Entry: -1, Pointer: pointer, Severity: Error, Rule: perr.rule, Message: perr.msg}})
		return
	}
	var id runnerIdentity
	var recorder *Member
	for i, m := range members {
		switch m.Key {
		case "nodeId", "runnerId", "deviceRank", "worldSize":
			b, _ := json.Marshal(map[string]json.RawMessage{m.Key: m.Raw})
			if err := json.Unmarshal(b, &id); err != nil {
				r.emit(Item{Problem: &Problem{Line: m.Line, Entry: -1, Pointer: pointer + "/" + m.Key, Severity: Error, Rule: ruleSchema, Message: "not a valid " + m.Key}})
			}
		case "flightRecorder":
			recorder = &members[i]
		}
	}
	if recorder == nil {
		return
	}
	src := memSource(recorder.Raw, recorder.Line)
	if c, ok := src.peek(); !ok || c != '[' {
		r.emit(Item{Problem: &Problem{Line: recorder.Line, Entry: -1, Pointer: pointer + "/flightRecorder", Severity: Error, Rule: ruleSchema, Message: "flightRecorder is not an array"}})
		return
	}
	src.pos++
	for {
		c, ok := src.peek()
		if !ok || c == ']' {
			return
		}
		if c == ',' {
			src.pos++
			continue
		}
		raw, eline, ferr := src.frame()
		if ferr != nil {
			r.frameProblem(ferr)
			return
		}
		r.liftEntry(raw, eline, ri, id)
		if r.stopped {
			return
		}
	}
}

// liftEntry lifts one flight-recorder entry onto its runner, as Skulk does
// when it builds the cluster timeline, and checks that the entry's context
// names the runner that holds it.
func (r *Reader) liftEntry(raw []byte, line, ri int, id runnerIdentity) {
	lifted, err := timeline.LiftRunnerFlightRecorderEntryJSON(r.lift[:0], raw)
	if err != nil {
		r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, Runner: true, RunnerIndex: ri}})
		r.index++
		return
	}
	r.lift = lifted
	var e timeline.ClusterTimelineEntry
	if err := e.UnmarshalJSON(lifted); err == nil {
		var diffs []string
		if e.NodeID != id.NodeID {
			diffs = append(diffs, fmt.Sprintf("node %q, not %q", e.NodeID, id.NodeID))
		}
		if e.RunnerID != id.RunnerID {
			diffs = append(diffs, fmt.Sprintf("runner %q, not %q", e.RunnerID, id.RunnerID))
		}
		if e.DeviceRank != id.DeviceRank {
			diffs = append(diffs, fmt.Sprintf("rank %d, not %d", e.DeviceRank, id.DeviceRank))
		}
		if e.WorldSize != id.WorldSize {
			diffs = append(diffs, fmt.Sprintf("world size %d, not %d", e.WorldSize, id.WorldSize))
		}
		if len(diffs) > 0 {
			r.emit(Item{Problem: &Problem{Line: line, Entry: r.index, Pointer: "/context", Severity: Error, Rule: ruleRunnerIdent,
				Message: "the entry's context names " + joinList(diffs) + " as the supervisor runner that holds it; the entry is lifted onto its context"}})
		}
	}
	r.emit(Item{Entry: Entry{Raw: lifted, Line: line, Index: r.index, RunnerIndex: ri}})
	r.index++
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
