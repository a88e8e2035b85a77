// Package human writes values the way people read them on a terminal:
// durations, and text with its control characters escaped.
package human

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Duration writes d as people read it: 12.3s under a minute, 2m29s under
// an hour, 1h02m from an hour on.
func Duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	if d = d.Round(100 * time.Millisecond); d < time.Minute {
		return fmt.Sprintf("%s%d.%ds", sign, d/time.Second, d%time.Second/(100*time.Millisecond))
	}
	if d = d.Round(time.Second); d < time.Hour {
		return fmt.Sprintf("%s%dm%02ds", sign, d/time.Minute, d%time.Minute/time.Second)
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%s%dh%02dm", sign, d/time.Hour, d%time.Hour/time.Minute)
}

// Escape returns s with what could break a line or take over a terminal
// escaped: control characters as \n, \r, \t or \u001b, the Unicode line
// separators and bidirectional controls as \u2028, and bytes that are not
// UTF-8 as \xff. A key holding "\n::error file=x" then stays on its line,
// where neither a terminal nor GitHub's workflow commands act on it. Other
// text, backslashes included, is left as it is.
func Escape(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafe reports a rune that moves the cursor, changes the terminal or
// reorders the text around it.
func unsafe(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x061c || r == 0x200e || r == 0x200f
}
