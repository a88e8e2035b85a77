package jsonrt

import (
	"encoding/json"
	"errors"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// check skips one value and reports the syntax error, if any.
func check(doc string) (msg string) {
	var s scanner
	s.reset([]byte(doc))
	s.skip()
	s.end()
	if s.failed {
		return s.vs[len(s.vs)-1].Message
	}
	return ""
}

func TestSyntax(t *testing.T) {
	valid := []string{
		`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `1E+2`, `true`, `false`, `null`,
		` {"a" : [1, 2, {"b": null}], "c": "x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"} `,
		`"héllo wörld, 世界"`, `[[[[[]]]]]`, `{"":""}`,
	}
	for _, doc := range valid {
		if msg := check(doc); msg != "" {
			t.Errorf("%s: unexpected error %s", doc, msg)
		}
		if !json.Valid([]byte(doc)) {
			t.Errorf("%s: encoding/json disagrees", doc)
		}
	}
	invalid := map[string]string{
		``:                 "unexpected end",
		`{`:                "unexpected end",
		`{"a":1,}`:         "object key",
		`{"a" 1}`:          "after an object key",
		`[1,]`:             "beginning of a value",
		`[1 2]`:            "after an array element",
		`01`:               "after the top-level value",
		`1.`:               "unexpected end",
		`[1.x]`:            "decimal point",
		`[1ex]`:            "exponent",
		`[-x]`:             "in a number",
		`NaN`:              "beginning of a value",
		`Infinity`:         "beginning of a value",
		`nul`:              "unexpected end",
		`tru e`:            "in literal true",
		`"a` + "\n" + `b"`: "control character",
		`"\x"`:             "invalid escape",
		`"\u12"`:           `\u escape`,
		`"\ud800"`:         "lone high surrogate",
		`"\udc00"`:         "lone low surrogate",
		`"\ud800\u0041"`:   "lone high surrogate",
		"\"\xff\"":         "invalid UTF-8",
		"\"\xc3\x28\"":     "invalid UTF-8",
		"\"\xed\xa0\x80\"": "invalid UTF-8", // a surrogate encoded in UTF-8
		`{"a":1} {"b":2}`:  "after the top-level value",
		`[1] x`:            "after the top-level value",
		`{"a":1,"b":2`:     "unexpected end",
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1): "nesting deeper",
	}
	for doc, want := range invalid {
		msg := check(doc)
		if !strings.Contains(msg, want) {
			t.Errorf("%q: error %q, want it to mention %q", doc, msg, want)
		}
	}
	if msg := check(strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)); msg != "" {
		t.Errorf("nesting of exactly MaxDepth: %s", msg)
	}
}

func TestReadStringAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`"plain ascii that is longer than eight bytes"`, `"short"`, `""`,
		`"tab\tand newline\n escapes in the middle of a long string"`,
		`"unicode \u00e9\u4e16 and raw é世 mixed with 12345678"`,
		`"\ud83d\ude00 emoji pair"`, `"quote \" at the end\""`,
	} {
		var want string
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		var s scanner
		s.reset([]byte(doc))
		got, ok := s.readString()
		if !ok || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", doc, got, ok, want)
		}
	}
}

func TestIntegral(t *testing.T) {
	for lit, want := range map[string]bool{
		"0": true, "-0": true, "1": true, "1.0": true, "1.50e1": true, "1e2": true, "100e-2": true,
		"1.5": false, "1e-1": false, "0.0": true, "0e-5": true, "12.3400e2": true, "12.345e2": false,
		"1e999999999999999999": true, "1e-999999999999999999": false,
	} {
		if got := integral([]byte(lit)); got != want {
			t.Errorf("integral(%s) = %v, want %v", lit, got, want)
		}
	}
}

func TestParseInteger(t *testing.T) {
	for lit, want := range map[string]int64{
		"0": 0, "-1": -1, "42": 42, "1.0": 1, "1e2": 100, "1.5e1": 15, "-2.50e1": -25,
		"9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64,
		"9007199254740993": 9007199254740993, "922337203685477580.7e1": math.MaxInt64,
	} {
		got, err := ParseInteger([]byte(lit))
		if err != nil || got != want {
			t.Errorf("ParseInteger(%s) = %d, %v; want %d", lit, got, err, want)
		}
	}
	for _, lit := range []string{"9223372036854775808", "-9223372036854775809", "1e19", "1e400", "1.5"} {
		if _, err := ParseInteger([]byte(lit)); err == nil {
			t.Errorf("ParseInteger(%s): want an error", lit)
		}
	}
}

func TestPythonFloat(t *testing.T) {
	// The wanted texts are Python's repr of the same floats.
	for v, want := range map[float64]string{
		1: "1.0", 0: "0.0", -1.5: "-1.5", 0.1: "0.1", 150: "150.0", 0.0015: "0.0015",
		1e16: "1e+16", 1e15: "1000000000000000.0", 1e-5: "1e-05", 1.5e-7: "1.5e-07",
		123456789.125: "123456789.125", 1.5e300: "1.5e+300", 0.0001: "0.0001",
		math.Copysign(0, -1): "-0.0", 9007199254740993: "9007199254740992.0",
	} {
		if got := string(appendPythonFloat(nil, v)); got != want {
			t.Errorf("%v: got %s, want %s", v, got, want)
		}
	}
}

func TestEncodeString(t *testing.T) {
	var e encoder
	e.str("f", "a\"b\\c\nd\x01é世</script>\u2028")
	want := `"a\"b\\c\nd\u0001é世</script>` + "\u2028" + `"`
	if string(e.buf) != want || e.err != nil {
		t.Errorf("got %s (%v), want %s", e.buf, e.err, want)
	}
	e = encoder{}
	e.str("f", "bad \xff")
	if e.err == nil {
		t.Error("invalid UTF-8 encoded without an error")
	}
}

func TestParseTimestamp(t *testing.T) {
	ref := time.Date(2026, 4, 24, 22, 3, 51, 508000000, time.UTC)
	for _, s := range []string{
		"2026-04-24T22:03:51.508000+00:00", "2026-04-24T22:03:51.508Z", "2026-04-24t22:03:51.508z",
		"2026-04-24 22:03:51.508000+00:00", "2026-04-25T00:03:51.508+02:00", "2026-04-24T21:33:51.508-00:30",
		"2026-04-24T22:03:51.5080000001+00:00",
	} {
		ts, err := ParseTimestamp(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if !ts.Time().Equal(ref) {
			t.Errorf("%s: got %v, want %v", s, ts.Time(), ref)
		}
	}
	for s, want := range map[string]string{
		"2026-04-24T22:03:51":          "no UTC offset",
		"2026-04-24":                   "not an RFC 3339",
		"2026-13-01T00:00:00Z":         "month 13",
		"2026-02-29T00:00:00Z":         "day 29",
		"2026-04-31T00:00:00Z":         "day 31",
		"2026-04-24T24:00:00Z":         "hour 24",
		"2026-04-24T22:60:00Z":         "minute 60",
		"2026-04-24T22:03:60Z":         "second 60",
		"2026-04-24T22:03:50+0100":     "offset",
		"2026-04-24T22:03:50.Z":        "not an RFC 3339",
		"2026-04-24T22:03:50Z junk":    "not an RFC 3339",
		"yesterday":                    "not an RFC 3339",
		"2026-04-24T22:03:50+24:00":    "offset",
		"2026-04-24T22:03:50 +00:00":   "not an RFC 3339",
		"2026-04-24T22:03:50,5Z":       "not an RFC 3339",
		"2026-04-24T22:03:50+00:00:00": "not an RFC 3339",
	} {
		_, err := ParseTimestamp(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to mention %q", s, err, want)
		}
	}
	for frac, nano := range map[string]int32{"": 0, ".5": 5e8, ".000001": 1000, ".123456789": 123456789, ".1234567899": 123456789, ".000000000001": 0} {
		if ts, err := ParseTimestamp("2026-04-24T22:03:51" + frac + "Z"); err != nil || ts.Nano != nano {
			t.Errorf("fraction %q: %d ns (%v), want %d", frac, ts.Nano, err, nano)
		}
	}
	if ts, _ := ParseTimestamp("2024-02-29T00:00:00+05:30"); ts.Offset != 5*3600+30*60 {
		t.Errorf("offset = %d", ts.Offset)
	}
	// Agreement with time.Parse on many instants.
	for u := int64(-2e9); u < 4e9; u += 7777777 {
		tm := time.Unix(u, 123456000).UTC()
		ts, err := ParseTimestamp(tm.Format("2006-01-02T15:04:05.000000-07:00"))
		if err != nil || !ts.Time().Equal(tm) {
			t.Fatalf("%v: got %v, %v", tm, ts.Time(), err)
		}
	}
}

func TestTimeKeyOrder(t *testing.T) {
	keys := []TimeKey{
		MakeTimeKey("zzz"), MakeTimeKey("2026-04-24T22:03:51+01:00"), MakeTimeKey("2026-04-24T22:03:50+00:00"),
		MakeTimeKey("aaa"), MakeTimeKey("2026-04-24T22:03:50Z"),
	}
	slices.SortStableFunc(keys, TimeKey.Compare)
	var got []string
	for _, k := range keys {
		if k.Valid {
			got = append(got, k.Time().UTC().Format(time.RFC3339))
		} else {
			got = append(got, k.Text)
		}
	}
	want := []string{"2026-04-24T21:03:51Z", "2026-04-24T22:03:50Z", "2026-04-24T22:03:50Z", "aaa", "zzz"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func seq(vals ...int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for _, v := range vals {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func intKey(v *int) (int, error) {
	if *v < 0 {
		return 0, errors.New("negative")
	}
	return *v, nil
}

func compareInt(a, b *int) int { return *a - *b }

func TestMergeSorted(t *testing.T) {
	var got []int
	for v, err := range mergeSorted([]iter.Seq2[int, error]{seq(1, 4, 9), seq(), seq(2, 3, 10), seq(1, 5)}, intKey, compareInt) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if want := []int{1, 1, 2, 3, 4, 5, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for name, srcs := range map[string][]iter.Seq2[int, error]{
		"unsorted": {seq(1, 2), seq(3, 1)},
		"key":      {seq(1, -2)},
	} {
		var err error
		for _, e := range mergeSorted(srcs, intKey, compareInt) {
			err = e
		}
		var me *MergeError
		if !errors.As(err, &me) {
			t.Errorf("%s: got %v, want a MergeError", name, err)
		}
	}
	// Stopping early stops every source.
	for v := range mergeSorted([]iter.Seq2[int, error]{seq(1, 2, 3), seq(1, 2)}, intKey, compareInt) {
		if v == 2 {
			break
		}
	}
}

func TestSortStable(t *testing.T) {
	type pair struct{ k, v int }
	s := []pair{{3, 0}, {1, 1}, {3, 2}, {2, 3}, {1, 4}}
	sortStable(s, func(p *pair) int { return p.k }, compareInt)
	want := []pair{{1, 1}, {1, 4}, {2, 3}, {3, 0}, {3, 2}}
	if !slices.Equal(s, want) {
		t.Errorf("got %v, want %v", s, want)
	}
	if !isSorted(s, func(p *pair) int { return p.k }, compareInt) {
		t.Error("isSorted = false after sorting")
	}
}

func TestLiftJSON(t *testing.T) {
	src := []byte(`{"at": "t", "ctx": {"id": "n\u00e9", "n": 12345678901234567890}, "x": 1.50, "drop": {"big": [1, 2]}}`)
	got := string(liftJSON(nil, src, []liftStep{{"at", []string{"at"}}, {"id", []string{"ctx", "id"}}, {"n", []string{"ctx", "n"}}, {"x", []string{"x"}}, {"absent", []string{"nope"}}}))
	want := `{"at":"t","id":"n\u00e9","n":12345678901234567890,"x":1.50}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestSkipPointers: a value read only for its syntax names the place of a
// problem as a decoded one does, keys given twice included, with the
// keyword that says how the document is broken.
func TestSkipPointers(t *testing.T) {
	cases := []struct {
		doc  string
		want []string // "keyword pointer"
	}{
		{`{"a":{"b":1,"b":2}}`, []string{"duplicate /a/b"}},
		{`{"a":[{"b":[1,}]}]}`, []string{"syntax /a/0/b/1"}},
		{`{"a":[{"b":[1,2}]}]}`, []string{"syntax /a/0/b"}},
		{`{"a":{"x~/y":tru}}`, []string{"syntax /a/x~0~1y"}},
		{`{"a":{"b":1} x`, []string{"syntax "}},
		{`{"a":{"b":1}} x`, []string{"trailing "}},
		{`{"a":[1,2`, []string{"truncated /a"}},
		{`{"a":{"b":"x`, []string{"truncated /a/b"}},
		{`{"a":{"b":1,"c":{"b":2},"b":3},"a":0}`, []string{"duplicate /a/b", "duplicate /a"}},
		{`[[],{"k":1,"k":{"k":1,"k":2}}]`, []string{"duplicate /1/k", "duplicate /1/k/k"}},
		{strings.Repeat(`{"a":`, 20) + `1,"a":2` + strings.Repeat(`}`, 20), []string{"duplicate " + strings.Repeat("/a", 16)}},
	}
	for _, c := range cases {
		var s scanner
		s.reset([]byte(c.doc))
		s.skip()
		s.end()
		var got []string
		for _, v := range s.vs {
			got = append(got, v.Keyword.String()+" "+v.Pointer)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.doc, got, c.want)
		}
		if len(s.path) != 0 || len(s.frames) != 0 || len(s.mapKeys) != 0 {
			t.Errorf("%s: skip left path %v, frames %v, keys %d", c.doc, s.path, s.frames, len(s.mapKeys))
		}
	}
}
