package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// types writes the Go types: structs, enums and unions.
func (g *generator) types(f *jen.File) {
	for _, t := range g.p.Types {
		switch t.Kind {
		case ir.Struct:
			g.structType(f, t)
		case ir.Enum:
			g.enumType(f, t)
		case ir.Union:
			g.unionType(f, t)
		}
	}
	if g.p.Order != nil {
		g.viewType(f, g.p.Order)
	}
}

// typeDoc is the doc comment of a named type: its description, led by
// the type's name as Go doc comments are.
func typeDoc(t *ir.Type, fallback string) string {
	switch {
	case t.Doc == "":
		return wrap(fallback)
	case strings.HasPrefix(t.Doc, t.Name+" "):
		return wrap(t.Doc)
	}
	return wrap(t.Name + ": " + t.Doc)
}

func (g *generator) structType(f *jen.File, t *ir.Type) {
	var fields []jen.Code
	for _, fl := range t.Fields {
		tag := fl.JSON
		if fl.Omit {
			tag += ",omitempty"
		}
		if doc := fieldDoc(fl); doc != "" {
			fields = append(fields, comments(doc)...)
		}
		fields = append(fields, jen.Id(fl.GoName).Add(fieldType(fl)).Tag(map[string]string{"json": tag}))
	}
	if x := t.Extra; x != nil {
		elem := goType(x.Elem)
		if x.Ptr {
			elem = jen.Op("*").Add(elem)
		}
		doc := "AdditionalProperties holds the properties the schema does not declare,\nin the order they were written."
		if x.Elem.Kind == ir.Raw {
			doc = "AdditionalProperties holds the properties the schema does not declare,\nas written, in the order they were written."
		}
		fields = append(fields, comments(doc)...)
		fields = append(fields, jen.Id(x.GoName).Id("Members").Types(elem).Tag(map[string]string{"json": "-"}))
	}
	docComment(f, typeDoc(t, t.Name+" is a JSON object of the schema."))
	f.Type().Id(t.Name).Struct(fields...)
	f.Line()

	var names []jen.Code
	for _, fl := range t.Fields {
		names = append(names, jen.Lit(fl.JSON))
	}
	docComment(f, wrap(fmt.Sprintf("%sProperties returns the JSON names of the properties of %s, in schema order.", t.Name, withArticle(t.Name))))
	f.Func().Id(t.Name + "Properties").Params().Index().String().Block(jen.Return(jen.Index().String().Values(names...)))
	f.Line()
}

// fieldDoc is a field's description and how the field holds absence.
func fieldDoc(fl *ir.Field) string {
	var notes []string
	if fl.Doc != "" {
		notes = append(notes, strings.TrimSpace(fl.Doc))
	}
	nilable := fl.Storage == ir.Pointer || fl.Storage == ir.Nilable
	switch {
	case fl.Defaulted():
		notes = append(notes, fmt.Sprintf("Absent means %s.", fl.Default))
	case nilable && fl.Nullable && !fl.Required:
		notes = append(notes, "Nil when absent or null.")
	case nilable && fl.Nullable:
		notes = append(notes, "Nil when null.")
	case fl.Storage == ir.Pointer || (fl.Storage == ir.Nilable && !fl.Required):
		notes = append(notes, "Nil when absent.")
	}
	switch {
	case fl.ReadOnly:
		notes = append(notes, "Read-only: its producer sets it.")
	case fl.WriteOnly:
		notes = append(notes, "Write-only: its producer does not send it back.")
	}
	if len(notes) == 0 {
		return ""
	}
	text := strings.Join(notes, " ")
	if !strings.HasSuffix(notes[0], ".") && len(notes) > 1 {
		text = notes[0] + ". " + strings.Join(notes[1:], " ")
	}
	return wrap(text)
}

