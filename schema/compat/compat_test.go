package compat

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/schema"
)

// An edit changes a decoded schema document in place.
type edit func(t *testing.T, doc map[string]any)

// parent follows pointer to the container that holds its last token.
func parent(t *testing.T, doc map[string]any, pointer string) (any, string) {
	t.Helper()
	tokens := strings.Split(pointer[1:], "/")
	var cur any = doc
	for _, tok := range tokens[:len(tokens)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			cur = c[i]
		}
		if cur == nil {
			t.Fatalf("edit: nothing at %s in %s", tok, pointer)
		}
	}
	return cur, tokens[len(tokens)-1]
}

// set sets the value at pointer: an object member, or an array item.
func set(pointer string, v any) edit {
	return func(t *testing.T, doc map[string]any) {
		switch c, tok := parent(t, doc, pointer); c := c.(type) {
		case map[string]any:
			c[tok] = v
		case []any:
			i, _ := strconv.Atoi(tok)
			c[i] = v
		}
	}
}

// del deletes the object member at pointer.
func del(pointer string) edit {
	return func(t *testing.T, doc map[string]any) {
		c, tok := parent(t, doc, pointer)
		delete(c.(map[string]any), tok)
	}
}

// list replaces the array at pointer with f of it.
func list(pointer string, f func([]any) []any) edit {
	return func(t *testing.T, doc map[string]any) {
		c, tok := parent(t, doc, pointer)
		m := c.(map[string]any)
		m[tok] = f(slices.Clone(m[tok].([]any)))
	}
}

func appendItem(pointer string, v any) edit {
	return list(pointer, func(a []any) []any { return append(a, v) })
}

func removeItem(pointer string, v any) edit {
	return list(pointer, func(a []any) []any {
		return slices.DeleteFunc(a, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(v) })
	})
}

func replaceItem(pointer string, old, new any) edit {
	return list(pointer, func(a []any) []any {
		for i, x := range a {
			if fmt.Sprint(x) == fmt.Sprint(old) {
				a[i] = new
			}
		}
		return a
	})
}

// renameDef renames a $defs entry and every reference to it.
func renameDef(from, to string) edit {
	return func(t *testing.T, doc map[string]any) {
		defs := doc["$defs"].(map[string]any)
		defs[to] = defs[from]
		delete(defs, from)
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if v["$ref"] == "#/$defs/"+from {
					v["$ref"] = "#/$defs/" + to
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(doc)
	}
}

// rewrite decodes a schema document, applies the edits and encodes it again.
// Both versions of a case go through it, so that key order (which
// encoding/json sorts) is no difference.
func rewrite(t *testing.T, text string, edits ...edit) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		e(t, doc)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// load loads the root document file from files.
func load(t *testing.T, files map[string]string, roots ...string) *schema.Model {
	t.Helper()
	m, err := schema.LoadJSONSchema(func(name string) ([]byte, error) {
		if text, ok := files[name]; ok {
			return []byte(text), nil
		}
		return nil, os.ErrNotExist
	}, roots...)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, files[roots[0]])
	}
	return m
}

// summarize writes each change as "POINTER KIND DIRECTIONS", the
// directions being backward, forward, both or none.
func summarize(changes []Change) []string {
	out := []string{}
	for _, c := range changes {
		dirs := map[Direction]string{None: "none", Backward: "backward", Forward: "forward", Both: "both"}[c.Breaks]
		out = append(out, fmt.Sprintf("%s %s %s", c.Pointer, c.Kind, dirs))
	}
	return out
}

// inline is a small schema document with the given properties; with
// closed, objects forbid undeclared properties.
func inline(props string, closed bool, rest ...string) string {
	extra := ""
	if closed {
		extra = `, "additionalProperties": false`
	}
	for _, r := range rest {
		extra += ", " + r
	}
	return `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Root", "type": "object", "properties": {` +
		props + `}` + extra + `}`
}

