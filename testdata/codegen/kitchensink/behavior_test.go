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
		`"zero":0,"color":"blue","maybeShade":null,"nullableList":null,"multi":null}],"fixed":"fixed","point":{"x":0.0,"y":0.0}}`
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
	if string(s.Open.AdditionalProperties["extra"]) != "[1,2]" {
		t.Errorf("open object lost its extra property: %v", s.Open.AdditionalProperties)
	}
}

func TestDefaults(t *testing.T) {
	var s Sink
	if err := json.Unmarshal([]byte(`{"id":"a","when":"2026-04-24T22:03:50Z"}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Count != 3 || s.Ratio != 0.5 || !s.Flag || s.Color != ColorBlue || s.Tags != nil || s.Multi != nil {
		t.Errorf("defaults not applied: %+v", s)
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
