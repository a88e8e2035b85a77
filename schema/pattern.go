package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// JSON Schema patterns are ECMA-262 regular expressions (with the u flag:
// they match code points), and Go's regexp is RE2. ecmaToRE2 rewrites a
// pattern into the RE2 expression that matches the same strings: the
// parts whose meaning differs are spelled out (. and \s, \uXXXX escapes)
// and the parts RE2 cannot express (lookaround, backreferences) are
// refused, so that a pattern is never checked differently from what it
// says.

// ecmaSpace is what \s matches in ECMA-262: white space and line
// terminators, Unicode's among them.
const ecmaSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// ecmaToRE2 returns the RE2 form of the ECMA-262 pattern p, compiled; its
// String is the RE2 text.
func ecmaToRE2(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return nil, fmt.Errorf("pattern %q ends with a lone backslash", p)
			}
			n, err := ecmaEscape(&b, p, i, inClass)
			if err != nil {
				return nil, err
			}
			i += n - 1
		case inClass:
			if c == ']' {
				inClass = false
			}
			if c == '[' {
				b.WriteString(`\[`) // a literal in ECMA-262, a class in RE2 ([[:alpha:]])
				continue
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			switch {
			case strings.HasPrefix(p[i:], "[^]"):
				b.WriteString(`[\x{0}-\x{10ffff}]`)
				i += 2
				inClass = false
			case strings.HasPrefix(p[i:], "[]"):
				return nil, fmt.Errorf("pattern %q has an empty class [], which RE2 cannot express", p)
			default:
				b.WriteByte(c)
				if strings.HasPrefix(p[i+1:], "^") {
					b.WriteByte('^')
					i++
				}
				if strings.HasPrefix(p[i+1:], "]") { // ] first is a literal in RE2, the end of the class in ECMA-262
					return nil, fmt.Errorf("pattern %q has an empty class, which RE2 cannot express", p)
				}
			}
		case c == '.':
			b.WriteString(`[^\n\r\x{2028}\x{2029}]`)
		case c == '(' && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, ":"):
				b.WriteString("(?:")
				i += 2
			case strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "<=") && !strings.HasPrefix(rest, "<!"):
				b.WriteString("(?P<")
				i += 2
			default:
				return nil, fmt.Errorf("pattern %q uses lookaround (?%s, which RE2 cannot express", p, rest[:min(1, len(rest))])
			}
		case c == '$' || c == '^':
			b.WriteByte(c) // without the m flag both mean what RE2's mean
		default:
			b.WriteByte(c)
		}
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("pattern %q is not one flightline can check (%v)", p, err)
	}
	return re, nil
}

// ecmaEscape writes the RE2 form of the escape at p[i] and returns its
// length in p.
func ecmaEscape(b *strings.Builder, p string, i int, inClass bool) (int, error) {
	e := p[i+1]
	switch {
	case e == 's' || e == 'S':
		switch {
		case e == 's' && inClass:
			b.WriteString(ecmaSpace)
		case e == 's':
			b.WriteString("[" + ecmaSpace + "]")
		case inClass:
			return 0, fmt.Errorf("pattern %q has \\S inside a class, which RE2 cannot express with ECMA-262's white space", p)
		default:
			b.WriteString("[^" + ecmaSpace + "]")
		}
		return 2, nil
	case e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 'b' || e == 'B' || e == 'n' || e == 'r' || e == 't' || e == 'f' || e == 'v':
		if inClass && (e == 'b' || e == 'B') {
			if e == 'B' {
				return 0, fmt.Errorf("pattern %q has \\B inside a class", p)
			}
			b.WriteString(`\x{8}`) // a backspace in a class
			return 2, nil
		}
		b.WriteString(p[i : i+2])
		return 2, nil
	case e == 'u':
		r, n, err := unicodeEscape(p, i)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(b, `\x{%x}`, r)
		return n, nil
	case e == 'x':
		if i+4 > len(p) {
			return 0, fmt.Errorf("pattern %q has a short \\x escape", p)
		}
		if _, err := strconv.ParseUint(p[i+2:i+4], 16, 8); err != nil {
			return 0, fmt.Errorf("pattern %q has a bad \\x escape", p)
		}
		b.WriteString(p[i : i+4])
		return 4, nil
	case e == 'c':
		if i+2 >= len(p) || !isASCIILetter(p[i+2]) {
			return 0, fmt.Errorf("pattern %q has a bad \\c escape", p)
		}
		fmt.Fprintf(b, `\x{%x}`, p[i+2]%32)
		return 3, nil
	case e == '0':
		if i+2 < len(p) && p[i+2] >= '0' && p[i+2] <= '9' {
			return 0, fmt.Errorf("pattern %q has an octal escape", p)
		}
		b.WriteString(`\x{0}`)
		return 2, nil
	case e >= '1' && e <= '9', e == 'k':
		return 0, fmt.Errorf("pattern %q uses a backreference, which RE2 cannot express", p)
	case e == 'p' || e == 'P':
		end := strings.IndexByte(p[i:], '}')
		if end < 0 || p[i+2] != '{' {
			return 0, fmt.Errorf("pattern %q has a bad \\%c escape", p, e)
		}
		name := p[i+3 : i+end]
		if strings.Contains(name, "=") {
			return 0, fmt.Errorf("pattern %q names a Unicode property by value (%s), which RE2 cannot", p, name)
		}
		b.WriteString(p[i : i+end+1])
		return end + 1, nil
	case isASCIILetter(e) || (e >= '0' && e <= '9'):
		return 0, fmt.Errorf("pattern %q has the escape \\%c, which ECMA-262 with the u flag does not allow", p, e)
	}
	// An escaped punctuation character stands for itself.
	b.WriteString(regexp.QuoteMeta(string(e)))
	return 2, nil
}

// unicodeEscape reads \uXXXX, a surrogate pair of them, or \u{X...} at
// p[i].
func unicodeEscape(p string, i int) (rune, int, error) {
	if strings.HasPrefix(p[i:], `\u{`) {
		end := strings.IndexByte(p[i:], '}')
		v, err := strconv.ParseUint(p[i+3:i+max(end, 3)], 16, 32)
		if end < 0 || err != nil || v > 0x10ffff {
			return 0, 0, fmt.Errorf("pattern %q has a bad \\u{} escape", p)
		}
		return rune(v), end + 1, nil
	}
	hex := func(at int) (rune, bool) {
		if at+6 > len(p) || p[at] != '\\' || p[at+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(p[at+2:at+6], 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex(i)
	if !ok {
		return 0, 0, fmt.Errorf("pattern %q has a bad \\u escape", p)
	}
	if utf16.IsSurrogate(r) {
		if lo, ok := hex(i + 6); ok && r < 0xdc00 && lo >= 0xdc00 && lo <= 0xdfff {
			return utf16.DecodeRune(r, lo), 12, nil
		}
		return 0, 0, fmt.Errorf("pattern %q has a lone surrogate escape", p)
	}
	return r, 6, nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