func builtin(t *testing.T, name string) string {
	t.Helper()
	data, err := schema.ReadBuiltin(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCompare(t *testing.T) {
	base := builtin(t, schema.EntryFile)
	entry := func(edits ...edit) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) { return rewrite(t, base), rewrite(t, base, edits...) }
	}
	pair := func(old, new string) func(t *testing.T) (string, string) {
		return func(*testing.T) (string, string) { return old, new }
	}
	memories := func(suffix, kind string) []string {
		var out []string
		for _, m := range []string{"active", "cache", "peak", "wiredLimit"} {
			out = append(out, "/mlxMemory/"+m+suffix+" "+kind)
		}
		return out
	}
	phases := "/properties/phase/enum"
	attrs := "/properties/attrs/additionalProperties/anyOf"
	cases := []struct {
		name     string
		versions func(t *testing.T) (string, string)
		want     []string
	}{
		// The built-in entry schema, edited.
		{"no change", entry(), nil},
		{"field description", entry(set("/properties/detail/description", "Free text.")),
			[]string{"/detail description-changed none"}},
		{"type description", entry(set("/$defs/Memory/description", "Bytes.")),
			memories("", "description-changed none")},
		{"default", entry(set("/$defs/Memory/properties/inBytes/default", 1)),
			memories("/inBytes", "default-changed none")},
		{"phase renamed", entry(replaceItem(phases, "prefill_stream", "prefill_streaming")),
			[]string{"/phase enum-value-added forward", "/phase enum-value-removed backward"}},
		{"phase added", entry(appendItem(phases, "offload")), []string{"/phase enum-value-added forward"}},
		{"phase removed", entry(removeItem(phases, "parser")), []string{"/phase enum-value-removed backward"}},
		{"phases reordered", entry(removeItem(phases, "created"), appendItem(phases, "created")),
			[]string{"/phase enum-values-reordered none"}},
		{"inBytes integer to number", entry(set("/$defs/Memory/properties/inBytes/type", "number")),
			memories("/inBytes", "type-widened forward")},
		{"inBytes becomes required", entry(set("/$defs/Memory/required", []any{"inBytes"})),
			memories("/inBytes", "became-required backward")},
		{"mlxMemory source removed", entry(del("/$defs/MlxMemorySnapshot/properties/source"),
			set("/$defs/MlxMemorySnapshot/required", []any{"generatedAt"})),
			[]string{"/mlxMemory/source field-removed both"}},
		{"mlxMemory optional field added", entry(set("/$defs/MlxMemorySnapshot/properties/unified", map[string]any{"type": "boolean"})),
			[]string{"/mlxMemory/unified field-added forward"}},
		{"mlxMemory no longer nullable", entry(set("/properties/mlxMemory", map[string]any{"$ref": "#/$defs/MlxMemorySnapshot"})),
			[]string{"/mlxMemory became-non-nullable backward", "/mlxMemory default-changed none", "/mlxMemory description-changed none"}},
		{"Memory renamed in $defs", entry(renameDef("Memory", "MemoryAmount")),
			memories("", "type-renamed none")},
		{"attrs number variant removed", entry(removeItem(attrs, map[string]any{"type": "number"})),
			[]string{"/attrs/* union-variant-removed backward"}},
		{"attrs integer variant removed", entry(removeItem(attrs, map[string]any{"type": "integer"})),
			[]string{"/attrs/* union-variant-removed none"}},
		{"attrs object variant added", entry(appendItem(attrs, map[string]any{"type": "object"})),
			[]string{"/attrs/* union-variant-added forward"}},
		{"attrs values nullable", entry(appendItem(attrs, map[string]any{"type": "null"})),
			[]string{"/attrs/* became-nullable forward"}},
		{"attrs list items", entry(set(attrs+"/4/items/type", "number")),
			[]string{"/attrs/*/* type-changed both"}},
		{"detail not nullable", entry(set("/properties/detail", map[string]any{"type": "string"})),
			[]string{"/detail became-non-nullable backward", "/detail default-changed none", "/detail description-changed none"}},
		{"event nullable", entry(set("/properties/event/anyOf", []any{map[string]any{"type": "string"}, map[string]any{"type": "null"}}),
			del("/properties/event/type")),
			[]string{"/event became-nullable forward"}},
		{"event optional", entry(removeItem("/required", "event")), []string{"/event became-optional forward"}},
		{"detail required", entry(appendItem("/required", "detail")), []string{"/detail became-required backward"}},
		{"required field added", entry(set("/properties/modelId", map[string]any{"type": "string"}), appendItem("/required", "modelId")),
			[]string{"/modelId field-added both"}},
		{"optional field removed", entry(del("/properties/commandId")), []string{"/commandId field-removed backward"}},
		{"entry open", entry(del("/additionalProperties")), []string{" became-open forward"}},
		{"deviceRank to string", entry(set("/properties/deviceRank/type", "string")), []string{"/deviceRank type-changed both"}},
		{"nodeId format", entry(set("/properties/nodeId/format", "hostname")), []string{"/nodeId format-added backward"}},
		{"at format removed", entry(del("/properties/at/format")),
			[]string{" order-changed both", "/at format-removed forward"}},
		{"order truncated", entry(set("/x-flightline-order", []any{"at", "nodeId"})), []string{" order-changed forward"}},
		{"order extended", entry(set("/x-flightline-order", []any{"at", "nodeId", "deviceRank", "runnerId", "event"})),
			[]string{" order-changed backward"}},
		{"order changed", entry(set("/x-flightline-order", []any{"at", "runnerId"})), []string{" order-changed both"}},
		{"order removed", entry(del("/x-flightline-order")), []string{" order-removed forward"}},

		// Small schemas written for one rule.
		{"closed", pair(inline(`"a": {"type": "string"}`, false), inline(`"a": {"type": "string"}`, true)),
			[]string{" became-closed backward"}},
		{"field added to an open object", pair(inline(`"a": {}`, false), inline(`"a": {}, "b": {"type": "string"}`, false)),
			[]string{"/b field-added backward"}},
		{"untyped field added to an open object", pair(inline(`"a": {}`, false), inline(`"a": {}, "b": {}`, false)),
			[]string{"/b field-added none"}},
		{"field removed from an open object", pair(inline(`"a": {}, "b": {"type": "string"}`, false), inline(`"a": {}`, false)),
			[]string{"/b field-removed none"}},
		{"field renamed", pair(inline(`"a": {"type": "string"}`, true), inline(`"b": {"type": "string"}`, true)),
			[]string{"/a field-removed backward", "/b field-added forward"}},
		{"fields reordered", pair(inline(`"a": {}, "b": {}`, true), inline(`"b": {}, "a": {}`, true)),
			[]string{" fields-reordered none"}},
		{"number to integer", pair(inline(`"n": {"type": "number"}`, true), inline(`"n": {"type": "integer"}`, true)),
			[]string{"/n type-narrowed backward"}},
		{"any to string", pair(inline(`"x": {}`, true), inline(`"x": {"type": "string"}`, true)),
			[]string{"/x type-narrowed backward"}},
		{"string to any", pair(inline(`"x": {"type": "string"}`, true), inline(`"x": {}`, true)),
			[]string{"/x type-widened forward"}},
		{"string to enum", pair(inline(`"x": {"type": "string"}`, true), inline(`"x": {"enum": ["a"]}`, true)),
			[]string{"/x type-narrowed backward"}},
		{"enum to string", pair(inline(`"x": {"enum": ["a"]}`, true), inline(`"x": {"type": "string"}`, true)),
			[]string{"/x type-widened forward"}},
		{"string to string or integer", pair(inline(`"x": {"type": "string"}`, true), inline(`"x": {"type": ["string", "integer"]}`, true)),
			[]string{"/x type-widened forward"}},
		{"string or integer to string", pair(inline(`"x": {"type": ["string", "integer"]}`, true), inline(`"x": {"type": "string"}`, true)),
			[]string{"/x type-narrowed backward"}},
		{"integer or number to number", pair(inline(`"x": {"type": ["integer", "number"]}`, true), inline(`"x": {"type": "number"}`, true)),
			[]string{"/x type-equivalent none"}},
		{"object to array", pair(inline(`"x": {"type": "object", "properties": {"a": {}}}`, true), inline(`"x": {"type": "array"}`, true)),
			[]string{"/x type-changed both"}},
		{"map of any to object", pair(inline(`"x": {"type": "object"}`, true), inline(`"x": {"type": "object", "properties": {"a": {}}}`, true)),
			[]string{"/x type-narrowed backward"}},
		{"date-time to uuid", pair(inline(`"x": {"type": "string", "format": "date-time"}`, true), inline(`"x": {"type": "string", "format": "uuid"}`, true)),
			[]string{"/x format-changed both"}},
		{"array items nullable", pair(inline(`"l": {"type": "array", "items": {"type": "string"}}`, true),
			inline(`"l": {"type": "array", "items": {"type": ["string", "null"]}}`, true)),
			[]string{"/l/* became-nullable forward"}},
		{"map values narrowed", pair(inline(`"m": {"type": "object", "additionalProperties": {"type": "number"}}`, true),
			inline(`"m": {"type": "object", "additionalProperties": {"type": "integer"}}`, true)),
			[]string{"/m/* type-narrowed backward"}},
		{"array items of objects", pair(inline(`"l": {"type": "array", "items": {"type": "object", "properties": {"a": {}}, "additionalProperties": false}}`, true),
			inline(`"l": {"type": "array", "items": {"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": false}}`, true)),
			[]string{"/l/*/b field-added forward"}},
		{"root renamed", pair(inline(`"a": {}`, true), strings.Replace(inline(`"a": {}`, true), `"Root"`, `"Top"`, 1)),
			[]string{" type-renamed none"}},
		{"order added", pair(inline(`"a": {"type": "string"}`, true, `"required": ["a"]`),
			inline(`"a": {"type": "string"}`, true, `"required": ["a"]`, `"x-flightline-order": ["a"]`)),
			[]string{" order-added backward"}},
		{"recursive", pair(
			inline(`"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}`, true),
			inline(`"name": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}, "size": {"type": "integer"}`, true)),
			[]string{"/name type-changed both", "/size field-added forward"}},
		{"mutually recursive", pair(
			inline(`"a": {"$ref": "#/$defs/A"}`, true, `"$defs": {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
				"B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}, "x": {"type": "string"}}}}`),
			inline(`"a": {"$ref": "#/$defs/A"}, "b": {"$ref": "#/$defs/B"}`, true, `"$defs": {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
				"B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}, "x": {"type": "number"}}}}`)),
			[]string{"/a/b/x type-changed both", "/b field-added forward"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oldText, newText := c.versions(t)
			old := load(t, map[string]string{"s.json": oldText}, "s.json")
			new := load(t, map[string]string{"s.json": newText}, "s.json")
			changes := Compare(old, new)
			got := summarize(changes)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
			for _, ch := range changes {
				if ch.Message == "" || (ch.OldLoc == "" && ch.NewLoc == "") || ch.Root == "" {
					t.Errorf("incomplete change: %+v", ch)
				}
			}
		})
	}
}

