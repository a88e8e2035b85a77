package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
	"github.com/flightline-dev/flightline/schema"
)

// unionPhrase lists a union's alternatives: "a string, an integer or a
// boolean".
func unionPhrase(t *ir.Type) string {
	var phrases []string
	for _, v := range t.Variants {
		phrases = append(phrases, kindPhrase(v.Value))
	}
	return joinOr(phrases)
}

func (g *generator) unionType(f *jen.File, t *ir.Type) {
	name, kind := t.Name, t.KindType
	doc := typeDoc(t, fmt.Sprintf("%s holds one of %s.", name, unionPhrase(t)))
	doc += "\n\n" + wrap(fmt.Sprintf("Kind says which; the field of that name holds the value. Numbers keep their JSON literal, so that they round-trip exactly: an integer stays an integer (however large), a number with a fraction stays one. The zero %s has no kind and does not encode.", name))
	docComment(f, doc)
	fields := []jen.Code{jen.Id("Kind").Id(kind)}
	for _, v := range t.Variants {
		typ := variantType(v)
		if v.Ptr {
			typ = jen.Op("*").Add(typ)
		}
		fields = append(fields, jen.Id(v.Name).Add(typ))
	}
	f.Type().Id(name).Struct(fields...)
	f.Line()

	docComment(f, fmt.Sprintf("%s says which alternative %s holds.", kind, withArticle(name)))
	f.Type().Id(kind).Uint8()
	f.Line()
	var consts []jen.Code
	var cases []jen.Code
	for i, v := range t.Variants {
		c := jen.Id(v.Const)
		if i == 0 {
			c = c.Id(kind).Op("=").Iota().Op("+").Lit(1)
		}
		consts = append(consts, c)
		name := v.JSONKind
		if v.Ptr {
			name = v.Value.Type.Name
		}
		cases = append(cases, jen.Case(jen.Id(v.Const)).Block(jen.Return(jen.Lit(name))))
	}
	docComment(f, fmt.Sprintf("The kinds of %s.", name))
	f.Const().Defs(consts...)
	f.Line()
	f.Func().Params(jen.Id("k").Id(kind)).Id("String").Params().String().Block(
		jen.Switch(jen.Id("k")).Block(cases...),
		jen.Return(jen.Lit("invalid")),
	)
	f.Line()

	for _, v := range t.Variants {
		var param *jen.Statement
		var value jen.Code
		switch {
		case v.Value.Kind == ir.Float:
			param = jen.Float64()
			value = jen.Qual(jsonPkg, "Number").Call(jen.String().Call(jen.Id("appendPythonFloat").Call(jen.Nil(), jen.Id("v"))))
		case v.Ptr:
			param = goType(v.Value)
			value = jen.Op("&").Id("v")
		default:
			param = goType(v.Value)
			value = jen.Id("v")
		}
		docComment(f, fmt.Sprintf("%s returns %s holding %s.", v.Ctor, withArticle(name), kindPhrase(v.Value)))
		f.Func().Id(v.Ctor).Params(jen.Id("v").Add(param)).Id(name).Block(
			jen.Return(jen.Id(name).Values(jen.Dict{
				jen.Id("Kind"): jen.Id(v.Const),
				jen.Id(v.Name): value,
			})),
		)
		f.Line()
	}
}

