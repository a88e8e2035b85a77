package dump

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/validate/rule"
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
	// Node is the response of GET /v1/diagnostics/node (NodeDiagnostics):
	// the entries are the flight recorders of its supervisorRunners,
	// lifted onto their runners.
	Node
	// Cluster is the response of GET /v1/diagnostics/cluster
	// (ClusterDiagnostics): each node's diagnostics, read as a node dump.
	Cluster
	// Capture is the response of POST /v1/diagnostics/node/capture
	// (DiagnosticCaptureResponse): its nodeDiagnostics, read as a node dump.
	Capture
)

func (f Format) String() string {
	return [...]string{"empty", "NDJSON", "JSON array", "ClusterTimeline object", "node diagnostics object",
		"ClusterDiagnostics object", "diagnostic capture object"}[f]
}

// Recorders reports whether dumps of format f hold flight recorders, whose
// entries are in order each on its own.
func (f Format) Recorders() bool { return f == Node || f == Cluster || f == Capture }

// DefaultMaxEntryBytes bounds the size of one entry (or one line): memory
// is bounded by it, not by the size of the dump.
const DefaultMaxEntryBytes = 256 << 20

// MaxDepth is the nesting the generated decoders accept, and DecodeValue.
const MaxDepth = jsonrt.MaxDepth

// An Entry is one timeline entry of a dump.
type Entry struct {
	// Raw is the entry's JSON text. It is valid until the reader's
	// callback returns.
	Raw []byte
	// Line is the line where the entry starts.
	Line int
	// Index is the entry's position among the dump's entries.
	Index int
	// Runner marks an entry of a flight recorder that could not be lifted
	// onto its runner: Raw is then the RunnerFlightRecorderEntry as written.
	Runner bool
	// Recorder numbers, for an entry of a flight recorder, the recorder
	// among the dump's recorders (from 0); it is -1 for other entries.
	// NodeIndex and RunnerIndex place the recorder: the node of a
	// ClusterDiagnostics that holds it (-1 in other formats), and the
	// supervisor runner among the node's.
	Recorder, NodeIndex, RunnerIndex int
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
	Severity rule.Severity
	Rule     rule.ID
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
	// doc is the document's skeleton, and runnerSpans the supervisor
	// runners in it; recorders counts the flight recorders.
	doc            *Document
	runnerSpans    [][2]int
	runnerPointers []string
	recorders      int
	lift           []byte
	// joinWork, when set, counts the bytes that joining NDJSON lines
	// scanned, for the test that keeps it linear.
	joinWork *int
}

// NewReader returns a Reader of the dump r. Gzip is recognised by its magic
// bytes. maxEntry bounds one entry; 0 means DefaultMaxEntryBytes.
func NewReader(r io.Reader, maxEntry int) *Reader {
	return NewReaderSize(r, maxEntry, readChunk)
}

// NewReaderSize is NewReader with a first buffer of size bytes, for a
// program that reads many dumps at once; the buffer grows as entries need.
func NewReaderSize(r io.Reader, maxEntry, size int) *Reader {
	if maxEntry <= 0 {
		maxEntry = DefaultMaxEntryBytes
	}
	return &Reader{src: newSource(r, maxEntry, max(size, 512))}
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
	recorder := func() string { return "/supervisorRunners/" + itoa(e.RunnerIndex) + "/flightRecorder/" + itoa(e.Item) }
	switch r.format {
	case Array:
		return "/" + itoa(e.Item)
	case Timeline:
		return "/timeline/" + itoa(e.Item)
	case Node:
		return recorder()
	case Cluster:
		return "/nodes/" + itoa(e.NodeIndex) + "/diagnostics" + recorder()
	case Capture:
		return "/nodeDiagnostics" + recorder()
	}
	return ""
}

// Start returns the line where the dump's top-level value starts.
func (r *Reader) Start() int { return r.start }

// RunnerPointer returns the JSON pointer of the i-th supervisor runner of
// the document, counting across nodes as Runners does.
func (r *Reader) RunnerPointer(i int) string {
	if i < 0 || i >= len(r.runnerPointers) {
		return ""
	}
	return r.runnerPointers[i]
}

// Runners returns the supervisor runners of a node dump (or of every node
// of a ClusterDiagnostics, or of a capture's node) once Read has returned,
// each as its JSON text with an empty flightRecorder: the entries were
// read as a stream.
func (r *Reader) Runners() [][]byte {
	runners := make([][]byte, len(r.runnerSpans))
	for i, span := range r.runnerSpans {
		runners[i] = r.doc.Text[span[0]:span[1]]
	}
	return runners
}

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
		r.problem(r.src.line, rule.Format, "want an entry object, a JSON array or a ClusterTimeline object; the input starts with "+quoteByte(c), true)
	}
}

func (r *Reader) emit(it Item) {
	if !r.stopped && !r.fn(it) {
		r.stopped = true
	}
}

