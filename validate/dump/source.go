package dump

import (
	"bytes"
	"fmt"
	"io"

	"github.com/flightline-dev/flightline/validate/rule"
)

// A source is buffered input that tracks line numbers. Values are returned
// as slices of its buffer, which stay valid until the next read. The buffer
// never holds much more than one value of at most max bytes: a larger value
// is skipped as it streams past, and reported.
type source struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // buf[pos:end] is unread input
	line int   // line of buf[pos], from 1
	err  error // the first read error; io.EOF at the end
	max  int   // the largest value (or NDJSON line) accepted, in bytes
	// pin, when not negative, is a position more keeps in the buffer, as
	// long as that keeps at most max bytes.
	pin int
	// pinLost reports that the input from pin on grew beyond max and was
	// let go; pinAt is where the pin was, as an offset in the input.
	pinLost bool
	pinAt   int
	offset  int // the offset in the input of buf[0]
	// counted is where frame has counted the lines up to: it counts them
	// when it must say a line, or let bytes go.
	counted int
}

// readChunk is how much a source reads at a time, at most.
const readChunk = 1 << 20

func newSource(r io.Reader, max, size int) *source {
	return &source{r: r, buf: make([]byte, min(size, max+1)), line: 1, max: max, pin: -1}
}

// memSource reads a value already in memory, starting at line.
func memSource(data []byte, line int) *source {
	return &source{buf: data, end: len(data), line: line, max: len(data), err: io.EOF, pin: -1}
}

// more reads more input. The bytes from keep on stay in the buffer (moved
// to its front, keep becoming 0; positions shift by the returned amount).
// It reports whether more input arrived; at the end or on a read error it
// returns false and s.err says which. The caller keeps at most max+1 bytes:
// the buffer grows to that and no further.
func (s *source) more(keep int) (shift int, ok bool) {
	if s.err != nil {
		return 0, false
	}
	keep = min(keep, s.end)
	if s.pin >= 0 && s.pin < keep {
		if s.end-s.pin > s.max {
			s.pin, s.pinLost = -1, true
		} else {
			keep = s.pin
		}
	}
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.offset += keep
		s.end -= keep
		s.pos -= keep
		s.counted -= keep
		if s.pin >= 0 {
			s.pin -= keep
		}
	}
	if s.end == len(s.buf) {
		limit := s.max + readChunk
		if len(s.buf) >= limit {
			panic("dump: source kept more than the entry limit") // callers discard first
		}
		grown := make([]byte, min(2*len(s.buf), limit))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return keep, n > 0
		}
		if n > 0 {
			return keep, true
		}
	}
}

// peek skips whitespace, counting lines, and returns the next byte; ok is
// false at the end of the input.
func (s *source) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r':
				s.pos++
			case '\n':
				s.pos++
				s.line++
			default:
				return c, true
			}
		}
		if _, ok := s.more(s.pos); !ok {
			return 0, false
		}
	}
}

// setPin pins the current position.
func (s *source) setPin() { s.pin, s.pinLost, s.pinAt = s.pos, false, s.offset+s.pos }

// pinGone reports whether the input from the pin on is more than max
// bytes: it may have been let go, and counts as gone either way, so that
// what a reader does depends on the input and not on how it arrived.
func (s *source) pinGone() bool { return s.pinLost || s.sincePin() > s.max }

// sincePin is the number of bytes read from the pin to the current
// position, whether or not they are still in the buffer.
func (s *source) sincePin() int { return s.offset + s.pos - s.pinAt }

// expect consumes the byte c after whitespace.
func (s *source) expect(c byte) bool {
	if b, ok := s.peek(); ok && b == c {
		s.pos++
		return true
	}
	return false
}

// readLine reads the rest of the current line, without its newline. ok is
// false at the end of the input. A line longer than max is skipped as it
// streams past: line is then nil and size says how long it was.
func (s *source) readLine() (line []byte, size int, ok bool) {
	start := s.pos
	skipped := 0 // bytes of a too-long line already let go
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); i >= 0 {
			line = s.buf[start : s.pos+i]
			s.pos += i + 1
			s.line++
			return s.lineResult(line, skipped)
		}
		s.pos = s.end
		if s.end-start > s.max {
			skipped += s.end - start
			start = s.end
		}
		shift, more := s.more(start)
		start -= shift
		if !more {
			if s.err == io.EOF && (s.end > start || skipped > 0) {
				return s.lineResult(s.buf[start:s.end], skipped)
			}
			return nil, 0, false
		}
	}
}

func (s *source) lineResult(line []byte, skipped int) ([]byte, int, bool) {
	size := skipped + len(line)
	if size > s.max {
		return nil, size, true
	}
	return line, size, true
}

// A frameError says why a value could not be framed.
type frameError struct {
	rule rule.ID // JSONTruncated, JSONSyntax, Read or TooLarge
	msg  string
	line int
	// skipped reports a value the source read past: reading can go on
	// after it.
	skipped bool
}

// tooLarge is the frameError of a value (or line: what) of size bytes,
// over the limit.
func (s *source) tooLarge(what string, size, line int) *frameError {
	return &frameError{rule: rule.TooLarge, line: line, skipped: true,
		msg: fmt.Sprintf("the %s is %d bytes, over the limit of %d bytes (--max-entry-bytes); it is skipped", what, size, s.max)}
}

