package compat

import (
	"slices"
	"strings"
	"testing"
)

// TestCompareAssertions: each assertion that appears, tightens, loosens,
// changes or goes is classified by whom it breaks.
func TestCompareAssertions(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"minimum added", `"n": {"type": "integer"}`, `"n": {"type": "integer", "minimum": 0}`, []string{"/n assertion-added backward"}},
		{"minimum raised", `"n": {"type": "integer", "minimum": 0}`, `"n": {"type": "integer", "minimum": 1}`, []string{"/n assertion-tightened backward"}},
		{"minimum lowered", `"n": {"type": "number", "minimum": 0.5}`, `"n": {"type": "number", "minimum": 0.25}`, []string{"/n assertion-loosened forward"}},
		{"same minimum written otherwise", `"n": {"type": "number", "minimum": 1}`, `"n": {"type": "number", "minimum": 1.0}`, nil},
		{"maximum lowered", `"n": {"type": "integer", "maximum": 10}`, `"n": {"type": "integer", "maximum": 9}`, []string{"/n assertion-tightened backward"}},
		{"exclusiveMaximum removed", `"n": {"type": "integer", "exclusiveMaximum": 10}`, `"n": {"type": "integer"}`, []string{"/n assertion-removed forward"}},
		{"multipleOf finer", `"n": {"type": "number", "multipleOf": 0.1}`, `"n": {"type": "number", "multipleOf": 0.01}`, []string{"/n assertion-loosened forward"}},
		{"multipleOf coarser", `"n": {"type": "number", "multipleOf": 2}`, `"n": {"type": "number", "multipleOf": 4}`, []string{"/n assertion-tightened backward"}},
		{"multipleOf other", `"n": {"type": "integer", "multipleOf": 2}`, `"n": {"type": "integer", "multipleOf": 3}`, []string{"/n assertion-changed both"}},
		{"minLength longer", `"s": {"type": "string", "minLength": 1}`, `"s": {"type": "string", "minLength": 2}`, []string{"/s assertion-tightened backward"}},
		{"maxLength longer", `"s": {"type": "string", "maxLength": 1}`, `"s": {"type": "string", "maxLength": 2}`, []string{"/s assertion-loosened forward"}},
		{"pattern added", `"s": {"type": "string"}`, `"s": {"type": "string", "pattern": "^a"}`, []string{"/s assertion-added backward"}},
		{"pattern changed", `"s": {"type": "string", "pattern": "^a"}`, `"s": {"type": "string", "pattern": "^b"}`, []string{"/s assertion-changed both"}},
		{"pattern removed", `"s": {"type": "string", "pattern": "^a"}`, `"s": {"type": "string"}`, []string{"/s assertion-removed forward"}},
		{"uniqueItems added", `"l": {"type": "array"}`, `"l": {"type": "array", "uniqueItems": true}`, []string{"/l assertion-added backward"}},
		{"maxItems added on items", `"l": {"type": "array", "items": {"type": "array"}}`, `"l": {"type": "array", "items": {"type": "array", "maxItems": 2}}`,
			[]string{"/l/* assertion-added backward"}},
		{"minProperties removed", `"o": {"type": "object", "minProperties": 1}`, `"o": {"type": "object"}`, []string{"/o assertion-removed forward"}},
		{"integer enum value added", `"n": {"type": "integer", "enum": [1, 2]}`, `"n": {"type": "integer", "enum": [1, 2, 3]}`, []string{"/n enum-value-added forward"}},
		{"const changed", `"c": {"const": 1}`, `"c": {"const": 2}`, []string{"/c enum-value-added forward", "/c enum-value-removed backward"}},
		{"pattern property added", `"o": {"type": "object", "properties": {"a": {}}}`, `"o": {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x": {"type": "integer"}}}`,
			[]string{"/o assertion-added backward"}},
		{"pattern property narrowed", `"o": {"type": "object", "patternProperties": {"^x": {}}}`, `"o": {"type": "object", "patternProperties": {"^x": {"type": "integer"}}}`,
			[]string{"/o/* type-narrowed backward"}},
		{"guard added", `"v": {}`, `"v": {"minimum": 3}`, []string{"/v assertion-added backward"}},
		{"guard tightened", `"v": {"minimum": 3}`, `"v": {"minimum": 4}`, []string{"/v assertion-tightened backward"}},
		{"prefix item added", `"t": {"type": "array", "prefixItems": [{"type": "string"}]}`, `"t": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}`,
			[]string{"/t assertion-added backward"}},
		{"object alternative added", `"u": {"anyOf": [{"title": "A", "type": "object", "properties": {"a": {}}, "required": ["a"], "additionalProperties": false}, {"type": "string"}]}`,
			`"u": {"anyOf": [{"title": "A", "type": "object", "properties": {"a": {}}, "required": ["a"], "additionalProperties": false}, {"title": "B", "type": "object", "properties": {"b": {}}, "required": ["b"], "additionalProperties": false}, {"type": "string"}]}`,
			[]string{"/u union-variant-added forward"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old := load(t, map[string]string{"s.json": inline(c.old, false)}, "s.json")
			new := load(t, map[string]string{"s.json": inline(c.new, false)}, "s.json")
			got := summarize(Compare(old, new))
			got = slices.DeleteFunc(got, func(s string) bool { return strings.Contains(s, "type-renamed") || strings.Contains(s, "root-") })
			want := c.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}