func (r *Reader) entry(raw []byte, line int) {
	r.emit(Item{Entry: Entry{Raw: raw, Line: line, Index: r.index, Recorder: -1, NodeIndex: -1, RunnerIndex: -1, Item: r.index}})
	r.index++
}

func (r *Reader) problem(line int, id rule.ID, msg string, fatal bool) {
	r.emit(Item{Problem: &Problem{Line: line, Entry: -1, Severity: id.Severity(), Rule: id, Message: msg, Fatal: fatal}})
}

// skippedEntry reports an entry the source read past without keeping it
// (too large, or nested too deeply); it keeps its place among the entries.
func (r *Reader) skippedEntry(e *frameError) {
	r.emit(Item{Problem: &Problem{Line: e.line, Entry: r.index, Severity: e.rule.Severity(), Rule: e.rule, Message: e.msg}})
	r.index++
}

// frameProblem reports a value that could not be framed. Reading stops
// unless the source read past the value.
func (r *Reader) frameProblem(e *frameError) {
	r.problem(e.line, e.rule, e.msg, !e.skipped)
}

// readErr reports why the input ended, unless it simply ended.
func (r *Reader) readErr() {
	if err := r.src.err; err != nil && err != io.EOF {
		r.problem(r.src.line, rule.Read, err.Error(), true)
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
			r.problem(1, rule.Read, gzipMessage(err), true)
			return false
		}
		s.r, s.pos, s.end, s.err = gzipReader{zr}, 0, 0, nil
		fill()
	}
	head := s.buf[s.pos:s.end]
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		s.pos += 3
		r.emit(Item{Problem: &Problem{Line: 1, Entry: -1, Severity: rule.Warning, Rule: rule.JSONBOM, Message: "the file starts with a UTF-8 byte order mark; it is skipped"}})
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) ||
		(len(head) >= 2 && (head[0] == 0) != (head[1] == 0)):
		// A byte order mark, or ASCII text with every other byte zero.
		r.problem(1, rule.Format, "the file looks like UTF-16; JSON dumps must be UTF-8", true)
		return false
	case len(head) > 0 && head[0] == 0:
		r.problem(1, rule.Format, "the file starts with a NUL byte: it is binary data, not a JSON dump", true)
		return false
	}
	return true
}

// gzipReader names gzip in the errors of a gzip stream.
type gzipReader struct{ z *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err != nil && err != io.EOF {
		err = errors.New(gzipMessage(err))
	}
	return n, err
}

// gzipMessage says what went wrong in a gzip stream, named once.
func gzipMessage(err error) string {
	if msg := err.Error(); strings.HasPrefix(msg, "gzip: ") {
		return msg
	}
	return "gzip: " + err.Error()
}

// end checks that nothing but whitespace follows the top-level value.
func (r *Reader) end() {
	if c, ok := r.src.peek(); ok {
		r.problem(r.src.line, rule.JSONTrailing, "data after the end of the JSON value, starting with "+quoteByte(c), true)
		return
	}
	r.readErr()
}

// array reads a JSON array of entries at the current position. It reports
// whether the array was read to its end.
func (r *Reader) array() bool {
	return r.elements("the array", "the array element", func(int) (int, bool) {
		text, line, ferr := r.src.frame()
		switch {
		case ferr != nil && ferr.skipped:
			r.skippedEntry(ferr)
		case ferr != nil:
			r.frameProblem(ferr)
			return line, false
		default:
			r.entry(text, line)
		}
		return line, true
	})
}

// elements reads the JSON array at the current position, calling readOne
// to read each element from the source; readOne returns the line the
// element starts on and whether reading can go on. array and element name
// them in messages. It reports whether the array was read to its end.
func (r *Reader) elements(array, element string, readOne func(i int) (line int, ok bool)) bool {
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
		line, ok := readOne(i)
		if !ok || r.stopped {
			return false
		}
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
				r.problem(s.line, rule.JSONSyntax, "a comma before ']'", true)
				return false
			}
		case c == ']':
			s.pos++
			return true
		default:
			r.problem(s.line, rule.JSONSyntax, "want ',' or ']' after "+element+" that starts at line "+itoa(line)+", found "+quoteByte(c), true)
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
	r.problem(r.src.line, rule.JSONTruncated, "the input ends inside "+what, true)
}

