package dump

import (
	"bytes"

	"github.com/flightline-dev/flightline/validate/rule"
)

// maxJoinedLines bounds how many lines an entry written across lines in an
// NDJSON dump may span before it is taken for a cut-off line.
const maxJoinedLines = 10000

// ndjson reads the lines of an NDJSON dump. An entry that was written
// across several lines (a pretty-printed entry pasted in) is reported
// once, as the format problem it is, and still checked as one entry. A
// line that opens a value it never closes is a cut-off line, checked on
// its own; finding that out reads ahead at most maxJoinedLines lines, and
// what the reading ahead learns about the lines it passed is kept, so that
// the time spent stays linear in the input.
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
		text, size, ok := s.readLine()
		return ndjsonLine{text: text, size: size, line: line}, ok
	}
	for !r.stopped {
		l, ok := next()
		if !ok {
			r.readErr()
			return
		}
		if l.text == nil && l.size > 0 {
			r.skippedEntry(s.tooLarge("line", l.size, l.line))
			continue
		}
		text := bytes.TrimRight(l.text, " \t\r")
		if bytes.HasPrefix(text, []byte("\xef\xbb\xbf")) {
			text = text[3:]
			r.emit(Item{Problem: &Problem{Line: l.line, Entry: -1, Severity: rule.Warning, Rule: rule.JSONBOM,
				Message: "a byte order mark at the start of the line (files joined together?); it is skipped"}})
		}
		if len(bytes.TrimLeft(text, " \t")) == 0 {
			continue
		}
		scan := joinScan{work: r.joinWork}
		if l.alone || text[len(text)-1] == '}' || !scan.opens(text) {
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
			if !ok || nl.text == nil {
				if ok {
					read = append(read, nl) // too large: it stays on its own
				}
				break
			}
			nl.text = bytes.Clone(nl.text)
			nl.depth = len(scan.stack)
			read = append(read, nl)
			joined = append(append(joined, '\n'), nl.text...)
			if scan.line(nl.text, &read[len(read)-1]) {
				complete = true
				break
			}
			if scan.inString || scan.tooDeep {
				break // a line break inside a string, or hostile nesting: not one entry
			}
		}
		if complete {
			r.spansLines(l.line, read[len(read)-1].line)
			r.entry(joined, l.line)
			continue
		}
		// A cut-off line: check it alone, and the lines read ahead as
		// lines of their own. (text may be gone from the buffer: joined
		// starts with a copy.) A line read ahead whose own value would not
		// close within them is known to stay alone.
		r.entry(joined[:len(text)], l.line)
		markAlone(read)
		pending = append(read, pending...)
	}
}

// An ndjsonLine is a line of an NDJSON dump read ahead.
type ndjsonLine struct {
	text []byte
	size int // the line's length; text is nil when it is over the limit
	line int
	// What joining learnt, for a line read ahead: the nesting at its
	// start and after its first opener, the least nesting within it after
	// that opener and after its start.
	depth          int
	opener         bool // the line starts with '{' or '['
	minAfterOpener int
	minInLine      int
	alone          bool // joining it to the lines after it cannot complete it
}

// markAlone marks the lines of a failed join whose own value would not
// close within them either. A line's value closes where the nesting, as
// the failed join saw it, comes back to the nesting at the line's start;
// the join kept strings within lines, so the nesting it saw is the one a
// join from that line would see.
func markAlone(read []ndjsonLine) {
	least := int(^uint(0) >> 1) // the least nesting in the lines after
	for i := len(read) - 1; i >= 0; i-- {
		l := &read[i]
		if l.text != nil && l.opener && min(l.minAfterOpener, least) > l.depth {
			l.alone = true
		}
		if l.text != nil {
			least = min(least, l.minInLine)
		}
	}
}

// A joinScan follows the nesting of an NDJSON entry written across lines.
// Strings are kept within lines: JSON does not allow a line break in one.
type joinScan struct {
	stack    []byte
	inString bool
	tooDeep  bool
	work     *int // counts the bytes scanned, when set
}

// opens reports whether text starts an object or array that it does not
// close (or closes with the wrong bracket), leaving the scan at its end.
func (j *joinScan) opens(text []byte) bool {
	t := bytes.TrimLeft(text, " \t")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	var l ndjsonLine
	return !j.line(t, &l) && !j.inString && !j.tooDeep
}

// line scans one more line of the value, filling l's nesting facts, and
// reports whether the value ends in it: closed, or broken by a closer
// that does not match its opener (then it is one broken entry). Nesting
// beyond MaxDepth stops the scan with tooDeep set.
func (j *joinScan) line(text []byte, l *ndjsonLine) bool {
	if j.work != nil {
		*j.work += len(text)
	}
	j.inString = false
	escaped := false
	l.minInLine, l.minAfterOpener = len(j.stack), int(^uint(0)>>1)
	first := true
	for _, c := range text {
		if j.inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				j.inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r':
			continue
		case '"':
			j.inString = true
		case '{', '[':
			if first {
				l.opener = true
			}
			if len(j.stack) >= MaxDepth {
				j.tooDeep = true
				return false
			}
			j.stack = append(j.stack, c)
		case '}', ']':
			if len(j.stack) == 0 || (c == '}') != (j.stack[len(j.stack)-1] == '{') {
				return true
			}
			j.stack = j.stack[:len(j.stack)-1]
			l.minInLine = min(l.minInLine, len(j.stack))
			if l.opener {
				l.minAfterOpener = min(l.minAfterOpener, len(j.stack))
			}
			if len(j.stack) == 0 {
				return true
			}
		}
		first = false
	}
	return false
}
