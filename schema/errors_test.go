package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnsupportedSchemas: a schema the generator cannot represent is an
// error that names the JSON pointer of the construct and the construct.
func TestUnsupportedSchemas(t *testing.T) {
	cases := []struct {
		name, props, want string
	}{
		{"lookahead", `"a": {"type": "string", "pattern": "^x(?=y)"}`, `s.json#/properties/a/pattern: pattern "^x(?=y)" uses lookaround`},
		{"backreference", `"a": {"type": "string", "pattern": "(a)\\1"}`, `s.json#/properties/a/pattern: pattern "(a)\\1" uses a backreference`},
		{"bad count", `"a": {"type": "string", "minLength": -1}`, `s.json#/properties/a/minLength: minLength must be a whole number`},
		{"bad multipleOf", `"a": {"type": "number", "multipleOf": 0}`, `s.json#/properties/a/multipleOf: multipleOf must be a number above 0`},
		{"unknown keyword", `"a": {"type": "string", "maxLenght": 3}`, `s.json#/properties/a: unknown keyword "maxLenght"`},
		{"enum of another type", `"a": {"type": "integer", "enum": ["x"]}`, `#/properties/a: no value fits: none of the values of const is of type integer`},
		{"not beside a type", `"a": {"type": "integer", "not": {"minimum": 3}}`, `s.json#/properties/a: unsupported: not, if, then or else beside type`},
		{"contains", `"a": {"type": "array", "contains": {"type": "string"}}`, `#/properties/a: unsupported keyword "contains"`},
		{"patternProperties lookbehind", `"a": {"type": "object", "patternProperties": {"(?<=x)": {}}}`, `#/properties/a/patternProperties: pattern "(?<=x)" uses lookaround`},
		{"allOf of two", `"a": {"allOf": [{"type": "string"}, {"type": "string"}]}`, `#/properties/a: unsupported allOf`},
		{"two string alternatives", `"a": {"anyOf": [{"type": "string"}, {"enum": ["x"]}]}`, `#/properties/a/anyOf/1: unsupported: two string alternatives`},
		{"a map beside an object", `"a": {"anyOf": [{"type": "object", "properties": {"x": {}}}, {"type": "object", "additionalProperties": {"type": "string"}}]}`, `unsupported: two object alternatives`},
		{"oneOf integer and number", `"a": {"oneOf": [{"type": "integer"}, {"type": "number"}]}`, `#/properties/a: unsupported: oneOf with both integer and number`},
		{"assertions beside anyOf", `"a": {"anyOf": [{"type": "integer"}, {"type": "string"}], "minimum": 1}`, `#/properties/a: unsupported: anyOf next to type keywords`},
		{"nullable alternative", `"a": {"anyOf": [{"type": ["string", "null"]}, {"type": "integer"}]}`, `unsupported: a nullable alternative`},
		{"ref with constraint", `"a": {"$ref": "#/$defs/S", "maxLength": 3}`, `#/properties/a: unsupported: maxLength next to $ref`},
		{"remote ref", `"a": {"$ref": "https://example.com/s.json"}`, `only references to local files`},
		{"missing ref", `"a": {"$ref": "#/$defs/Nope"}`, `s.json#/$defs/Nope: no schema at this location`},
		{"required but closed", `"a": {"type": "object", "properties": {"x": {}}, "required": ["y"], "additionalProperties": false}`, `#/properties/a/required: required property "y" is not declared in properties, and the object allows no other`},
		{"bad default", `"a": {"type": "integer", "default": "x"}`, `#/properties/a/default: default "x" does not fit`},
		{"integer default with a fraction", `"a": {"type": "integer", "default": 1.5}`, `default 1.5 does not fit`},
		{"integer default with a negative exponent", `"a": {"type": "integer", "default": 15e-1}`, `default 15e-1 does not fit`},
		{"name clash", `"nodeId": {"type": "string"}, "node_id": {"type": "string"}`, `both become the Go field NodeID`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Root", "type": "object", ` +
				`"properties": {` + c.props + `}, "$defs": {"S": {"type": "string"}}}`
			file := filepath.Join(dir, "s.json")
			if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadJSONSchema(nil, file)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant an error containing %s", err, c.want)
			}
		})
	}
}