// TestCompareRoots pairs roots by name, then by position, and reports
// roots without a counterpart.
func TestCompareRoots(t *testing.T) {
	files := map[string]string{
		"a.json":  strings.Replace(inline(`"x": {"type": "string"}`, true), `"Root"`, `"A"`, 1),
		"b.json":  strings.Replace(inline(`"y": {"type": "string"}`, true), `"Root"`, `"B"`, 1),
		"b2.json": strings.Replace(inline(`"y": {"type": "integer"}`, true), `"Root"`, `"B"`, 1),
		"c.json":  strings.Replace(inline(`"x": {"type": "string"}`, true), `"Root"`, `"C"`, 1),
	}
	cases := []struct {
		name     string
		old, new []string
		want     []string // ROOT POINTER KIND
	}{
		{"by name", []string{"a.json", "b.json"}, []string{"b2.json", "a.json"}, []string{"B/y type-changed"}},
		{"by position", []string{"a.json"}, []string{"c.json"}, []string{"C type-renamed"}},
		{"removed", []string{"a.json", "b.json"}, []string{"b.json"}, []string{"A root-removed"}},
		{"added", []string{"a.json"}, []string{"a.json", "b.json"}, []string{"B root-added"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, ch := range Compare(load(t, files, c.old...), load(t, files, c.new...)) {
				got = append(got, ch.Root+ch.Pointer+" "+string(ch.Kind))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestCompareLift: a changed x-flightline-lift is reported on the root
// that declares it and breaks no reader.
func TestCompareLift(t *testing.T) {
	runner, entry := builtin(t, schema.RunnerEntryFile), builtin(t, schema.EntryFile)
	load2 := func(runner string) *schema.Model {
		return load(t, map[string]string{"r.json": runner, schema.EntryFile: entry}, "r.json", schema.EntryFile)
	}
	old := load2(rewrite(t, runner))
	new := load2(rewrite(t, runner, set("/x-flightline-lift/set/deviceRank", "/context/startLayer")))
	got := Compare(old, new)
	if len(got) != 1 || got[0].Kind != LiftChanged || got[0].Breaks != None || got[0].Root != "RunnerFlightRecorderEntry" ||
		!strings.Contains(got[0].Message, "deviceRank from /context/startLayer (was /context/rank)") {
		t.Errorf("got %+v", got)
	}
}

// TestCompareDeterministic: the same inputs give the same list, however
// often they are compared.
func TestCompareDeterministic(t *testing.T) {
	base := builtin(t, schema.EntryFile)
	old := load(t, map[string]string{"s.json": base}, "s.json")
	new := load(t, map[string]string{"s.json": rewrite(t, base, removeItem("/properties/phase/enum", "idle"),
		set("/$defs/Memory/properties/inBytes/type", "number"))}, "s.json")
	first := Compare(old, new)
	for range 5 {
		if again := Compare(old, new); !slices.Equal(again, first) {
			t.Fatalf("changes differ between runs:\n%v\n%v", first, again)
		}
	}
}

func TestDirectionJSON(t *testing.T) {
	for _, d := range []Direction{None, Backward, Forward, Both} {
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Direction
		if err := json.Unmarshal(data, &back); err != nil || back != d {
			t.Errorf("%v: %s read back as %v, %v", d, data, back, err)
		}
	}
	if data, _ := json.Marshal(Both); string(data) != `["backward","forward"]` {
		t.Errorf("Both is %s", data)
	}
	if data, _ := json.Marshal(None); string(data) != `[]` {
		t.Errorf("None is %s", data)
	}
}

// TestCompareFrontends: the built-in schema and its OpenAPI form describe
// the same dumps; where each defines a type is no change.
func TestCompareFrontends(t *testing.T) {
	js, err := schema.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	oa, err := schema.LoadOpenAPI("../../testdata/openapi/skulk.openapi.json", "ClusterTimelineEntry", "RunnerFlightRecorderEntry", "ClusterTimeline", "NodeDiagnostics", "ClusterDiagnostics", "DiagnosticCaptureResponse")
	if err != nil {
		t.Fatal(err)
	}
	if got := summarize(Compare(js, oa)); len(got) > 0 {
		t.Errorf("JSON Schema and OpenAPI forms differ:\n\t%s", strings.Join(got, "\n\t"))
	}
}
