package dump

import (
	"bytes"
	"strconv"

	"github.com/flightline-dev/flightline/validate/rule"
)

// A kind is a kind of object the reader reads member by member, streaming
// the member that holds entries (or the objects that hold them) and
// keeping the rest in the document's skeleton.
type kind uint8

const (
	kindTimeline    kind = iota + 1 // ClusterTimeline: its timeline streams
	kindNode                        // NodeDiagnostics: its supervisorRunners
	kindRunner                      // one supervisor runner: its flightRecorder
	kindCluster                     // ClusterDiagnostics: its nodes
	kindClusterNode                 // one node of a ClusterDiagnostics: its diagnostics
	kindCapture                     // DiagnosticCaptureResponse: its nodeDiagnostics
)

// streamed returns the member of objects of kind k that streams, and the
// byte its value opens with.
func (k kind) streamed() (string, byte) {
	switch k {
	case kindTimeline:
		return "timeline", '['
	case kindNode:
		return "supervisorRunners", '['
	case kindRunner:
		return "flightRecorder", '['
	case kindCluster:
		return "nodes", '['
	case kindClusterNode:
		return "diagnostics", '{'
	case kindCapture:
		return "nodeDiagnostics", '{'
	}
	return "", 0
}

// documentKinds are the top-level objects, by the member that tells them
// apart from an entry and from each other.
var documentKinds = map[string]struct {
	kind   kind
	format Format
}{
	"timeline":          {kindTimeline, Timeline},
	"supervisorRunners": {kindNode, Node},
	"nodes":             {kindCluster, Cluster},
	"nodeDiagnostics":   {kindCapture, Capture},
}

// An object is one object being read member by member.
type object struct {
	r       *Reader
	kind    kind
	pointer string
	// top marks the document itself, whose framed members are also kept as
	// Members.
	top  bool
	node int // the node of a ClusterDiagnostics the object is in, or -1
	seen map[string]bool
	rr   *runnerReader // for a supervisor runner
}

func (r *Reader) newObject(k kind, pointer string, node int) *object {
	return &object{r: r, kind: k, pointer: pointer, node: node, seen: map[string]bool{}}
}

// read reads the object at the current position into the skeleton. It
// reports whether reading can go on.
func (o *object) read(what string) (int, bool) {
	r, s := o.r, o.r.src
	c, _ := s.peek()
	line := s.line
	if c != '{' {
		_, vline, ferr := s.frame()
		if ferr != nil && !ferr.skipped {
			r.frameProblem(ferr)
			return vline, false
		}
		r.emit(Item{Problem: &Problem{Line: vline, Entry: -1, Pointer: o.pointer, Severity: rule.Error, Rule: rule.Schema,
			Message: "got " + kindOfByte(c) + ", want " + what}})
		r.doc.add([]byte("null"), vline)
		return vline, true
	}
	s.pos++ // {
	r.doc.add([]byte{'{'}, line)
	if !r.objectMembers(what+" that starts at line "+itoa(line), nil, o.member) {
		return line, false
	}
	r.doc.punct('}')
	return line, true
}

// member reads one member of the object.
func (o *object) member(key string, keyLine int) bool {
	dup := o.begin(key, keyLine)
	if want, opener := o.kind.streamed(); key == want && !dup {
		if c, _ := o.r.src.peek(); c == opener {
			if o.top {
				o.r.members = append(o.r.members, Member{Key: key, Line: o.r.src.line})
			}
			return o.stream(o.pointer + "/" + EscapeToken(key))
		}
	}
	text, line, ferr := o.r.src.frame()
	return o.framed(key, text, line, ferr)
}

// begin starts the member key in the skeleton, and returns whether the
// name was given before (the document's schema check reports it).
func (o *object) begin(key string, keyLine int) (dup bool) {
	r := o.r
	dup = o.seen[key]
	if len(o.seen) > 0 {
		r.doc.punct(',')
	}
	o.seen[key] = true
	name, _ := marshalKey(key)
	r.doc.add(name, keyLine)
	r.doc.punct(':')
	return dup
}

