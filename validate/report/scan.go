package report

import "encoding/json"

// members calls fn with the key and the raw value of each member of the
// JSON object raw, in order, until fn returns false. raw must be
// well-formed JSON (the merge has checked it); members reports whether it
// was an object it could walk to its end.
func members(raw []byte, fn func(key, value []byte) bool) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return true
	}
	for i < len(raw) {
		end := valueEnd(raw, i)
		if end < 0 || raw[i] != '"' {
			return false
		}
		key, ok := unquote(raw[i:end])
		if !ok {
			return false
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		i = skipSpace(raw, i+1)
		end = valueEnd(raw, i)
		if end < 0 {
			return false
		}
		if !fn(key, raw[i:end]) {
			return true
		}
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == '}' {
			return true
		}
		if i >= len(raw) || raw[i] != ',' {
			return false
		}
		i = skipSpace(raw, i+1)
	}
	return false
}

// member returns the raw value of the member key of the object raw, or nil.
func member(raw []byte, key string) []byte {
	var v []byte
	members(raw, func(k, value []byte) bool {
		if string(k) == key {
			v = value
			return false
		}
		return true
	})
	return v
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns where the JSON value that starts at b[i] ends, or -1.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	depth := 0
	for ; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if i >= len(b) {
				return -1
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return -1
			}
			if depth == 0 {
				return i + 1
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		default:
			if depth == 0 && (i+1 == len(b) || isDelimiter(b[i+1])) {
				return i + 1
			}
		}
	}
	return -1
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ':', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// unquote returns the text of a JSON string: the bytes between its quotes
// when it has no escape.
func unquote(s []byte) ([]byte, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, false
	}
	for _, c := range s[1 : len(s)-1] {
		if c == '\\' {
			var t string
			if json.Unmarshal(s, &t) != nil {
				return nil, false
			}
			return []byte(t), true
		}
	}
	return s[1 : len(s)-1], true
}
