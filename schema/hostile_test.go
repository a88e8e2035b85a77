package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileSchemas: schemas built to break the loader are refused with
// an error that names the place, or loaded, never a crash or a hang.
func TestHostileSchemas(t *testing.T) {
	const head = `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Root", "type": "object", `
	cases := []struct {
		name string
		doc  string // s.json
		want string // "" when the schema loads
	}{
		{"self $ref", head + `"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"$ref": "#/$defs/A"}}}`,
			`s.json#/$defs/A: $ref cycle: the schema refers to itself without ever saying what it is (#/$defs/A -> #/$defs/A)`},
		{"two-step $ref cycle", head + `"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}}`,
			`s.json#/$defs/A: $ref cycle: the schema refers to itself without ever saying what it is (#/$defs/A -> #/$defs/B -> #/$defs/A)`},
		{"cycle through allOf and anyOf", head + `"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"allOf": [{"$ref": "#/$defs/B"}]}, "B": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]}}}`,
			`$ref cycle`},
		{"root refers to itself", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#"}`, `$ref cycle`},
		{"array of itself", head + `"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"type": "array", "items": {"$ref": "#/$defs/A"}}}}`,
			`s.json#/$defs/A: unsupported: an array or map that contains itself`},
		{"map of itself", head + `"properties": {"a": {"$ref": "#/$defs/M"}}, "$defs": {"M": {"type": "object", "additionalProperties": {"$ref": "#/$defs/M"}}}}`,
			`unsupported: an array or map that contains itself`},
		{"union of itself", head + `"properties": {"a": {"$ref": "#/$defs/U"}}, "$defs": {"U": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/U"}]}}}`,
			`s.json#/$defs/U/anyOf/1: unsupported: a union alternative`},
		{"recursive union through an array", head + `"properties": {"a": {"$ref": "#/$defs/U"}}, "$defs": {"U": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/$defs/U"}}]}}}`, ""},
		{"recursive object through a map", head + `"properties": {"files": {"type": "object", "additionalProperties": {"$ref": "#"}}}}`, ""},
		{"member name not UTF-8", head + "\n" + `"properties": {"a` + "\xff" + `b": {"type": "string"}}}`,
			`s.json: line 2: #/properties: a member name, "a\xffb", is not valid UTF-8`},
		{"member name a lone surrogate", head + `"properties": {"\ud800": {"type": "string"}}}`,
			`s.json: line 1: #/properties: a member name, "\ud800", has a lone surrogate escape \ud800`},
		{"lone low surrogate in a description", head + `"properties": {"a": {"type": "string", "description": "x\udc00"}}}`,
			`#/properties/a/description: the string has a lone surrogate escape \udc00`},
		{"high surrogate before a letter", head + `"properties": {"a": {"type": "string", "title": "\ud83dx"}}}`, `has a lone surrogate escape \ud83d`},
		{"surrogate pair", head + `"properties": {"\ud83d\ude00": {"type": "string"}}}`, ""},
		{"number default beyond float64", head + `"properties": {"a": {"type": "number", "default": 1e400}}}`,
			`s.json#/properties/a/default: default 1e400 is beyond the range of a float64`},
		{"duplicate member deep inside", head + `"properties": {"a": {"type": "string", "type": "integer"}}}`, `duplicate member "type"`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "s.json")
			if err := os.WriteFile(file, []byte(c.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadJSONSchema(nil, file)
			if err != nil {
				err = errors.New(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("the error is more than one line: %v", err)
				}
			}
			checkError(t, err, c.want)
		})
	}
}

// checkError checks that err contains want, or is nil when want is "".
func checkError(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("got %v\nwant an error containing %s", err, want)
	}
}

// TestWholeNumber: an integer default is checked without working out its
// value, however large its exponent.
func TestWholeNumber(t *testing.T) {
	for lit, want := range map[string]bool{
		"0": true, "-0": true, "7": true, "1.0": true, "1.50": false, "15e-1": false, "150e-1": true, "2E3": true,
		"1e-5": false, "0.0e-5": true, "1.5e1": true, "1.25e1": false, "1e99999999999999999999": true,
		"1e-99999999999999999999": false, "100e-2": true, "0.001e3": true,
	} {
		if got := wholeNumber(lit); got != want {
			t.Errorf("wholeNumber(%s) = %v, want %v", lit, got, want)
		}
	}
}

// TestOpenAPIHostile: OpenAPI documents that kin-openapi would read too
// kindly are refused with the place.
func TestOpenAPIHostile(t *testing.T) {
	doc := func(version, schemas string) string {
		return `{"openapi": "` + version + `", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {` + schemas + `}}}`
	}
	root := `"Root": {"type": "object", "properties": {"a": {"type": "string"}}}`
	cases := []struct{ name, doc, want string }{
		{"version 4", doc("4.0.0", root), `openapi version "4.0.0" is not supported; flightline reads OpenAPI 3.0.x and 3.1.x`},
		{"version 2", doc("2.0", root), `openapi version "2.0" is not supported`},
		{"version 3.0", doc("3.0.3", root), ""},
		{"version 3.1", doc("3.1.0", root), ""},
		{"name not UTF-8", doc("3.1.0", `"Root": {"type": "object", "properties": {"`+"\xfe"+`": {"type": "string"}}}`),
			`#/components/schemas/Root/properties: a member name, "\xfe", is not valid UTF-8`},
		{"lone surrogate", doc("3.1.0", `"Root": {"type": "object", "properties": {"\udfff": {"type": "string"}}}`), `lone surrogate escape \udfff`},
		{"$ref cycle", doc("3.1.0", `"Root": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}, "A": {"$ref": "#/components/schemas/A"}`), `A`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "o.json")
			if err := os.WriteFile(file, []byte(c.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOpenAPI(file, "Root")
			checkError(t, err, c.want)
		})
	}
}

// TestCompileErrors: the JSON Schema compiler's errors name files as the
// caller does, not by the URLs the compiler works with, and blame the
// document that is at fault.
func TestCompileErrors(t *testing.T) {
	files := map[string]string{
		"../up/root.json":      `{"type": "object", "properties": {"a": {"$ref": "sub/child.json"}}}`,
		"../up/sub/child.json": `{"type": "object", "properties": {"b": {"type": 7}}}`,
		"bad.json":             `{"type": "object", "properties": {"a": {"type": 5}}}`,
		"missing.json":         `{"type": "object", "properties": {"a": {"$ref": "../gone.json"}}}`,
	}
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	for file, want := range map[string]string{
		"../up/root.json": `../up/sub/child.json#/properties/b/type: not a valid JSON Schema: value must be one of "array"`,
		"bad.json":        `bad.json#/properties/a/type: not a valid JSON Schema: value must be one of "array"`,
		"missing.json":    `missing.json: file does not exist`,
	} {
		_, err := Compile(read, file)
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "file://") {
			t.Errorf("%s: got %v\nwant an error starting %s", file, err, want)
		}
	}
}