// framed takes the value of member key, framed whole, into the skeleton,
// where the document's schema checks it. It reports whether reading can
// go on.
func (o *object) framed(key string, text []byte, line int, ferr *frameError) bool {
	r := o.r
	if ferr != nil {
		r.frameProblem(ferr)
		r.doc.punct([]byte("null")...)
		return ferr.skipped
	}
	r.doc.add(text, line)
	if o.top {
		r.members = append(r.members, Member{key, bytes.Clone(text), line})
	}
	if o.rr != nil {
		o.rr.identityMember(key, text)
	}
	return true
}

// stream reads the value of the member that streams, at pointer.
func (o *object) stream(pointer string) bool {
	r := o.r
	switch o.kind {
	case kindTimeline:
		r.doc.punct('[', ']') // the entries, read as a stream
		return r.array()
	case kindRunner:
		r.doc.punct('[', ']')
		rr := o.rr
		return r.elements("the flight recorder at "+pointer, "the entry", rr.entry)
	case kindNode:
		r.doc.punct('[')
		ok := r.elements("the supervisorRunners array at "+pointer, "the runner", func(i int) (int, bool) {
			if i > 0 {
				r.doc.punct(',')
			}
			runner := r.newObject(kindRunner, pointer+"/"+itoa(i), o.node)
			runner.rr = &runnerReader{r: r, node: o.node, index: i, recorder: r.recorders, pointer: runner.pointer}
			r.recorders++
			start := len(r.doc.Text)
			line, ok := runner.read("a supervisor runner object")
			r.runnerSpans = append(r.runnerSpans, [2]int{start, len(r.doc.Text)})
			r.runnerPointers = append(r.runnerPointers, runner.pointer)
			if ok {
				runner.rr.checkContexts()
			}
			return line, ok
		})
		r.doc.punct(']')
		return ok
	case kindCluster:
		r.doc.punct('[')
		ok := r.elements("the nodes array at "+pointer, "the node", func(i int) (int, bool) {
			if i > 0 {
				r.doc.punct(',')
			}
			return r.newObject(kindClusterNode, pointer+"/"+itoa(i), i).read("a cluster node object")
		})
		r.doc.punct(']')
		return ok
	case kindClusterNode, kindCapture:
		_, ok := r.newObject(kindNode, pointer, o.node).read("a node diagnostics object")
		return ok
	}
	return false
}

// A name is a property name already read, and its line.
type name struct {
	key  string
	line int
}

// objectMembers reads the members of the object whose '{' was just read,
// calling member with each name; member reads the value from the source
// and reports whether reading can go on. first, when set, is the name of
// the first member, already read. what names the object in messages. It
// reports whether the object was read to its end.
func (r *Reader) objectMembers(what string, first *name, member func(key string, keyLine int) bool) bool {
	s := r.src
	c, ok := s.peek()
	for first != nil || (ok && c != '}' && !r.stopped) {
		var key string
		var keyLine int
		if first != nil {
			key, keyLine, first = first.key, first.line, nil
		} else {
			if c != '"' {
				r.problem(s.line, rule.JSONSyntax, "want a property name, found "+quoteByte(c), true)
				return false
			}
			if key, keyLine, ok = r.propertyName(); !ok {
				return false
			}
		}
		if !s.expect(':') {
			r.problem(s.line, rule.JSONSyntax, "want ':' after the property name "+strconv.Quote(key), true)
			return false
		}
		if _, ok := s.peek(); !ok {
			r.truncated(what)
			return false
		}
		if !member(key, keyLine) || r.stopped {
			return false
		}
		c, ok = s.peek()
		switch {
		case !ok:
			r.truncated(what)
			return false
		case c == ',':
			s.pos++
			c, ok = s.peek()
			if ok && c == '}' {
				r.problem(s.line, rule.JSONSyntax, "a comma before '}'", true)
				return false
			}
		case c != '}':
			r.problem(s.line, rule.JSONSyntax, "want ',' or '}' after the value of "+strconv.Quote(key)+", found "+quoteByte(c), true)
			return false
		}
	}
	if !ok {
		r.truncated(what)
		return false
	}
	if r.stopped {
		return false
	}
	s.pos++ // }
	return true
}