func TestBadDocuments(t *testing.T) {
	cases := map[string]string{
		`{"type": "object", "properties": {"a": {}}, "properties": {}}`: `duplicate member "properties"`,
		`{"type": "object"`: `s.json:`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}`: `dialect`,
		`{"type": "object", "properties": {"a": {"type": 5}}}`:                     `not a valid JSON Schema`,
		`{"type": "string"}`: `a root schema must be an object`,
		`{"type": "object", "properties": {"a": {}}, "required": ["b"], "additionalProperties": false}`: `required property "b" is not declared`,
		`{"type": "object", "properties": {"a": {}}, "x-flightline-order": ["a"]}`:                      `"a" must be required`,
		`{"type": "object", "properties": {"a": {}}, "x-flightline-lift": {"into": "X"}}`:               `no object type X`,
		`{"type": "object", "properties": {"a": {}}, "x-flightline-lift": {"onto": "X"}}`:               `unknown lift setting`,
		`{"type": "object", "properties": {"a": {}}, "x-flightline-order": "a"}`:                        `want an array of property names`,
	}
	dir := t.TempDir()
	for doc, want := range cases {
		file := filepath.Join(dir, "s.json")
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadJSONSchema(nil, file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant an error containing %s", doc, err, want)
		}
	}
}

func TestLiftErrors(t *testing.T) {
	into := `{"title": "Into", "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a", "b"], "additionalProperties": false}`
	cases := map[string]string{
		`"properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {}}, "required": ["a", "b"]`:                                                                                                        `would lose From.c`,
		`"properties": {"a": {"type": "string"}}, "required": ["a"]`:                                                                                                                                                `Into.b has no source`,
		`"properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a", "b"]`:                                                                                                                  `different types`,
		`"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]`:                                                                                                                      `may be absent but b is required`,
		`"properties": {"a": {"type": "string"}, "c": {"type": "object", "properties": {"n": {"type": "integer"}}}}, "required": ["a"], "x-flightline-lift": {"into": "Into", "set": {"b": "/c/n"}, "drop": ["c"]}`: `may be absent or null`,
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "into.json"), []byte(into), 0o644)
	for props, want := range cases {
		lift := `, "x-flightline-lift": {"into": "Into"}`
		if strings.Contains(props, "x-flightline-lift") {
			lift = ""
		}
		doc := `{"title": "From", "type": "object", ` + props + lift + `}`
		os.WriteFile(filepath.Join(dir, "from.json"), []byte(doc), 0o644)
		_, err := LoadJSONSchema(nil, filepath.Join(dir, "into.json"), filepath.Join(dir, "from.json"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant an error containing %s", props, err, want)
		}
	}
}

