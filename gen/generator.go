package gen

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/schema"
)

const jsonPkg = "encoding/json"

// A generator writes the code of one package.
type generator struct {
	m *schema.Model
	// documents are the types a Validator checks whole documents of: the
	// roots and the sources of lifts.
	documents []*schema.Type
	// fields are the Go names of object fields (see nameFields).
	fields map[*schema.Field]string
}

func newGenerator(m *schema.Model) *generator {
	g := &generator{m: m}
	g.documents = slices.Clone(m.Roots)
	for _, l := range m.Lifts {
		if !slices.Contains(g.documents, l.From) {
			g.documents = append(g.documents, l.From)
		}
	}
	g.nameFields()
	return g
}

// uses reports whether a type that pred holds for occurs in the model,
// named or not.
func (g *generator) uses(pred func(*schema.Type) bool) bool {
	seen := map[*schema.Type]bool{}
	var walk func(t *schema.Type) bool
	walk = func(t *schema.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		if pred(t) || walk(t.Elem) {
			return true
		}
		for _, v := range t.Variants {
			if walk(v) {
				return true
			}
		}
		for _, f := range t.Fields {
			if walk(f.Type) {
				return true
			}
		}
		return false
	}
	for _, t := range g.m.Types {
		if walk(t) {
			return true
		}
	}
	return false
}

// naturalNil reports kinds whose Go zero value already says "absent".
func naturalNil(t *schema.Type) bool {
	return t.Kind == schema.Array || t.Kind == schema.Map || t.Kind == schema.Any
}

func scalar(t *schema.Type) bool {
	switch t.Kind {
	case schema.String, schema.Integer, schema.Number, schema.Boolean, schema.Enum:
		return true
	}
	return false
}

// defaulted reports a field that is filled with its schema default when
// absent, and so needs no pointer.
func defaulted(f *schema.Field) bool {
	return !f.Required && !f.Nullable && f.Default != "" && scalar(f.Type)
}

// pointer reports a field held through a pointer, nil when null or absent.
func pointer(f *schema.Field) bool {
	if naturalNil(f.Type) {
		return false
	}
	return f.Nullable || !(f.Required || defaulted(f))
}

// omitted reports a field left out of the encoding when nil: optional, not
// nullable and without a default.
func omitted(f *schema.Field) bool {
	return !f.Required && !f.Nullable && !defaulted(f)
}

// goType is the Go type of values of t. A date-time string is a DateTime,
// which keeps its text. An integer is an Int, which holds any integer
// exactly, as JSON Schema's integer is unbounded. (When the schema bounds
// an integer within the int64 range, which it cannot say yet, this is
// where it may become an int64.)
func goType(t *schema.Type) *jen.Statement {
	switch t.Kind {
	case schema.String:
		if t.Timestamp() {
			return jen.Id("DateTime")
		}
		return jen.String()
	case schema.Integer:
		return jen.Id("Int")
	case schema.Number:
		return jen.Float64()
	case schema.Boolean:
		return jen.Bool()
	case schema.Any:
		return jen.Qual(jsonPkg, "RawMessage")
	case schema.Array:
		return jen.Index().Add(elemType(t))
	case schema.Map:
		return jen.Map(jen.String()).Add(elemType(t))
	}
	return jen.Id(t.Name)
}

// elemType is the Go type of an array item or map value.
func elemType(t *schema.Type) *jen.Statement {
	if t.ElemNullable && !naturalNil(t.Elem) {
		return jen.Op("*").Add(goType(t.Elem))
	}
	return goType(t.Elem)
}

// fieldType is the Go type of a struct field.
func fieldType(f *schema.Field) *jen.Statement {
	if pointer(f) {
		return jen.Op("*").Add(goType(f.Type))
	}
	return goType(f.Type)
}

func enumConst(t *schema.Type, value string) string { return t.Name + schema.GoName(value) }

func variantConst(u, v *schema.Type) string { return u.Name + variantName(v) }

// variantName names a union alternative by its JSON kind.
func variantName(v *schema.Type) string {
	switch schema.JSONKind(v) {
	case "string":
		return "String"
	case "integer":
		return "Integer"
	case "number":
		return "Number"
	case "boolean":
		return "Boolean"
	case "array":
		return "Array"
	}
	return "Object"
}

// variantType is the Go type of a union alternative's value: a number
// keeps its literal, so that it round-trips exactly, as an integer does.
func variantType(v *schema.Type) *jen.Statement {
	if v.Kind == schema.Number {
		return jen.Qual(jsonPkg, "Number")
	}
	return goType(v)
}

// listedValues is how many values of an enum a message lists.
const listedValues = 32

// notAValue ends the message for a string that is not a value of the enum
// t: " is not a Phase; want one of created, idle, ...". A long enum has
// its first values listed, and their number said.
func notAValue(t *schema.Type) string {
	if len(t.Values) <= listedValues {
		return " is not " + withArticle(t.Name) + "; want one of " + strings.Join(t.Values, ", ")
	}
	return fmt.Sprintf(" is not %s; want one of its %d values: %s, ...", withArticle(t.Name), len(t.Values), strings.Join(t.Values[:listedValues], ", "))
}

// withArticle puts "a" or "an" before a type name, by its first letter.
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// kindPhrase describes values of t in a message: "a string", "an array of
// strings".
func kindPhrase(t *schema.Type) string {
	switch t.Kind {
	case schema.Array:
		return "an array of " + plural(t.Elem)
	case schema.Map:
		return "an object of " + plural(t.Elem)
	case schema.Object:
		return withArticle(t.Name) + " object"
	case schema.Enum:
		return withArticle(t.Name)
	case schema.Integer:
		return "an integer"
	case schema.Any:
		return "any value"
	}
	return "a " + t.Kind.String()
}

func plural(t *schema.Type) string {
	switch t.Kind {
	case schema.Array, schema.Map, schema.Any:
		return "values"
	case schema.Object, schema.Enum, schema.Union:
		return t.Name + " values"
	}
	return t.Kind.String() + "s"
}

// jsonKey is the JSON text of a property name, with its colon.
func jsonKey(name string) string {
	b, _ := json.Marshal(name)
	return string(b) + ":"
}

// fieldBit is the bit that marks field i as seen in the seen set of its
// object, which is one uint64 or an array of them.
func seenBit(fields, i int) (word *jen.Statement, mask *jen.Statement) {
	if fields <= 64 {
		return jen.Id("seen"), jen.Parens(jen.Lit(1).Op("<<").Lit(i))
	}
	return jen.Id("seen").Index(jen.Lit(i / 64)), jen.Parens(jen.Lit(1).Op("<<").Lit(i % 64))
}
