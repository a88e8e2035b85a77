package gen_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/testdata/shared"
)

// hostileSchemas are schemas built to make the generator write code that
// does not compile or vet. Each is refused (want is part of the error), or
// generates a package that go vet passes (want is "").
var hostileSchemas = []struct {
	name, props, extra, want string
}{
	{name: "property named like a method", props: `"marshalJSON": {"type": "string"}, "unmarshalJSON": {"type": "integer"}, "appendJSON": {}, "marshalJSONField": {"type": "boolean"}`},
	{name: "sortKey on the ordered type", props: `"at": {"type": "string", "format": "date-time"}, "sortKey": {"type": "string"}`, extra: `"required": ["at"], "x-flightline-order": ["at"]`},
	{name: "additionalProperties on an open object", props: `"additionalProperties": {"type": "string"}`, extra: `"additionalProperties": true`},
	{name: "names that are not Go", props: `"日本": {"type": "string"}, "über": {"type": "integer"}, "2fa": {}, "-dash": {"type": "string"}, "": {"type": "boolean"}, ` +
		`"a b c": {"type": "number"}, "q\"uote": {"type": "string"}, "back\\slash": {"type": "string"}, "com,ma": {"type": "string"}, "back` + "`" + `tick": {"type": "string"}, "\u00e9t\u00e9": {"type": "string"}`},
	{name: "keys named like Go words", props: `"type": {"type": "string"}, "string": {"type": "integer"}, "func": {"type": "string"}`, extra: `"required": ["type", "string", "func"], "x-flightline-order": ["type", "string", "func"]`},
	{name: "enum values that are not Go", props: `"e": {"title": "E", "enum": ["日本", "", "2x", "a b", "ü"]}`},
	{name: "a long enum", props: `"e": {"title": "Long", "enum": [` + enumValues(40) + `]}`},
	{name: "integers of any size", props: `"a": {"type": "integer", "default": 18446744073709551616}, "b": {"type": "integer", "default": 1.0}, "c": {"type": "integer", "default": -0}, ` +
		`"d": {"anyOf": [{"type": "integer"}, {"type": "string"}], "default": 1e400}, "e": {"type": "array", "items": {"type": "integer"}}`},
	{name: "nested arrays", props: `"m": ` + strings.Repeat(`{"type": "array", "items": `, 12) + `{"anyOf": [{"type": "integer"}, {"type": "null"}]}` + strings.Repeat(`}`, 12)},
	{name: "optional self reference", props: `"self": {"$ref": "#"}, "list": {"type": "array", "items": {"$ref": "#"}}`},
	{name: "recursive union through an array", props: `"u": {"$ref": "#/$defs/U"}`, extra: `"$defs": {"U": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/$defs/U"}}]}}`},
	{name: "date-times everywhere", props: `"a": {"type": "string", "format": "date-time"}, "b": {"type": "array", "items": {"type": "string", "format": "date-time"}}, ` +
		`"c": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]}, "d": {"type": "object", "additionalProperties": {"type": "string", "format": "date-time"}}`},
	{name: "an object without properties", props: `"empty": {"title": "Empty", "type": "object", "properties": {}, "additionalProperties": false}`},
	{name: "a type named like the runtime's helpers", props: `"a": {"title": "TimeKey", "type": "object", "properties": {"x": {}}}, "b": {"title": "Scanner", "type": "object", "properties": {"x": {}}}`},

	{name: "required self reference", props: `"self": {"$ref": "#"}`, extra: `"required": ["self"]`,
		want: `#/properties/self: Root holds itself through property self, each required: no document of Root can end`},
	{name: "required reference cycle", props: `"b": {"$ref": "#/$defs/B"}`, extra: `"required": ["b"], "$defs": {"B": {"type": "object", "properties": {"root": {"$ref": "#"}}, "required": ["root"]}}`,
		want: `Root holds itself through property b, property root, each required`},
	{name: "self by value through a union", props: `"u": {"anyOf": [{"type": "string"}, {"$ref": "#"}]}`, extra: `"required": ["u"]`,
		want: `Root holds itself through property u, alternative Root, which Go cannot hold by value`},
	{name: "a type named Validator", props: `"a": {"title": "Validator", "type": "object", "properties": {"x": {}}}`, want: `#/properties/a: the Validator and object Validator would both be named Validator`},
	{name: "a type named Int", props: `"a": {"title": "Int", "type": "object", "properties": {"x": {"type": "integer"}}}`, want: `#/properties/a: the runtime's Int and object Int would both be named Int`},
	{name: "a type named like a keyword constant", props: `"a": {"title": "KeywordType", "enum": ["x"]}`, want: `the runtime's KeywordType and enum KeywordType would both be named KeywordType`},
	{name: "enum values that clash", props: `"e": {"title": "E", "enum": ["a-b", "a_b"]}`, want: `value "a-b" of E and value "a_b" of E would both be named EAB`},
	{name: "a type named like an enum's list", props: `"e": {"title": "Color", "enum": ["red"]}, "f": {"title": "Colors", "type": "object", "properties": {"x": {}}}`, want: `would both be named Colors`},
	{name: "a type named like a union's kind", props: `"u": {"title": "U", "anyOf": [{"type": "string"}, {"type": "integer"}]}, "k": {"title": "UKind", "enum": ["x"]}`},
	{name: "overlapping object alternatives", props: `"u": {"anyOf": [{"title": "A", "type": "object", "properties": {"x": {}}}, {"title": "B", "type": "object", "properties": {"x": {}, "y": {}}}, {"type": "string"}]}`},
	{name: "tagged object alternatives", props: `"u": {"oneOf": [{"title": "A", "type": "object", "properties": {"k": {"const": "a"}}, "required": ["k"]}, {"title": "B", "type": "object", "properties": {"k": {"const": "b"}, "self": {"$ref": "#"}}, "required": ["k"]}]}`},
	{name: "object alternatives told apart by keys", props: `"u": {"anyOf": [{"title": "A", "type": "object", "properties": {"a": {}}, "required": ["a"], "additionalProperties": false}, {"title": "B", "type": "object", "properties": {"b": {}}, "required": ["b"], "additionalProperties": false}]}`},
	{name: "inline enums of one title", props: `"a": {"title": "A", "type": "object", "properties": {"r": {"title": "R", "enum": ["x"]}}}, "b": {"title": "B", "type": "object", "properties": {"r": {"title": "R", "enum": ["y"]}}}`},
	{name: "every assertion", props: `"n": {"type": "integer", "minimum": 0, "exclusiveMaximum": 10, "multipleOf": 2}, "s": {"type": "string", "pattern": "^a.$", "maxLength": 3}, ` +
		`"l": {"type": "array", "uniqueItems": true, "minItems": 1}, "o": {"type": "object", "maxProperties": 2, "patternProperties": {"^x": {"minimum": 1}}}, "e": {"enum": [1, "a", null]}`},
	{name: "a type named Sort beside an order", props: `"at": {"type": "string"}, "s": {"title": "Sort", "type": "object", "properties": {"x": {}}}`, extra: `"required": ["at"], "x-flightline-order": ["at"]`,
		want: `would both be named Sort`},
	{name: "a type named like a validation function", props: `"v": {"title": "ValidateRoot", "type": "object", "properties": {"x": {}}}`, want: `would both be named ValidateRoot`},
}

