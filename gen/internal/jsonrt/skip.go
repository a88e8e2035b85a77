package jsonrt

// A skipFrame is a container that skip is in: an object, with the mark
// its keys are tracked from, or an array, with the index of its item.
type skipFrame struct {
	open  byte
	mark  int
	index int
}

// skip reads past one value of any kind, checking its syntax as the
// decoders do: each member and item is on the path while it is read, so
// that a syntax error names the value it is in, and a key given twice in
// an object is reported. It keeps its own stack of open containers, so
// deep nesting costs no Go stack.
func (s *scanner) skip() {
	base, pathBase, leaf := len(s.frames), len(s.path), s.leaf
	if leaf != "" { // the member whose value this is goes on the path
		s.push(leaf)
		s.leaf = ""
	}
	defer func() {
		for len(s.frames) > base { // left open by a syntax error
			if f := s.frames[len(s.frames)-1]; f.open == '{' {
				s.endKeys(f.mark)
			}
			s.frames = s.frames[:len(s.frames)-1]
		}
		s.path, s.leaf = s.path[:pathBase], leaf
	}()
	for {
		switch c := s.peek(); {
		case c == '{' || c == '[':
			if !s.enter() {
				return
			}
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if s.peek() == closer {
				s.pos++
				s.depth--
				break
			}
			f := skipFrame{open: c}
			if c == '{' {
				f.mark = s.beginKeys()
				s.frames = append(s.frames, f)
				if !s.skipKey(f.mark) {
					return
				}
			} else {
				s.frames = append(s.frames, f)
				s.pushIndex(0)
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
		// After a value: leave the member or item it was, then close
		// finished containers or go on to the next member or item.
		for {
			if len(s.frames) == base {
				return
			}
			f := &s.frames[len(s.frames)-1]
			s.pop()
			c := s.peek()
			if c == ',' {
				s.pos++
				if f.open == '[' {
					f.index++
					s.pushIndex(f.index)
				} else if !s.skipKey(f.mark) {
					return
				}
				break
			}
			if (f.open == '{' && c == '}') || (f.open == '[' && c == ']') {
				s.pos++
				s.depth--
				if f.open == '{' {
					s.endKeys(f.mark)
				}
				s.frames = s.frames[:len(s.frames)-1]
				continue
			}
			if f.open == '{' {
				s.unexpected("after an object member")
			} else {
				s.unexpected("after an array element")
			}
			return
		}
	}
}

// skipKey reads the key of the next member of an object that skip is in,
// whose keys are tracked from mark, and puts the member on the path.
func (s *scanner) skipKey(mark int) bool {
	if s.peek() != '"' {
		s.unexpected("looking for the beginning of an object key")
		return false
	}
	k, ok := s.key()
	if !ok {
		return false
	}
	if k = s.pushKey(k); s.repeatedKey(mark, k) {
		s.duplicate()
	}
	return true
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
			s.truncated("unexpected end of JSON input")
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