func (g *generator) decodeUnion(f *jen.File, t *ir.Type) {
	want := unionPhrase(t)
	variant := func(kind string) *ir.Variant {
		for _, v := range t.Variants {
			if v.JSONKind == kind {
				return v
			}
		}
		return nil
	}
	setKind := func(v *ir.Variant) func(jen.Code) jen.Code {
		return func(val jen.Code) jen.Code {
			if v.Ptr {
				val = jen.Op("&").Add(val)
			}
			return jen.Op("*").Id("x").Op("=").Id(t.Name).Values(jen.Dict{
				jen.Id("Kind"): jen.Id(v.Const),
				jen.Id(v.Name): val,
			})
		}
	}
	var cases []jen.Code
	if v := variant("string"); v != nil {
		cases = append(cases, jen.Case(kindBytes("string")...).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	intV, numV := variant("integer"), variant("number")
	if intV != nil || numV != nil {
		lit := jen.Id("lit")
		body := []jen.Code{jen.List(lit.Clone(), jen.Id("ok")).Op(":=").Id("s").Dot("readNumber").Call()}
		for _, v := range []*ir.Variant{intV, numV} {
			if v != nil && len(v.Value.Checks) > 0 { // the builder allows them on one numeric alternative only
				body = append(body, jen.If(jen.Id("ok")).Block(scalarChecks(v.Value.Checks, jen.Lit(""), lit.Clone())...))
			}
		}
		body = append(body,
			jen.If(jen.Op("!").Id("ok").Op("||").Id("x").Op("==").Nil()).Block(
				// In a validation-only pass an integer-only union still has
				// to check that the number is whole.
				g.validateOnlyNumber(intV, numV, want)...,
			),
		)
		number := func(v *ir.Variant) jen.Code {
			if v.Value.Kind == ir.Int {
				return setKind(v)(jen.Id("intOfLiteral").Call(lit.Clone()))
			}
			return setKind(v)(jen.Qual(jsonPkg, "Number").Call(lit.Clone()))
		}
		switch {
		case intV != nil && numV != nil:
			body = append(body, jen.If(jen.Id("lexicalInteger").Call(lit.Clone())).Block(number(intV)).Else().Block(number(numV)))
		case intV != nil:
			body = append(body, jen.If(jen.Op("!").Id("integral").Call(lit.Clone())).Block(
				jen.Id("s").Dot("violate").Call(jen.Id("KeywordAnyOf"), jen.Lit("got number ").Op("+").String().Call(lit.Clone()).Op("+").Lit(", want "+want)),
				jen.Return(),
			), number(intV))
		default:
			body = append(body, number(numV))
		}
		cases = append(cases, jen.Case(kindBytes("number")...).Block(body...))
	}
	if v := variant("boolean"); v != nil {
		cases = append(cases, jen.Case(kindBytes("boolean")...).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	if v := variant("array"); v != nil {
		cases = append(cases, jen.Case(kindBytes("array")...).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	if len(t.Objects) > 0 {
		cases = append(cases, jen.Case(kindBytes("object")...).Block(g.dispatch(t, setKind)...))
	} else if v := variant("object"); v != nil {
		cases = append(cases, jen.Case(kindBytes("object")...).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	cases = append(cases, jen.Default().Block(
		jen.If(jen.Id("got").Op(":=").Id("s").Dot("kind").Call(), jen.Id("got").Op("!=").Lit("")).Block(
			jen.Id("s").Dot("violate").Call(jen.Id("KeywordAnyOf"), jen.Lit("got ").Op("+").Id("got").Op("+").Lit(", want "+want)),
			jen.Id("s").Dot("skip").Call(),
		),
	))
	f.Func().Params(jen.Id("s").Op("*").Id("scanner")).Id("decode"+t.Name).Params(jen.Id("x").Op("*").Id(t.Name)).Block(
		jen.If(live).Block(jen.Op("*").Id("x").Op("=").Id(t.Name).Values()),
		jen.Switch(jen.Id("s").Dot("peek").Call()).Block(cases...),
	)
	f.Line()
}

// validateOnlyNumber is the end of a union's number case when nothing is
// stored: only an integer-only union has anything left to check.
func (g *generator) validateOnlyNumber(intV, numV *ir.Variant, want string) []jen.Code {
	if intV != nil && numV == nil {
		return []jen.Code{
			jen.If(jen.Id("ok").Op("&&").Op("!").Id("integral").Call(jen.Id("lit"))).Block(
				jen.Id("s").Dot("violate").Call(jen.Id("KeywordAnyOf"), jen.Lit("got number ").Op("+").String().Call(jen.Id("lit")).Op("+").Lit(", want "+want)),
			),
			jen.Return(),
		}
	}
	return []jen.Code{jen.Return()}
}

func (g *generator) encodeUnion(f *jen.File, t *ir.Type) {
	hasInteger := false
	for _, v := range t.Variants {
		hasInteger = hasInteger || v.Value.Kind == ir.Int
	}
	// An integer alternative is an Int, written like any integer.
	var cases []jen.Code
	for _, v := range t.Variants {
		val := jen.Id("x").Dot(v.Name)
		var body []jen.Code
		switch {
		case v.Value.Kind == ir.Float:
			// Beside an integer alternative a whole number must keep its
			// fraction, or it would read back as the integer.
			body = []jen.Code{jen.Id("e").Dot("number").Call(jen.Lit(t.Name), jen.String().Call(val), jen.Lit(hasInteger))}
		case v.Ptr:
			body = []jen.Code{jen.If(val.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("fail").Call(jen.Lit(t.Name), jen.Lit("no "+v.Name+" set"))).
				Else().Block(jen.Id("e").Dot("encode" + v.Value.Type.Name).Call(val.Clone()))}
		default:
			body = g.writeValue(v.Value, val, t.Name, 0)
		}
		cases = append(cases, jen.Case(jen.Id(v.Const)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(jen.Id("e").Dot("fail").Call(jen.Lit(t.Name), jen.Lit("no kind set"))))
	f.Func().Params(jen.Id("e").Op("*").Id("encoder")).Id("encode" + t.Name).Params(jen.Id("x").Op("*").Id(t.Name)).Block(
		jen.Switch(jen.Id("x").Dot("Kind")).Block(cases...),
	)
	f.Line()
}

// dispatch reads an object value of the union t, which has several
// object alternatives: it finds the alternative the object is, by its
// discriminator, the names of its members or a trial of each, and reads
// the object as that one.
func (g *generator) dispatch(t *ir.Type, setKind func(*ir.Variant) func(jen.Code) jen.Code) []jen.Code {
	keyword := "KeywordAnyOf"
	if t.OneOf {
		keyword = "KeywordOneOf"
	}
	var names []string
	for _, v := range t.Objects {
		names = append(names, v.Value.Type.Name)
	}
	none := []jen.Code{
		jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the object fits none of "+joinOr(names))),
		jen.Id("s").Dot("skip").Call(),
	}
	read := func(v *ir.Variant) []jen.Code { return g.readNonNull(v.Value, setKind(v), "", "", 0) }
	keys := func(i int) jen.Code {
		return jen.Id("keysFit").Call(jen.Id("keys"), jen.Op("&").Id(alternativesVar(t)).Index(jen.Lit(i)))
	}
	switch t.Dispatch {
	case schema.DispatchTag:
		var cases []jen.Code
		for _, v := range t.Objects {
			var values []jen.Code
			for _, tag := range v.Tags {
				values = append(values, jen.Lit(tag))
			}
			cases = append(cases, jen.Case(values...).Block(read(v)...))
		}
		cases = append(cases, jen.Default().Block(
			jen.If(jen.Id("found")).Block(
				jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the object fits none of "+joinOr(names)+": its "+t.Tag+" is ").Op("+").Qual("strconv", "Quote").Call(jen.String().Call(jen.Id("tag")))),
			).Else().Block(
				jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the object fits none of "+joinOr(names)+": it has no "+t.Tag+" string")),
			),
			jen.Id("s").Dot("skip").Call(),
		))
		return []jen.Code{
			jen.List(jen.Id("tag"), jen.Id("found")).Op(":=").Id("s").Dot("memberString").Call(jen.Lit(t.Tag)),
			jen.Switch(jen.String().Call(jen.Id("tag"))).Block(cases...),
		}
	case schema.DispatchKeys:
		var cases []jen.Code
		for i, v := range t.Objects {
			cases = append(cases, jen.Case(keys(i)).Block(read(v)...))
		}
		cases = append(cases, jen.Default().Block(none...))
		return []jen.Code{jen.Id("keys").Op(":=").Id("s").Dot("objectKeys").Call(), jen.Switch().Block(cases...)}
	}
	// A trial of each alternative the names of the members allow, the
	// first that fits winning (oneOf: the only one); its choice is kept,
	// so that a union inside is tried once.
	id := jen.Lit(unionID(g.p, t))
	// The trials are the only users of the names, which an earlier
	// trial's choice makes unneeded.
	trials := []jen.Code{jen.Id("keys").Op(":=").Id("s").Dot("objectKeys").Call(), jen.Id("i").Op("=").Lit(-1)}
	for i, v := range t.Objects {
		cond := keys(i)
		if !t.OneOf {
			cond = jen.Id("i").Op("<").Lit(0).Op("&&").Add(cond)
		}
		found := jen.Id("i").Op("=").Lit(i)
		if t.OneOf {
			found = jen.If(jen.Id("i").Op(">=").Lit(0)).Block(jen.Id("i").Op("=").Lit(-2)).Else().If(jen.Id("i").Op("==").Lit(-1)).Block(jen.Id("i").Op("=").Lit(i))
		}
		trials = append(trials, jen.If(cond).Block(
			jen.Id("t").Op(":=").Id("s").Dot("begin").Call(),
			jen.Id("s").Dot("decode"+v.Value.Type.Name).Call(g.decodeArgs(v.Value.Type, jen.Nil(), jen.Nil())...),
			jen.If(jen.Id("s").Dot("fits").Call(jen.Id("t"))).Block(found),
		), jen.If(jen.Id("s").Dot("failed")).Block(jen.Return()))
	}
	trials = append(trials, jen.Id("s").Dot("choose").Call(id, jen.Id("i")))
	var cases []jen.Code
	for i, v := range t.Objects {
		cases = append(cases, jen.Case(jen.Lit(i)).Block(read(v)...))
	}
	if t.OneOf {
		cases = append(cases, jen.Case(jen.Lit(-2)).Block(
			jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the object fits more than one of "+joinOr(names))),
			jen.Id("s").Dot("skip").Call(),
		))
	}
	cases = append(cases, jen.Default().Block(none...))
	return []jen.Code{
		jen.List(jen.Id("i"), jen.Id("ok")).Op(":=").Id("s").Dot("chosen").Call(id),
		jen.If(jen.Op("!").Id("ok")).Block(trials...),
		jen.Switch(jen.Id("i")).Block(cases...),
	}
}

// alternativesVar names the variable that holds what the object
// alternatives of the union t say of the names of an object's members.
func alternativesVar(t *ir.Type) string { return "alternatives" + t.Name }

// unionID numbers the union t among the types of p, for the trials the
// scanner remembers.
func unionID(p *ir.Package, t *ir.Type) int {
	for i, u := range p.Types {
		if u == t {
			return i
		}
	}
	return -1
}

// alternatives writes, for each union with several object alternatives
// told apart by the names of members, what each alternative says of them.
func (g *generator) alternatives(f *jen.File) {
	for _, t := range g.p.Types {
		if t.Kind != ir.Union || len(t.Objects) == 0 || t.Dispatch == schema.DispatchTag {
			continue
		}
		var sets []jen.Code
		for _, v := range t.Objects {
			o := v.Value.Type
			var required, declared []jen.Code
			for _, fl := range o.Fields {
				declared = append(declared, jen.Lit(fl.JSON))
				if fl.Required {
					required = append(required, jen.Lit(fl.JSON))
				}
			}
			sets = append(sets, jen.Values(jen.Dict{
				jen.Id("required"): jen.Index().String().Values(required...),
				jen.Id("declared"): jen.Index().String().Values(declared...),
				jen.Id("closed"):   jen.Lit(o.Extra == nil),
			}))
		}
		f.Var().Id(alternativesVar(t)).Op("=").Index(jen.Lit(len(sets))).Id("keySet").Values(sets...)
		f.Line()
	}
}

// joinOr joins names as "a", "a or b" or "a, b or c".
func joinOr(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
