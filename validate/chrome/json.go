package chrome

import (
	"bytes"
	"encoding/json"
)

// appendString appends s as json.Marshal writes a string. Plain ASCII,
// which is nearly every string of a timeline, is copied as it is; the
// rest is left to json.Marshal, whose escapes (of <, > and &, U+2028 and
// U+2029, control characters, invalid UTF-8) are the trace's.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	if !plainASCII(s) {
		text, _ := json.Marshal(string(s)) // a string always encodes
		return append(b, text...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEscaped appends the JSON text as json.Marshal writes what a
// MarshalJSON method returns: with <, > and &, and U+2028 and U+2029,
// escaped (none of them can be outside a string).
func appendEscaped(b, text []byte) []byte {
	for len(text) > 0 {
		i := bytes.IndexAny(text, "<>&\u2028\u2029")
		if i < 0 {
			break
		}
		b = append(b, text[:i]...)
		switch c := text[i]; c {
		case '<', '>', '&':
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xF])
			text = text[i+1:]
		default: // U+2028 or U+2029, three bytes
			b = append(b, `\u202`...)
			b = append(b, "89"[text[i+2]-0xA8])
			text = text[i+3:]
		}
	}
	return append(b, text...)
}

// plainASCII reports whether json.Marshal writes s as it is, between
// quotes, because it is printable ASCII other than ", \, <, > and &.
func plainASCII[S ~string | ~[]byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
