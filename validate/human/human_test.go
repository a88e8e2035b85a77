package human

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"},
		{40 * time.Millisecond, "0.0s"},
		{450 * time.Millisecond, "0.5s"},
		{12300 * time.Millisecond, "12.3s"},
		{129200 * time.Millisecond, "2m09s"},
		{149 * time.Second, "2m29s"},
		{59950 * time.Millisecond, "1m00s"},
		{59*time.Minute + 59600*time.Millisecond, "1h00m"},
		{time.Hour + 2*time.Minute + 10*time.Second, "1h02m"},
		{71919200 * time.Millisecond, "19h59m"},
		{100 * time.Hour, "100h00m"},
		{-1500 * time.Millisecond, "-1.5s"},
	} {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"plain /phase: text":              "plain /phase: text",
		`back\slash "q"`:                  `back\slash "q"`,
		"café ☃":                          "café ☃",
		"/a\n::error file=x::pwned":       `/a\n::error file=x::pwned`,
		"\r\t\x00\x1b[31mred\x7f":         `\r\t\u0000\u001b[31mred\u007f`,
		"c1 \u0085 ls \u2028 bidi \u202e": `c1 \u0085 ls \u2028 bidi \u202e`,
		"bad \xff\xfe utf8":               `bad \xff\xfe utf8`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscape checks that Escape leaves neither a byte that is not UTF-8
// nor a rune the package calls unsafe (controls, line separators, bidi
// controls).
func FuzzEscape(f *testing.F) {
	f.Add("a\nb\x1b\xff\u2028")
	f.Add("bidi \u202e\u2066\u061c\u200f \xed\xa0\x80 \xf4\x90\x80\x80 \ufffd")
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q is not UTF-8", s, got)
		}
		if i := strings.IndexFunc(got, unsafe); i >= 0 {
			r, _ := utf8.DecodeRuneInString(got[i:])
			t.Fatalf("Escape(%q) = %q keeps %U", s, got, r)
		}
	})
}