// object reads a top-level object: a ClusterTimeline, a node dump, or the
// first entry of an NDJSON dump.
func (r *Reader) object() {
	s := r.src
	startLine := s.line
	s.setPin()
	s.pos++ // {
	// An object whose first property, on its first line, is an entry's
	// starts an NDJSON dump: it is read line by line, so that a cut-off
	// line cannot run into the next.
	var first *name
	if c, ok := s.peek(); ok && c == '"' && s.line == startLine {
		key, keyLine, ok := r.propertyName()
		if !ok {
			return
		}
		first = &name{key, keyLine}
		if s.line == startLine && entryKeys[key] {
			r.format = NDJSON
			if s.pinGone() {
				before := s.sincePin()
				s.pin, s.pinLost = -1, false
				_, n, _ := s.readLine()
				r.skippedEntry(s.tooLarge("line", before+n, startLine))
			} else {
				s.pos, s.line, s.pin = s.pin, startLine, -1
			}
			r.ndjson()
			return
		}
	}
	// Until a member says which document the object is, its members are
	// held: it may yet be an entry.
	var pending []Member
	var skipped []skippedMember
	var top *object
	member := func(key string, keyLine int) bool {
		if top == nil {
			dk, ok := documentKinds[key]
			if !ok {
				text, line, ferr := s.frame()
				switch {
				case ferr != nil && ferr.skipped:
					skipped = append(skipped, skippedMember{key, keyLine, ferr})
				case ferr != nil:
					r.frameProblem(ferr)
					return false
				default:
					pending = append(pending, Member{key, bytes.Clone(text), line})
				}
				return true
			}
			r.format = dk.format
			s.pin, s.pinLost = -1, false
			top = r.newObject(dk.kind, "", -1)
			top.top = true
			r.doc = &Document{}
			r.doc.add([]byte{'{'}, startLine)
			for _, m := range pending {
				top.begin(m.Key, m.Line)
				top.framed(m.Key, m.Raw, m.Line, nil)
			}
			for _, m := range skipped {
				top.begin(m.key, m.line)
				top.framed(m.key, nil, m.line, m.ferr)
			}
		}
		return top.member(key, keyLine)
	}
	if !r.objectMembers("the object that starts at line "+itoa(startLine), first, member) {
		return
	}
	if top != nil {
		r.doc.punct('}')
		r.checkDocument(startLine)
		r.end()
		return
	}
	// An object that is neither a ClusterTimeline nor a node dump is an
	// entry: the first line of an NDJSON dump.
	r.format = NDJSON
	var raw []byte
	size := s.sincePin()
	if !s.pinGone() {
		raw = bytes.Clone(s.buf[s.pin:s.pos])
	}
	s.pin, s.pinLost = -1, false
	spans := s.line != startLine
	if !spans {
		rest, n, _ := s.readLine()
		raw, size = append(raw, bytes.TrimRight(rest, " \t\r")...), size+n
	}
	what := "entry"
	if !spans {
		what = "line"
	}
	switch {
	case size > s.max:
		r.skippedEntry(s.tooLarge(what, size, startLine))
	case spans:
		r.spansLines(startLine, s.line)
		r.entry(raw, startLine)
	default:
		r.entry(raw, startLine)
	}
	r.ndjson()
}

// propertyName reads the property name at the current position. A name
// that cannot be read stops the reading: nothing after it can be placed.
func (r *Reader) propertyName() (key string, line int, ok bool) {
	keyText, line, ferr := r.src.frame()
	if ferr != nil {
		if ferr.rule == rule.TooLarge {
			ferr.msg = strings.Replace(ferr.msg, "the value is", "a property name is", 1)
			ferr.msg = strings.TrimSuffix(ferr.msg, "; it is skipped") + "; the rest of the dump cannot be read"
		}
		ferr.skipped = false
		r.frameProblem(ferr)
		return "", line, false
	}
	if err := json.Unmarshal(keyText, &key); err != nil {
		r.problem(line, rule.JSONSyntax, "invalid property name "+quoteBounded(keyText, maxQuoted)+": "+err.Error(), true)
		return "", line, false
	}
	return key, line, true
}

// A skippedMember is a member too large to keep, read before the object
// was known to be a document.
type skippedMember struct {
	key  string
	line int
	ferr *frameError
}

func (r *Reader) spansLines(start, end int) {
	r.problem(start, rule.Format, fmt.Sprintf("the entry that starts at line %d ends at line %d: an NDJSON dump needs one entry per line (or write a JSON array of entries)", start, end), false)
}

// entryKeys are the properties of an entry. An object whose first
// property, on its first line, is one of them starts an NDJSON dump.
var entryKeys = map[string]bool{
	"at": true, "nodeId": true, "runnerId": true, "deviceRank": true, "worldSize": true, "phase": true,
	"event": true, "detail": true, "attrs": true, "taskId": true, "commandId": true, "mlxMemory": true,
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// maxQuoted is how many characters of a bad text a message quotes.
const maxQuoted = 80

// quoteBounded quotes at most n characters of b, on one line, and marks a
// text it cuts short with "...".
func quoteBounded(b []byte, n int) string {
	if utf8.RuneCount(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%.*q...", n, b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// tokenEscaper escapes a JSON Pointer reference token (RFC 6901).
var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// EscapeToken escapes s as a JSON Pointer reference token (RFC 6901): ~ as
// ~0 and / as ~1. A token with neither is returned as it is.
func EscapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return tokenEscaper.Replace(s)
}