// frame reads the JSON value that starts at the current position (after
// whitespace) and returns its text and the line it starts on. It follows
// nesting and strings only: the value's own syntax is left to whoever
// checks it, but a closer that does not match its opener and input that
// ends inside the value are errors. A value larger than max is read past
// without being kept, and reported with skipped set. Nesting is followed
// to any depth (beyond MaxDepth it is counted, not checked), so that the
// value's validator reports the nesting it does not accept, with its
// pointer. Errors are reported at the line where the value starts.
func (s *source) frame() (text []byte, line int, ferr *frameError) {
	c, ok := s.peek()
	if !ok {
		return nil, s.line, s.endError("a value", s.line)
	}
	start, line, first := s.pos, s.line, c
	i := s.pos
	s.counted = i
	var stack [MaxDepth]byte
	depth := 0   // nesting; beyond MaxDepth only counted
	skipped := 0 // bytes of a too-large value already let go
	for {
		if i >= s.end {
			s.countLines(i)
			if i-start > s.max {
				skipped += i - start
				start = i
			}
			s.pos = i
			shift, ok := s.more(start)
			start -= shift
			i -= shift
			if !ok {
				if depth == 0 && !isDelimiterNeeded(first) {
					s.pos = s.end // a scalar that ends with the input
					return s.framed(start, s.end, line, skipped)
				}
				return nil, line, s.endError("the value that starts at line "+itoa(line), line)
			}
			continue
		}
		if depth > 0 {
			// Inside an object or array only strings and brackets matter:
			// pass the rest at a byte a step.
			for i < s.end && !frameStops[s.buf[i]] {
				i++
			}
			if i == s.end {
				continue
			}
		}
		c = s.buf[i]
		switch {
		case c == '"':
			j, ok := s.skipString(i+1, &start, &skipped)
			i = j
			if !ok {
				return nil, line, s.endError("a string of the value that starts at line "+itoa(line), line)
			}
			if depth == 0 {
				s.pos = i
				return s.framed(start, i, line, skipped)
			}
			continue
		case depth == 0 && (i > start || skipped > 0) && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == '}' || c == ']'):
			s.pos = i // the end of a scalar
			return s.framed(start, i, line, skipped)
		case c == '{' || c == '[':
			if depth < MaxDepth {
				stack[depth] = c
			}
			depth++
		case c == '}' || c == ']':
			if depth == 0 || (depth <= MaxDepth && (c == '}') != (stack[depth-1] == '{')) {
				s.pos = i
				s.countLines(i)
				return nil, line, &frameError{rule: rule.JSONSyntax, msg: "unexpected '" + string(c) + "'", line: s.line}
			}
			depth--
			if depth == 0 {
				s.pos = i + 1
				return s.framed(start, i+1, line, skipped)
			}
		}
		i++
	}
}

// countLines counts the line breaks from where frame counted up to to i.
func (s *source) countLines(i int) {
	s.line += bytes.Count(s.buf[s.counted:i], nl)
	s.counted = i
}

// framed is the result of a value framed up to end: its text, or why it
// was not kept.
func (s *source) framed(start, end, line, skipped int) ([]byte, int, *frameError) {
	s.countLines(end)
	if size := skipped + end - start; size > s.max {
		return nil, line, s.tooLarge("value", size, line)
	}
	return s.buf[start:end], line, nil
}

// isDelimiterNeeded reports values that end with a closing character: the
// framing of anything else (numbers, literals) may end with the input.
func isDelimiterNeeded(c byte) bool { return c == '{' || c == '[' || c == '"' }

// skipString returns the position after the string whose content starts
// at i, reading more input as needed (*start is kept and shifted, and let
// go into *skipped once the value is over the limit).
func (s *source) skipString(i int, start, skipped *int) (int, bool) {
	escaped := false // the last byte looked at was an unpaired backslash
	for {
		j := bytes.IndexByte(s.buf[i:s.end], '"')
		if j < 0 {
			escaped = trailingBackslashes(s.buf[i:s.end], escaped)
			i = s.end
			s.countLines(i)
			if i-*start > s.max {
				*skipped += i - *start
				*start = i
			}
			s.pos = i
			shift, ok := s.more(*start)
			*start -= shift
			i -= shift
			if !ok {
				return i, false
			}
			continue
		}
		q := i + j
		// A quote preceded by an odd number of backslashes is escaped.
		if !trailingBackslashes(s.buf[i:q], escaped) {
			return q + 1, true
		}
		escaped = false
		i = q + 1
	}
}

// trailingBackslashes reports whether text, read after a run that ended
// escaped (an odd count of backslashes), ends with an unpaired backslash.
func trailingBackslashes(text []byte, escaped bool) bool {
	n := 0
	for k := len(text) - 1; k >= 0 && text[k] == '\\'; k-- {
		n++
	}
	if n == len(text) {
		return escaped != (n%2 == 1)
	}
	return n%2 == 1
}

// frameStops are the bytes frame looks at inside an object or array.
var frameStops = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

var nl = []byte{'\n'}

func (s *source) endError(what string, line int) *frameError {
	if s.err != nil && s.err != io.EOF {
		return &frameError{rule: rule.Read, msg: s.err.Error(), line: s.line}
	}
	return &frameError{rule: rule.JSONTruncated, msg: "the input ends inside " + what, line: line}
}
