package schema

import (
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
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, "s.json")
			if err := os.WriteFile(file, []byte(c.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadJSONSchema(nil, file)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v\nwant an error containing %s", err, c.want)
			}
		})
	}
}
