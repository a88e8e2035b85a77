// This test runs inside the package generated from ../kitchensink.schema.json
// (gen's tests copy it there): it checks the constructs the built-in
// schema does not use.
package kitchensink

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	doc := `{"id":"a","when":"2026-04-24T22:03:50Z","count":7,"ratio":1.5,"flag":false,"zero":0,"color":"dark-green",` +
		`"maybeShade":"dark","tags":["x","y"],"matrix":[[1,null],[]],"nullableList":null,"byName":{"p":{"x":1.0,"y":2.5}},` +
		`"maybeByName":{"q":null},"anything":{"any":[1,"thing"]},"open":{"name":"n","extra":[1,2]},"choice":{"x":0.0,"y":1.0},` +
		`"oneChoice":3,"multi":"m","children":[{"id":"c","when":"2026-04-24T22:03:51Z","count":3,"ratio":0.5,"flag":true,` +
		`"zero":0,"color":"blue","maybeShade":null,"nullableList":null,"multi":null,"big":18446744073709551616,"origin":{"x":1.0,"y":2.5},"empties":[]}],"fixed":"fixed",` +
		`"point":{"x":0.0,"y":0.0},"big":-2e30,"stamps":["2026-04-24T22:03:50.5+00:00"],"marshalJSON":"m","sortKey":1.0,"origin":{"x":0.5,"y":0.0},"empties":["e"]}`
	var s Sink
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != doc {
		t.Errorf("round trip changed the document:\n got %s\nwant %s", out, doc)
	}
	if extra, _ := s.Open.AdditionalProperties.Get("extra"); string(extra) != "[1,2]" {
		t.Errorf("open object lost its extra property: %v", s.Open.AdditionalProperties)
	}
}

func TestDefaults(t *testing.T) {
	var s Sink
	if err := json.Unmarshal([]byte(`{"id":"a","when":"2026-04-24T22:03:50Z"}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Count.Cmp(IntOf(3)) != 0 || s.Ratio != 0.5 || !s.Flag || s.Color != ColorBlue || s.Tags != nil || s.Multi != nil ||
		s.Big.String() != "18446744073709551616" || s.Origin != (Point{X: 1, Y: 2.5}) || s.Empties == nil || len(s.Empties) != 0 {
		t.Errorf("defaults not applied: %+v", s)
	}
}

// TestIntegers: an integer of any size decodes, compares and encodes
// exactly, written as it was.
func TestIntegers(t *testing.T) {
	for _, lit := range []string{"0", "-7", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
		"18446744073709551616", "1.0", "2e3", "-0", "1.5e1", "123456789012345678901234567890", "1e999999999999999999"} {
		doc := `{"id":"a","when":"2026-04-24T22:03:50Z","count":` + lit + `,"sortKey":` + lit + `}`
		var s Sink
		if err := s.UnmarshalJSON([]byte(doc)); err != nil {
			t.Errorf("%s: %v", lit, err)
			continue
		}
		if s.Count.Cmp(*s.SortKeyField) != 0 {
			t.Errorf("%s: Count and SortKeyField differ: %v %v", lit, s.Count, *s.SortKeyField)
		}
		out, err := s.MarshalJSON()
		if err != nil || !strings.Contains(string(out), `"count":`+lit+`,`) {
			t.Errorf("%s: encoded as %s, %v", lit, out, err)
		}
	}
	var small, big Int
	if err := big.UnmarshalJSON([]byte("1e30")); err != nil {
		t.Fatal(err)
	}
	if err := small.UnmarshalJSON([]byte("999999999999999999999999999999")); err != nil {
		t.Fatal(err)
	}
	if small.Cmp(big) != -1 || big.Cmp(small) != 1 || big.Sign() != 1 || big.String() != "1e30" {
		t.Errorf("1e30 against 30 nines: %d %d %d %s", small.Cmp(big), big.Cmp(small), big.Sign(), big)
	}
	if n, ok := IntOf(-5).Int64(); !ok || n != -5 {
		t.Errorf("Int64 of -5: %d %v", n, ok)
	}
	if _, ok := big.Int64(); ok {
		t.Error("1e30 fits in an int64")
	}
	if _, err := ParseInt("1.5"); err == nil {
		t.Error("ParseInt accepts 1.5")
	}
}

// TestRenamedFields: a property named like a method of its type gets
// another Go name, and keeps its JSON name.
func TestRenamedFields(t *testing.T) {
	doc := `{"id":"a","when":"2026-04-24T22:03:50Z","marshalJSON":"m","stamps":["2026-04-24T22:03:50Z"]}`
	var s Sink
	if err := s.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if s.MarshalJSONField == nil || *s.MarshalJSONField != "m" {
		t.Errorf("marshalJSON decoded as %v", s.MarshalJSONField)
	}
	if tm, err := s.Stamps[0].Time(); err != nil || tm.Unix() != 1777068230 {
		t.Errorf("stamps[0].Time() = %v, %v", tm, err)
	}
	if out, _ := s.MarshalJSON(); !strings.Contains(string(out), `"marshalJSON":"m"`) {
		t.Errorf("encoded as %s", out)
	}
}

func TestViolations(t *testing.T) {
	cases := map[string]string{
		`{"id":"a","when":"w","oneChoice":1.5}`:                "/oneChoice",
		`{"id":"a","when":"w","choice":true}`:                  "/choice",
		`{"id":"a","when":"w","choice":[1,"x"]}`:               "/choice/1",
		`{"id":"a","when":"w","matrix":[[1,"x"]]}`:             "/matrix/0/1",
		`{"id":"a","when":"w","byName":{"p":{"x":1}}}`:         "/byName/p/y",
		`{"id":"a","when":"w","children":[{"id":"b"}]}`:        "/children/0/when",
		`{"id":"a","when":"w","fixed":"other"}`:                "/fixed",
		`{"id":"a","when":"w","multi":1.5}`:                    "/multi",
		`{"id":"a","when":"w","color":null}`:                   "/color",
		`{"id":"a","when":"w","point":{"x":1,"y":2,"z":3}}`:    "/point/z",
		`{"id":"a","when":"w","maybeByName":{"k":1,"k":null}}`: "/maybeByName/k",
	}
	for doc, pointer := range cases {
		vs := ValidateSink([]byte(doc))
		found := false
		for _, v := range vs {
			found = found || v.Pointer == pointer
		}
		if !found {
			t.Errorf("%s: violations %v, want one at %s", doc, vs, pointer)
		}
	}
	var s Sink
	if err := json.Unmarshal([]byte(`{"id":"a","when":"w","oneChoice":1.5}`), &s); err == nil || !strings.Contains(err.Error(), "/oneChoice") {
		t.Errorf("got %v", err)
	}
}

func TestOrder(t *testing.T) {
	a := Sink{ID: "b", When: "2026-04-24T22:03:50Z"}
	b := Sink{ID: "a", When: "2026-04-24T22:03:50.5+00:00"}
	if Compare(&a, &b) >= 0 {
		t.Error("earlier instant did not sort first")
	}
}
