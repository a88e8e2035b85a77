package jsonrt

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An encoder writes JSON the way the schema's Python producers do
// (json.dumps with ensure_ascii off and compact separators): UTF-8 text,
// only the characters JSON requires escaped, floats in Python's repr.
type encoder struct {
	buf []byte
	err error
}

func (e *encoder) fail(field, msg string) {
	if e.err == nil {
		e.err = errors.New("encode " + field + ": " + msg)
	}
}

func (e *encoder) raw(s string) { e.buf = append(e.buf, s...) }

func (e *encoder) null() { e.buf = append(e.buf, "null"...) }

func (e *encoder) boolean(v bool) { e.buf = strconv.AppendBool(e.buf, v) }

// str writes s as a JSON string. A Go string may hold bytes that are not
// UTF-8, which JSON cannot carry; that is an error, not a silent repair.
func (e *encoder) str(field, s string) {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				const hex = "0123456789abcdef"
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.fail(field, "string is not valid UTF-8")
			return
		}
		i += size
	}
	e.buf = append(append(b, s[start:]...), '"')
}

// float writes v as Python's repr does, so that a float stays a float
// when read back: 1.0, 0.0015, 1e+16, 1.5e-07.
func (e *encoder) float(field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		e.fail(field, "NaN and infinities are not JSON")
		return
	}
	e.buf = appendPythonFloat(e.buf, v)
}

func appendPythonFloat(b []byte, v float64) []byte {
	sci := strconv.AppendFloat(nil, v, 'e', -1, 64)
	mant, expPart, _ := strings.Cut(string(sci), "e")
	exp, _ := strconv.Atoi(expPart)
	if exp < -4 || exp >= 16 {
		return append(b, sci...)
	}
	neg := strings.HasPrefix(mant, "-")
	digits := strings.Replace(strings.TrimPrefix(mant, "-"), ".", "", 1)
	if neg {
		b = append(b, '-')
	}
	if exp < 0 {
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", -exp-1)...)
		return append(b, digits...)
	}
	if len(digits) <= exp+1 {
		b = append(b, digits...)
		b = append(b, strings.Repeat("0", exp+1-len(digits))...)
		return append(b, ".0"...)
	}
	b = append(b, digits[:exp+1]...)
	b = append(b, '.')
	return append(b, digits[exp+1:]...)
}

// number writes a number literal kept from a document. A literal that is
// not JSON is an error; asFloat makes a whole-looking literal read back as
// a float by adding ".0".
func (e *encoder) number(field, lit string, asFloat bool) {
	if !checkNumber(lit) {
		e.fail(field, strconv.Quote(lit)+" is not a JSON number")
		return
	}
	e.buf = append(e.buf, lit...)
	if asFloat && lexicalInteger([]byte(lit)) {
		e.buf = append(e.buf, ".0"...)
	}
}

// rawValue writes a raw JSON value kept from a document, which must be
// valid JSON, without the whitespace between its tokens.
func (e *encoder) rawValue(field string, v []byte) {
	var s scanner
	s.reset(v)
	s.skip()
	s.end()
	if s.failed || len(v) == 0 {
		e.fail(field, "raw value is not valid JSON")
		return
	}
	e.buf = appendCompact(e.buf, v)
}

// appendCompact appends the valid JSON text v without insignificant
// whitespace; strings are copied as written.
func appendCompact(b, v []byte) []byte {
	inString := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inString && c == '\\':
			b = append(b, c, v[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		}
		b = append(b, c)
	}
	return b
}