func TestCrossFileReferences(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "shared.json"), []byte(`{"$defs": {"Id": {"title": "Id", "type": "object", "properties": {"v": {"type": "string"}}}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "a", "b", "root.json"), []byte(`{"title": "Root", "type": "object", "properties": {"id": {"$ref": "../../shared.json#/$defs/Id"}}}`), 0o644)
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(filepath.Join(dir, "a"))
	m, err := LoadJSONSchema(nil, filepath.Join("b", "root.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Types) != 2 || m.Types[1].Name != "ID" {
		t.Errorf("types %v", dump(m))
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"nodeId": "NodeID", "runnerId": "RunnerID", "url": "URL", "wiredLimit": "WiredLimit", "nLayers": "NLayers",
		"Task Kind": "TaskKind", "decode_wait_first_token": "DecodeWaitFirstToken", "HTTPServer": "HTTPServer",
		"dark-green": "DarkGreen", "2fa": "X2fa", "": "X", "inBytes": "InBytes", "pid": "Pid",
		"日本": "X日本", "über": "Über", "_x": "X",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestNamedApart: inline types of one title but different shapes are each
// named by the object that holds them; a definition keeps its name, and
// equal inline types stay one.
func TestNamedApart(t *testing.T) {
	doc := `{"title": "Root", "type": "object", "properties": {
		"a": {"title": "A", "type": "object", "properties": {"reason": {"title": "Reason", "enum": ["x"]}, "same": {"title": "Same", "enum": ["s"]}}},
		"b": {"title": "B", "type": "object", "properties": {"reason": {"title": "Reason", "enum": ["y"]}, "same": {"title": "Same", "enum": ["s"]}}},
		"c": {"$ref": "#/$defs/Reason"}
	}, "$defs": {"Reason": {"enum": ["z"]}}}`
	for range 3 { // the same names every time
		m, err := LoadJSONSchema(func(string) ([]byte, error) { return []byte(doc), nil }, "s.json")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, ty := range m.Types {
			names = append(names, ty.Name)
		}
		if got, want := strings.Join(names, " "), "Root A AReason Same B BReason Reason"; got != want {
			t.Errorf("types %s, want %s", got, want)
		}
	}
}

// TestDefaultBreaksAssertions: a default its own schema's assertions
// reject is refused on both front ends, with the default's pointer, in
// one line; a default that keeps them loads.
func TestDefaultBreaksAssertions(t *testing.T) {
	cases := []struct{ prop, want string }{
		{`{"type": "integer", "minimum": 5, "default": 1}`, `default 1 does not fit the property's type (minimum 5)`},
		{`{"type": "integer", "minimum": 5, "default": 5}`, ``},
		{`{"type": "number", "exclusiveMaximum": 2.5, "default": 2.5}`, `(exclusiveMaximum 2.5)`},
		{`{"type": "integer", "multipleOf": 3, "default": 7}`, `(multipleOf 3)`},
		{`{"type": "number", "multipleOf": 0.5, "default": 1.5}`, ``},
		{`{"type": "string", "minLength": 2, "default": "é"}`, `(minLength 2)`},
		{`{"type": "string", "maxLength": 1, "default": "é"}`, ``},
		{`{"type": "string", "pattern": "^x", "default": "y"}`, `default "y" does not fit the property's type (pattern "^x")`},
		{`{"type": "array", "items": {"type": "integer"}, "uniqueItems": true, "default": [1, 1.0]}`, `(uniqueItems)`},
		{`{"type": "array", "items": {"type": "integer", "maximum": 3}, "default": [1, 4]}`, `default [1,4] does not fit the property's type at /1 (maximum 3)`},
		{`{"type": "array", "items": {"type": "integer"}, "maxItems": 1, "default": [1, 2]}`, `(maxItems 1)`},
		{`{"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1, "default": {}}`, `(minProperties 1)`},
		{`{"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "default": {"n": 0}}`, `at /n (minimum 1)`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		for _, front := range []string{"JSON Schema", "OpenAPI"} {
			var err error
			switch front {
			case "JSON Schema":
				doc := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Root", "type": "object", "properties": {"a": ` + c.prop + `}}`
				file := filepath.Join(dir, "s.json")
				os.WriteFile(file, []byte(doc), 0o644)
				_, err = LoadJSONSchema(nil, file)
			case "OpenAPI":
				doc := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"Root": {"type": "object", "properties": {"a": ` + c.prop + `}}}}}`
				file := filepath.Join(dir, "o.json")
				os.WriteFile(file, []byte(doc), 0o644)
				_, err = LoadOpenAPI(file, "Root")
			}
			switch {
			case c.want == "" && err != nil:
				t.Errorf("%s %s: %v", front, c.prop, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("%s %s:\n got %v\nwant an error containing %s", front, c.prop, err, c.want)
			case err != nil && (!strings.Contains(err.Error(), "/properties/a/default: ") || strings.Contains(err.Error(), "\n")):
				t.Errorf("%s %s: %q is not one line with the default's pointer", front, c.prop, err)
			}
		}
	}
}
