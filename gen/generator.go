package gen

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

const jsonPkg = "encoding/json"

// A generator writes the code of one package from its Go form.
type generator struct {
	p *ir.Package
}

// goType is the Go type of values v holds. A date-time string is a
// DateTime, which keeps its text; an integer is an Int, which holds any
// integer exactly, as JSON Schema's integer is unbounded.
func goType(v *ir.Value) *jen.Statement {
	switch v.Kind {
	case ir.String:
		return jen.String()
	case ir.DateTime:
		return jen.Id("DateTime")
	case ir.Int:
		return jen.Id("Int")
	case ir.Float:
		return jen.Float64()
	case ir.Bool:
		return jen.Bool()
	case ir.Raw:
		return jen.Qual(jsonPkg, "RawMessage")
	case ir.Slice:
		return jen.Index().Add(elemType(v))
	case ir.Map:
		return jen.Id("Members").Types(elemType(v))
	}
	return jen.Id(v.Type.Name)
}

// elemType is the Go type of an array item or map value.
func elemType(v *ir.Value) *jen.Statement {
	if v.ElemPtr {
		return jen.Op("*").Add(goType(v.Elem))
	}
	return goType(v.Elem)
}

// fieldType is the Go type of a struct field.
func fieldType(f *ir.Field) *jen.Statement {
	if f.Storage == ir.Pointer {
		return jen.Op("*").Add(goType(f.Value))
	}
	return goType(f.Value)
}

// variantType is the Go type of a union alternative's value: a number
// keeps its literal, so that it round-trips exactly, as an integer does.
func variantType(v *ir.Variant) *jen.Statement {
	if v.Value.Kind == ir.Float {
		return jen.Qual(jsonPkg, "Number")
	}
	return goType(v.Value)
}

// listedValues is how many values of an enum a message lists.
const listedValues = 32

// notAValue ends the message for a string that is not a value of the enum
// t: " is not a Phase; want one of created, idle, ...". A long enum has
// its first values listed, and their number said.
func notAValue(t *ir.Type) string {
	var values []string
	for _, v := range t.Values {
		values = append(values, v.JSON)
	}
	if len(values) <= listedValues {
		return " is not " + withArticle(t.Name) + "; want one of " + strings.Join(values, ", ")
	}
	return fmt.Sprintf(" is not %s; want one of its %d values: %s, ...", withArticle(t.Name), len(values), strings.Join(values[:listedValues], ", "))
}

// withArticle puts "a" or "an" before a type name, by its first letter.
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// kindPhrase describes values of v in a message: "a string", "an array of
// strings".
func kindPhrase(v *ir.Value) string {
	switch v.Kind {
	case ir.Slice:
		return "an array of " + plural(v.Elem)
	case ir.Map:
		return "an object of " + plural(v.Elem)
	case ir.Int:
		return "an integer"
	case ir.Raw:
		return "any value"
	case ir.Named:
		switch v.Type.Kind {
		case ir.Struct:
			return withArticle(v.Type.Name) + " object"
		case ir.Enum:
			return withArticle(v.Type.Name)
		}
		return "a union"
	}
	return "a " + v.Schema.Kind.String()
}

func plural(v *ir.Value) string {
	switch v.Kind {
	case ir.Slice, ir.Map, ir.Raw:
		return "values"
	case ir.Named:
		return v.Type.Name + " values"
	}
	return v.Schema.Kind.String() + "s"
}

// jsonKey is the JSON text of a property name, with its colon.
func jsonKey(name string) string {
	b, _ := json.Marshal(name)
	return string(b) + ":"
}

// seenBit is the bit that marks field i as seen in the seen set of its
// object, which is one uint64 or an array of them.
func seenBit(fields, i int) (word *jen.Statement, mask *jen.Statement) {
	if fields <= 64 {
		return jen.Id("seen"), jen.Parens(jen.Lit(1).Op("<<").Lit(i))
	}
	return jen.Id("seen").Index(jen.Lit(i / 64)), jen.Parens(jen.Lit(1).Op("<<").Lit(i % 64))
}