func enumValues(n int) string {
	var vs []string
	for i := range n {
		vs = append(vs, fmt.Sprintf(`"v%d"`, i))
	}
	return strings.Join(vs, ", ")
}

// TestHostileSchemas: every schema gen accepts gives a package that go vet
// passes; the others are refused with the place and the reason, on one
// line that does not start with the command's own prefix.
func TestHostileSchemas(t *testing.T) {
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/hostile\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var pkgs []string
	for i, c := range hostileSchemas {
		doc := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Root", "type": "object", "properties": {` + c.props + `}`
		if c.extra != "" {
			doc += ", " + c.extra
		}
		doc += "}"
		file := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := schema.LoadJSONSchema(nil, file)
		var files []gen.File
		if err == nil {
			files, err = gen.Generate(m, gen.Config{Package: fmt.Sprintf("p%d", i)})
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v\nwant an error containing %s", c.name, err, c.want)
		case err != nil && (strings.Contains(err.Error(), "\n") || strings.HasPrefix(err.Error(), "gen:")):
			t.Errorf("%s: error %q is not one line of its own", c.name, err)
		case err == nil:
			pkg := filepath.Join(mod, fmt.Sprintf("p%d", i))
			if err := gen.WriteDir(pkg, files, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			pkgs = append(pkgs, fmt.Sprintf("p%d: %s", i, c.name))
		}
	}
	if testing.Short() {
		t.Skip("skipping go vet of the generated packages in short mode")
	}
	vet(t, mod, "packages:\n"+strings.Join(pkgs, "\n"))
}

// vet runs go vet on the module in dir; about says what its packages are.
func vet(t *testing.T, dir, about string) {
	t.Helper()
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet of the generated packages: %v\n%s\n%s", err, out, about)
	}
}

// TestSkulkModels: each of Skulk's 169 models generates a package that go
// vet passes, from its JSON Schema and from its component of the OpenAPI
// document that holds them all.
func TestSkulkModels(t *testing.T) {
	dir := filepath.Join(shared.Dir(t), "skulk", "models")
	models, _ := filepath.Glob(filepath.Join(dir, "*.schema.json"))
	if len(models) != 169 {
		t.Fatalf("%d models, want Skulk's 169", len(models))
	}
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/models\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	openapi, err := schema.ReadOpenAPI(filepath.Join(dir, "all-models.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, file := range models {
		for _, front := range []string{"schema", "openapi"} {
			var m *schema.Model
			var err error
			if front == "schema" {
				m, err = schema.LoadJSONSchema(nil, file)
			} else {
				m, err = openapi.Load(componentOf(file))
			}
			var files []gen.File
			if err == nil {
				files, err = gen.Generate(m, gen.Config{Package: fmt.Sprintf("m%d", i)})
			}
			if err != nil {
				t.Errorf("%s (%s): %v", file, front, err)
				continue
			}
			if err := gen.WriteDir(filepath.Join(mod, front, fmt.Sprintf("m%d", i)), files, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if testing.Short() {
		t.Skip("skipping go vet of the generated packages in short mode")
	}
	vet(t, mod, fmt.Sprintf("%d packages of Skulk's models, twice", len(models)))
}

// componentOf names the component of all-models.openapi.json that holds
// the model of file (Model__module.schema.json): the model's name, or, for
// a name that two modules use, the module's path and the name.
func componentOf(file string) string {
	name, module, _ := strings.Cut(strings.TrimSuffix(filepath.Base(file), ".schema.json"), "__")
	switch name {
	case "TextGeneration", "ImageEdits", "TextEmbedding", "ImageGeneration":
		return "skulk__shared__types__" + module + "__" + name
	}
	return name
}
