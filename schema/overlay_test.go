package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOverlay: an Overlay's updates merge into what their JSONPath
// selects, its removes remove it, and a merge patch by JSON pointer
// patches the value there; a target that selects nothing is an error.
func TestOverlay(t *testing.T) {
	doc := `{"a": {"b": {"x": 1, "keep": true}, "list": [1, 2, 3]}, "c": [{"n": 1}, {"n": 2}], "q'd": {"v": 0}}`
	cases := []struct {
		name, overlay, want, unmatched string
	}{
		{"update", `{"overlay": "1.0.0", "actions": [{"target": "$.a.b", "update": {"x": 2, "y": {"z": 3}}}]}`,
			`{"a":{"b":{"x":2,"keep":true,"y":{"z":3}},"list":[1,2,3]},"c":[{"n":1},{"n":2}],"q'd":{"v":0}}`, ""},
		{"append to an array", `{"overlay": "1.0.0", "actions": [{"target": "$.a.list", "update": [4, 5]}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3,4,5]},"c":[{"n":1},{"n":2}],"q'd":{"v":0}}`, ""},
		{"wildcard and index", `{"overlay": "1.0.0", "actions": [{"target": "$.c[*]", "update": {"m": true}}, {"target": "$.c[0]", "update": {"n": 9}}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3]},"c":[{"n":9,"m":true},{"n":2,"m":true}],"q'd":{"v":0}}`, ""},
		{"descendants", `{"overlay": "1.0.0", "actions": [{"target": "$..n", "remove": true}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3]},"c":[{},{}],"q'd":{"v":0}}`, ""},
		{"remove items", `{"overlay": "1.0.0", "actions": [{"target": "$.c[*]", "remove": true}, {"target": "$.zzz", "remove": true}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3]},"c":[],"q'd":{"v":0}}`, `$.zzz`},
		{"quoted name", `{"overlay": "1.0.0", "actions": [{"target": "$[\"q'd\"].v", "remove": true}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3]},"c":[{"n":1},{"n":2}],"q'd":{}}`, ""},
		{"merge patch", `{"/a/b": {"x": null, "y": 1}, "/c/1": {"n": 3}, "/new": {"k": "v"}}`,
			`{"a":{"b":{"keep":true,"y":1},"list":[1,2,3]},"c":[{"n":1},{"n":2}],"q'd":{"v":0},"new":{"k":"v"}}`, "/c/1"},
		{"nothing selected", `{"overlay": "1.0.0", "actions": [{"target": "$.a.nope", "update": {"x": 1}}]}`,
			`{"a":{"b":{"x":1,"keep":true},"list":[1,2,3]},"c":[{"n":1},{"n":2}],"q'd":{"v":0}}`, "$.a.nope"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "o.json")
			if err := os.WriteFile(file, []byte(c.overlay), 0o644); err != nil {
				t.Fatal(err)
			}
			o, err := ReadOverlay(file)
			if err != nil {
				t.Fatal(err)
			}
			out, err := applyOverlays("d.json", []byte(doc), []*Overlay{o})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want {
				t.Errorf("got  %s\nwant %s", out, c.want)
			}
			err = o.Unmatched("d.json")
			if (err != nil) != (c.unmatched != "") || err != nil && !strings.Contains(err.Error(), c.unmatched) {
				t.Errorf("unmatched: %v, want one naming %q", err, c.unmatched)
			}
		})
	}
}

func TestBadOverlays(t *testing.T) {
	for text, want := range map[string]string{
		`{"overlay": "2.0.0", "actions": []}`:                                        `o.json#/overlay: Overlay version "2.0.0" is not supported`,
		`{"overlay": "1.0.0"}`:                                                       `o.json#/actions: an Overlay needs an array of actions`,
		`{"overlay": "1.0.0", "actions": [{"target": "a.b", "remove": true}]}`:       `o.json#/actions/0/target: an action needs a target`,
		`{"overlay": "1.0.0", "actions": [{"target": "$[?(@.x)]", "remove": true}]}`: `not supported; flightline reads names`,
		`{"overlay": "1.0.0", "actions": [{"target": "$.a"}]}`:                       `o.json#/actions/0: an action needs an update or remove`,
		`{"a/b": {}}`: `"a/b" is not a JSON pointer`,
	} {
		file := filepath.Join(t.TempDir(), "o.json")
		os.WriteFile(file, []byte(text), 0o644)
		if _, err := ReadOverlay(file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %s", text, err, want)
		}
	}
}
