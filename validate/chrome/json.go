package chrome

import (
	"bytes"
	"encoding/json"
)

// appendString appends s as json.Marshal writes a string. Plain ASCII,
// which is nearly every string of a timeline, is copied as it is; the
// rest is left to json.Marshal, whose escapes (of <, > and &, U+2028 and
// U+2029, control characters, invalid UTF-8) are the trace's.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			text, _ := json.Marshal(s) // a string always encodes
			return append(b, text...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// htmlSafe reports whether json.Marshal would leave the JSON text as it
// is: it escapes <, > and &, and U+2028 and U+2029, in what a value's
// MarshalJSON returns.
func htmlSafe(text []byte) bool {
	return bytes.IndexAny(text, "<>&") < 0 && !bytes.Contains(text, []byte("\u2028")) && !bytes.Contains(text, []byte("\u2029"))
}