func (g *generator) enumType(f *jen.File, t *ir.Type) {
	name := t.Name
	docComment(f, typeDoc(t, fmt.Sprintf("%s is a string with one of the %d values the schema allows.", name, len(t.Values))))
	f.Type().Id(name).String()
	f.Line()

	consts := make([]jen.Code, 0, len(t.Values))
	list := make([]jen.Code, 0, len(t.Values))
	for _, v := range t.Values {
		consts = append(consts, jen.Id(v.Const).Id(name).Op("=").Lit(v.JSON))
		list = append(list, jen.Id(v.Const))
	}
	docComment(f, fmt.Sprintf("The values of %s, in schema order.", name))
	f.Const().Defs(consts...)
	f.Line()

	docComment(f, fmt.Sprintf("%ss returns every %s, in schema order.", name, name))
	f.Func().Id(name + "s").Params().Index().Id(name).Block(
		jen.Return(jen.Index().Id(name).Values(list...)),
	)
	f.Line()

	docComment(f, fmt.Sprintf("Valid reports whether v is one of the values of %s.", name))
	f.Func().Params(jen.Id("v").Id(name)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(
			jen.Case(list...).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
	f.Line()

	f.Func().Params(jen.Id("v").Id(name)).Id("String").Params().String().Block(
		jen.Return(jen.String().Call(jen.Id("v"))),
	)
	f.Line()

	docComment(f, fmt.Sprintf("Parse%s returns the %s named s. The error lists the values\nthat are allowed.", name, name))
	f.Func().Id("Parse"+name).Params(jen.Id("s").String()).Params(jen.Id(name), jen.Error()).Block(
		jen.If(jen.Id("v").Op(":=").Id(name).Call(jen.Id("s")), jen.Id("v").Dot("Valid").Call()).Block(
			jen.Return(jen.Id("v"), jen.Nil()),
		),
		jen.Return(jen.Lit(""), jen.Qual("errors", "New").Call(
			jen.Qual("strconv", "Quote").Call(jen.Id("s")).Op("+").Lit(notAValue(t)))),
	)
	f.Line()

	docComment(f, "MarshalText encodes v, which must be valid.")
	f.Func().Params(jen.Id("v").Id(name)).Id("MarshalText").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.If(jen.Op("!").Id("v").Dot("Valid").Call()).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(
				jen.Lit("invalid "+name+" ").Op("+").Qual("strconv", "Quote").Call(jen.String().Call(jen.Id("v"))))),
		),
		jen.Return(jen.Index().Byte().Call(jen.Id("v")), jen.Nil()),
	)
	f.Line()

	docComment(f, "UnmarshalText decodes a value, rejecting any the schema does not allow.")
	f.Func().Params(jen.Id("v").Op("*").Id(name)).Id("UnmarshalText").Params(jen.Id("text").Index().Byte()).Error().Block(
		jen.List(jen.Id("p"), jen.Err()).Op(":=").Id("Parse"+name).Call(jen.String().Call(jen.Id("text"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Op("*").Id("v").Op("=").Id("p"),
		jen.Return(jen.Nil()),
	)
	f.Line()
}

func viewName(t *ir.Type) string { return t.Name + "View" }

func (g *generator) viewType(f *jen.File, o *ir.Order) {
	t := o.Type
	var fields []jen.Code
	for _, fl := range o.ViewFields() {
		typ := jen.Index().Byte()
		switch {
		case fl.Value.Is(ir.Enum):
			typ = jen.Id(fl.Value.Type.Name)
		case fl.Value.Kind == ir.Int:
			fields = append(fields, jen.Comment(fl.GoName+" is the integer as written; ParseInt reads it."))
		case fl.Value.Kind == ir.Float:
			fields = append(fields, jen.Comment(fl.GoName+" is the number as written; strconv.ParseFloat reads it."))
		}
		fields = append(fields, jen.Id(fl.GoName).Add(typ))
	}
	docComment(f, wrap(fmt.Sprintf("A %s is the top-level strings, enums and numbers of one %s document, read by Validator.%s without copying. Strings and number literals alias the document, or the Validator's memory for strings with escapes, and stay valid until the Validator's next call; an absent or null value is nil (an enum's is empty).",
		viewName(t), t.Name, t.Name)))
	f.Type().Id(viewName(t)).Struct(fields...)
	f.Line()
}
