package chrome

import (
	"encoding/json"
	"testing"
)

// TestAppendString: strings are written as json.Marshal writes them,
// whatever they hold.
func TestAppendString(t *testing.T) {
	cases := []string{"", "plain", "rank 0/2 · runner-0-0", `quote " and \ backslash`, "<b> & </b>", "\u2028\u2029", "\x00\x1f\x7f",
		"tab\tnewline\n", "é日本😀", "\xff\xfe invalid", "\xed\xa0\x80 surrogate"}
	for b := range 256 {
		cases = append(cases, string(rune(b)), string([]byte{byte(b)}))
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got[1:], want)
		}
	}
}
