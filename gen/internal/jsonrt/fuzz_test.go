package jsonrt

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseTimestamp: ParseTimestamp never panics, and a text it accepts
// is one that time.Parse reads as RFC 3339 too, as the same instant with
// the same offset; MakeTimeKey and DateTime agree with it. The seed corpus
// in testdata/fuzz holds the timestamps of Skulk's own documents.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2026-04-24T22:03:51.508000+00:00", "2026-04-24T22:03:50+00:00", "2026-04-24T22:03:50Z",
		"2026-04-24t22:03:50.5z", "2026-04-24 22:03:50-05:30", "2024-02-29T23:59:59.999999999+14:00",
		"2026-04-24T22:03:51", "2026-13-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.1234567891-23:59",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if k := MakeTimeKey(s); k.Valid != (err == nil) || (k.Valid && k.Compare(k) != 0) {
			t.Fatalf("%q: MakeTimeKey valid %v, ParseTimestamp error %v", s, k.Valid, err)
		}
		if _, terr := DateTime(s).Time(); (terr == nil) != (err == nil) {
			t.Fatalf("%q: DateTime.Time error %v, ParseTimestamp error %v", s, terr, err)
		}
		if err != nil {
			return
		}
		// time.Parse wants T and Z, and at most nine fraction digits.
		norm := []byte(s)
		norm[10] = 'T'
		if norm[len(norm)-1] == 'z' {
			norm[len(norm)-1] = 'Z'
		}
		text := string(norm)
		if dot := strings.IndexByte(text, '.'); dot > 0 {
			end := dot + 1
			for end < len(text) && text[end] >= '0' && text[end] <= '9' {
				end++
			}
			if end-dot-1 > 9 {
				text = text[:dot+10] + text[end:]
			}
		}
		want, terr := time.Parse(time.RFC3339Nano, text)
		if terr != nil {
			t.Fatalf("%q: accepted, but time.Parse(%q) fails: %v", s, text, terr)
		}
		_, offset := want.Zone()
		if !ts.Time().Equal(want) || int(ts.Offset) != offset {
			t.Fatalf("%q: %v (offset %d), time.Parse says %v (offset %d)", s, ts.Time(), ts.Offset, want, offset)
		}
	})
}

// FuzzParseInt: ParseInt never panics; an integer it reads writes back as
// it was read, compares equal to what its String reads as, and agrees
// with itself on order against its neighbours.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "7", "1.0", "2e3", "1.5e1", "9223372036854775808", "-1e30", "1e99999999999999999999", "100e-2", "1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseInt(s)
		if err != nil {
			return
		}
		if b, _ := x.MarshalJSON(); string(b) != s {
			t.Fatalf("%q encodes as %s", s, b)
		}
		y, err := ParseInt(x.String())
		if err != nil || x.Cmp(y) != 0 || y.Cmp(x) != 0 || y.String() != x.String() {
			t.Fatalf("%q: String %s reads back as %v (%v)", s, x.String(), y, err)
		}
		if n, ok := x.Int64(); ok && (x.Cmp(IntOf(n)) != 0 || (n < 1<<62 && x.Cmp(IntOf(n+1)) != -1)) {
			t.Fatalf("%q: Int64 %d does not compare equal", s, n)
		}
		if x.Sign() != x.Cmp(Int{}) {
			t.Fatalf("%q: Sign %d, Cmp with 0 %d", s, x.Sign(), x.Cmp(Int{}))
		}
	})
}
