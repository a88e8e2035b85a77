package jsonrt

import (
	"strings"
	"testing"
)

func TestCompareDecimal(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1", "1", 0}, {"1", "1.0", 0}, {"1e0", "10e-1", 0}, {"-0", "0", 0}, {"0.0", "-0e5", 0},
		{"1", "2", -1}, {"2", "1", 1}, {"-1", "1", -1}, {"-2", "-1", -1}, {"0.1", "0.10000000000000001", -1},
		{"1e400", "1.7976931348623157e308", 1}, {"-1e400", "-1e399", -1}, {"123", "1.23e2", 0},
		{"99999999999999999999", "1e20", -1}, {"1.5", "1.49999999999999999999", 1}, {"0", "1e-400", -1},
	}
	for _, c := range cases {
		if got := compareDecimal([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("compareDecimal(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMultipleOf(t *testing.T) {
	cases := []struct {
		v, m string
		want bool
	}{
		{"10", "2", true}, {"7", "2", false}, {"4.5", "1.5", true}, {"35", "1.5", false}, {"0.0075", "0.0001", true},
		{"0.00751", "0.0001", false}, {"1e308", "0.123456789", false}, {"0", "7", true}, {"-6", "3", true},
		{"1e1000000000", "5", true}, {"1e1000000000", "3", false}, {"3e-1000000000", "1", false},
		{"19.99", "0.01", true}, {"12391239123", "0.01", true}, {"1.0", "1", true},
	}
	for _, c := range cases {
		if got := multipleOf([]byte(c.v), []byte(c.m)); got != c.want {
			t.Errorf("multipleOf(%s, %s) = %v, want %v", c.v, c.m, got, c.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	cases := map[string]string{
		`1`: `1`, `1.0`: `1`, `10`: `1e1`, `-1.50`: `-15e-1`, `-0`: `0`, `0.0e10`: `0`,
		`"a\u0041\n\/"`:                     `"aA\u000a/"`,
		` { "b" : 1, "a":[ true, null ] } `: `{"a":[true,null],"b":1}`,
		`{"\u00e9":{}, "e":[]}`:             `{"e":[],"é":{}}`,
	}
	for in, want := range cases {
		if got := string(appendCanonical(nil, []byte(in))); got != want {
			t.Errorf("canonical %s = %s, want %s", in, got, want)
		}
	}
}

func TestUnique(t *testing.T) {
	for doc, want := range map[string]string{
		`[1, 2, 3]`: "", `[1, 1.0]`: "items 0 and 1", `[{"a":1,"b":2}, {"b":2,"a":1}]`: "items 0 and 1",
		`["a", "\u0061"]`: "items 0 and 1", `[[1], [true]]`: "", `[0, false]`: "", `[null, null]`: "items 0 and 1",
	} {
		var s scanner
		s.reset([]byte(doc))
		s.array()
		mark := s.beginUnique()
		for more := s.firstItem(); more; more = s.nextItem() {
			start := s.valueStart()
			s.skip()
			s.unique(start)
		}
		s.endUnique(mark)
		got := ""
		if len(s.vs) > 0 {
			got = s.vs[0].Message
		}
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", doc, got, want)
		}
	}
}
