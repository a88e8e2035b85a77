package dump

import (
	"bytes"
	"errors"
	"io"

	"github.com/flightline-dev/flightline/validate/rule"
)

// A source is buffered input that tracks line numbers. Values are returned
// as slices of its buffer, which stay valid until the next read.
type source struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // buf[pos:end] is unread input
	line int   // line of buf[pos], from 1
	err  error // the first read error; io.EOF at the end
	max  int   // the most input one value may span
	// pin, when not negative, is a position more never discards: the
	// input from there on stays in the buffer.
	pin int
}

const readChunk = 1 << 20

func newSource(r io.Reader, max int) *source {
	return &source{r: r, buf: make([]byte, readChunk), line: 1, max: max, pin: -1}
}

// memSource reads a value already in memory, starting at line.
func memSource(data []byte, line int) *source {
	return &source{buf: data, end: len(data), line: line, max: len(data), err: io.EOF, pin: -1}
}

var errTooLarge = errors.New("value too large")

// more reads more input. The bytes from keep on stay in the buffer (moved
// to its front, keep becoming 0; positions shift by the returned amount).
// It reports whether more input arrived; at the end or on a read error it
// returns false and s.err says which.
func (s *source) more(keep int) (shift int, ok bool) {
	if s.err != nil {
		return 0, false
	}
	if keep > s.end {
		keep = s.end
	}
	if s.pin >= 0 && s.pin < keep {
		keep = s.pin
	}
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		if s.pin >= 0 {
			s.pin -= keep
		}
	}
	if s.end == len(s.buf) {
		if s.end > s.max {
			s.err = errTooLarge
			return keep, false
		}
		grown := make([]byte, 2*len(s.buf))
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

// line reads the rest of the current line, without its newline. ok is
// false at the end of the input. A line longer than s.max is an error.
func (s *source) readLine() (line []byte, ok bool) {
	start := s.pos
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '\n'); i >= 0 {
			line = s.buf[start : s.pos+i]
			s.pos += i + 1
			s.line++
			return line, true
		}
		s.pos = s.end
		if s.end-start > s.max {
			s.err = errTooLarge
			return nil, false
		}
		shift, more := s.more(start)
		start -= shift
		if !more {
			if s.err == io.EOF && s.end > start {
				return s.buf[start:s.end], true
			}
			return nil, false
		}
	}
}

// A frameError says why a value could not be framed.
type frameError struct {
	rule rule.ID // rule.JSONTruncated, rule.JSONSyntax or rule.Read
	msg  string
	line int
}

// frame reads the JSON value that starts at the current position (after
// whitespace) and returns its text and the line it starts on. It follows
// nesting and strings only: the value's own syntax is left to whoever
// checks it, but a closer that does not match its opener, a value larger
// than s.max and input that ends inside the value are errors. Errors are
// reported at the line where the value starts.
func (s *source) frame() (text []byte, line int, ferr *frameError) {
	c, ok := s.peek()
	if !ok {
		return nil, s.line, s.endError("a value", s.line)
	}
	start, line := s.pos, s.line
	i := s.pos
	var stack []byte
	for {
		if i >= s.end {
			if i-start > s.max {
				return nil, line, &frameError{rule.JSONSyntax, "a value larger than the entry limit", line}
			}
			s.pos = i
			shift, ok := s.more(start)
			start -= shift
			i -= shift
			if !ok {
				if len(stack) == 0 && i > start && !isDelimiterNeeded(s.buf[start]) {
					break // a scalar that ends with the input
				}
				return nil, line, s.endError("the value that starts at line "+itoa(line), line)
			}
			continue
		}
		c = s.buf[i]
		switch {
		case c == '"':
			j, ok := s.skipString(i+1, &start)
			i = j
			if !ok {
				return nil, line, s.endError("a string of the value that starts at line "+itoa(line), line)
			}
			if len(stack) == 0 {
				s.pos = i
				return s.buf[start:i], line, nil
			}
			continue
		case len(stack) == 0 && i > start && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == '}' || c == ']'):
			s.pos = i // the end of a scalar
			return s.buf[start:i], line, nil
		case c == '{' || c == '[':
			// The nesting limit is the entry validator's to report, so
			// that a deep entry does not stop the reading of the others.
			stack = append(stack, c)
		case c == '}' || c == ']':
			if len(stack) == 0 || (c == '}') != (stack[len(stack)-1] == '{') {
				s.pos = i
				return nil, line, &frameError{rule.JSONSyntax, "unexpected '" + string(c) + "'", s.line}
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				s.pos = i + 1
				return s.buf[start : i+1], line, nil
			}
		case c == '\n':
			s.line++
		}
		i++
	}
	s.pos = s.end
	return s.buf[start:s.end], line, nil
}

// isDelimiterNeeded reports values that end with a closing character: the
// framing of anything else (numbers, literals) may end with the input.
func isDelimiterNeeded(c byte) bool { return c == '{' || c == '[' || c == '"' }

// skipString returns the position after the string whose content starts
// at i, reading more input as needed (*start is kept and shifted).
func (s *source) skipString(i int, start *int) (int, bool) {
	for {
		j := bytes.IndexByte(s.buf[i:s.end], '"')
		if j < 0 {
			s.line += bytes.Count(s.buf[i:s.end], nl)
			i = s.end
			if i-*start > s.max {
				return i, false
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
		s.line += bytes.Count(s.buf[i:q], nl)
		// A quote preceded by an odd number of backslashes is escaped.
		n := 0
		for k := q - 1; k >= *start && s.buf[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		i = q + 1
	}
}

var nl = []byte{'\n'}

func (s *source) endError(what string, line int) *frameError {
	if s.err == errTooLarge {
		return &frameError{rule.JSONSyntax, "a value larger than the entry limit", line}
	}
	if s.err != nil && s.err != io.EOF {
		return &frameError{rule.Read, s.err.Error(), s.line}
	}
	return &frameError{rule.JSONTruncated, "the input ends inside " + what, line}
}

// expect consumes the byte c after whitespace.
func (s *source) expect(c byte) bool {
	if b, ok := s.peek(); ok && b == c {
		s.pos++
		return true
	}
	return false
}
