package jsonrt

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func mustInt(t *testing.T, s string) Int {
	t.Helper()
	x, err := ParseInt(s)
	if err != nil {
		t.Fatalf("ParseInt(%q): %v", s, err)
	}
	return x
}

func TestParseInt(t *testing.T) {
	cases := []struct {
		lit    string
		str    string // String
		int64  bool   // fits in an int64
		sign   int
		errors bool
	}{
		{lit: "0", str: "0", int64: true},
		{lit: "-0", str: "0", int64: true},
		{lit: "7", str: "7", int64: true, sign: 1},
		{lit: "-7", str: "-7", int64: true, sign: -1},
		{lit: "1.0", str: "1", int64: true, sign: 1},
		{lit: "2e3", str: "2000", int64: true, sign: 1},
		{lit: "1.5e1", str: "15", int64: true, sign: 1},
		{lit: "100e-2", str: "1", int64: true, sign: 1},
		{lit: "0.0e99999999999999999999", str: "0", int64: true},
		{lit: "9223372036854775807", str: "9223372036854775807", int64: true, sign: 1},
		{lit: "-9223372036854775808", str: "-9223372036854775808", int64: true, sign: -1},
		{lit: "9223372036854775808", str: "9223372036854775808", sign: 1},
		{lit: "-9223372036854775809", str: "-9223372036854775809", sign: -1},
		{lit: "18446744073709551616", str: "18446744073709551616", sign: 1},
		{lit: "18446744073709551620", str: "18446744073709551620", sign: 1},
		{lit: "1e30", str: "1e30", sign: 1},
		{lit: "-12.5e40", str: "-125e39", sign: -1},
		{lit: "1e99999999999999999999", str: "1e99999999999999999999", sign: 1},
		{lit: "1.5", errors: true},
		{lit: "1e-5", errors: true},
		{lit: "01", errors: true},
		{lit: "1 ", errors: true},
		{lit: "", errors: true},
		{lit: "-", errors: true},
		{lit: "x", errors: true},
		{lit: "1e-99999999999999999999", errors: true},
	}
	for _, c := range cases {
		x, err := ParseInt(c.lit)
		if c.errors {
			if err == nil {
				t.Errorf("ParseInt(%q) = %v, want an error", c.lit, x)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseInt(%q): %v", c.lit, err)
			continue
		}
		if got := x.String(); got != c.str {
			t.Errorf("ParseInt(%q).String() = %s, want %s", c.lit, got, c.str)
		}
		if _, ok := x.Int64(); ok != c.int64 {
			t.Errorf("ParseInt(%q).Int64() fits %v, want %v", c.lit, ok, c.int64)
		}
		if x.Sign() != c.sign {
			t.Errorf("ParseInt(%q).Sign() = %d, want %d", c.lit, x.Sign(), c.sign)
		}
		if b, _ := x.MarshalJSON(); string(b) != c.lit {
			t.Errorf("ParseInt(%q) encodes as %s", c.lit, b)
		}
		if y := mustInt(t, c.str); x.Cmp(y) != 0 {
			t.Errorf("ParseInt(%q) and its String %s compare %d", c.lit, c.str, x.Cmp(y))
		}
	}
}

// TestIntCmp orders integers of all sizes, against the order of the
// list.
func TestIntCmp(t *testing.T) {
	order := []string{
		"-1e99999999999999999999", "-1e30", "-999999999999999999999999999999", "-9223372036854775809",
		"-9223372036854775808", "-1", "0", "1", "2e3", "9223372036854775807", "9223372036854775808",
		"18446744073709551616", "18446744073709551617", "999999999999999999999999999999", "1e30",
		"1.000000000000000000000000000001e30", "1e31", "1e99999999999999999999", "2e99999999999999999999",
		"1e100000000000000000000",
	}
	for i, a := range order {
		for j, b := range order {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := mustInt(t, a).Cmp(mustInt(t, b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	if IntOf(math.MinInt64).Cmp(IntOf(math.MaxInt64)) != -1 || IntOf(3).Cmp(mustInt(t, "3.0")) != 0 {
		t.Error("Cmp of int64 values")
	}
}

func TestIntJSON(t *testing.T) {
	var x struct {
		N Int  `json:"n"`
		P *Int `json:"p"`
	}
	if err := json.Unmarshal([]byte(`{"n":1e30,"p":null}`), &x); err != nil || x.N.String() != "1e30" || x.P != nil {
		t.Errorf("decoded %v, %v", x, err)
	}
	if out, err := json.Marshal(x); err != nil || string(out) != `{"n":1e30,"p":null}` {
		t.Errorf("encoded %s, %v", out, err)
	}
	for _, bad := range []string{`"1"`, `1.5`, `true`, `[]`} {
		if err := json.Unmarshal([]byte(`{"n":`+bad+`}`), &x); err == nil {
			t.Errorf("%s decodes into an Int", bad)
		}
	}
}

// TestIntNoAllocation: an int64 written plainly costs no allocation to
// read, compare or write.
func TestIntNoAllocation(t *testing.T) {
	lit := []byte("123456789012345678")
	buf := make([]byte, 0, 32)
	if n := testing.AllocsPerRun(100, func() {
		x, err := ParseInt(lit)
		if err != nil {
			t.Fatal(err)
		}
		if x.Cmp(IntOf(5)) <= 0 {
			t.Fatal("wrong order")
		}
		buf = x.appendJSON(buf[:0])
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func TestDateTime(t *testing.T) {
	d := DateTime("2026-04-24T23:03:51.508000+01:00")
	tm, err := d.Time()
	if err != nil || !tm.Equal(time.Date(2026, 4, 24, 22, 3, 51, 508000000, time.UTC)) {
		t.Errorf("Time() = %v, %v", tm, err)
	}
	if _, err := DateTime("2026-04-24T22:03:51").Time(); err == nil {
		t.Error("a time without an offset names an instant")
	}
	for _, c := range []struct {
		t    time.Time
		want DateTime
	}{
		{time.Date(2026, 4, 24, 22, 3, 51, 508000000, time.UTC), "2026-04-24T22:03:51.508000+00:00"},
		{time.Date(2026, 4, 24, 22, 3, 50, 999, time.UTC), "2026-04-24T22:03:50+00:00"},
		{time.Date(2026, 4, 24, 22, 3, 50, 0, time.FixedZone("", -5*3600)), "2026-04-24T22:03:50-05:00"},
	} {
		if got := DateTimeOf(c.t); got != c.want {
			t.Errorf("DateTimeOf(%v) = %s, want %s", c.t, got, c.want)
		}
	}
	if DateTime("2026-04-24T22:03:51+01:00").Compare("2026-04-24T22:03:50Z") != -1 || DateTime("x").Compare("2026-04-24T22:03:50Z") != 1 {
		t.Error("Compare does not order by instant, with non-timestamps last")
	}
}

func TestKeyword(t *testing.T) {
	for k := KeywordSyntax; k <= KeywordRange; k++ {
		text, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Keyword
		if err := back.UnmarshalText(text); err != nil || back != k || k.String() != string(text) {
			t.Errorf("%d: %s, %v, %v", k, text, back, err)
		}
	}
	if KeywordAdditionalProperties.String() != "additionalProperties" || Keyword(0).String() != "Keyword(0)" {
		t.Error(KeywordAdditionalProperties.String(), Keyword(0).String())
	}
	if _, err := Keyword(200).MarshalText(); err == nil {
		t.Error("an invalid Keyword marshals")
	}
	if b, _ := json.Marshal(Violation{Keyword: KeywordEnum}); !strings.Contains(string(b), `"Keyword":"enum"`) {
		t.Errorf("Violation encodes as %s", b)
	}
}
