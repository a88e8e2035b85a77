package jsonrt

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

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
			s.truncated("unexpected end of JSON input in a string")
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
			s.truncated("unexpected end of JSON input in a string")
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
				s.truncated("unexpected end of JSON input in a string escape")
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
