package chrome

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/flightline-dev/flightline/generated/jsonrt"
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

// TestAppendEscaped: a value's JSON text is escaped as json.Marshal
// escapes what a MarshalJSON method returns.
func TestAppendEscaped(t *testing.T) {
	for _, text := range []string{`"plain"`, `"<a> & <b>"`, `["\u2028","\u2029x"]`, "\"\u2028\u2029é\"", `1.5e3`, `"&&"`, `"\\u003c"`, `""`} {
		want, err := json.Marshal(json.RawMessage(text))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEscaped([]byte("x"), []byte(text)); string(got) != "x"+string(want) {
			t.Errorf("appendEscaped(%s) = %s, want %s", text, got[1:], want)
		}
	}
}

// TestAppendMicros: durations are written as strconv.AppendFloat writes
// their microseconds, on both sides of where it stops taking the float.
func TestAppendMicros(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []int64{0, 1, -1, 999, 1000, 1001, 1500, -500, 123456789, 1e9, 86400e9, exactMicros*1e3 - 1, exactMicros * 1e3, -exactMicros*1e3 + 1,
		exactMicros*1e3 + 7, 1 << 62}
	for range 100000 {
		cases = append(cases, r.Int64N(exactMicros*1e3*2)-exactMicros*1e3, r.Int64N(1e12))
	}
	for _, ns := range cases {
		to := jsonrt.Timestamp{Unix: ns / 1e9, Nano: int32(ns % 1e9)}
		want := strconv.AppendFloat(nil, float64(ns)/1e3, 'f', -1, 64)
		if got := appendMicros(nil, jsonrt.Timestamp{}, to); string(got) != string(want) {
			t.Fatalf("%d ns: %s, want %s", ns, got, want)
		}
	}
}
