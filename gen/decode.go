package gen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// decoders writes the Validator, UnmarshalJSON methods and the decode
// functions. One function per type both validates and decodes: called
// with a nil destination it only reports violations and allocates nothing.
func (g *generator) decoders(f *jen.File) {
	g.validator(f)
	for _, t := range g.p.Types {
		switch t.Kind {
		case ir.Struct, ir.Union:
			g.unmarshal(f, t)
		}
	}
	for _, t := range g.p.Types {
		switch t.Kind {
		case ir.Struct:
			g.decodeObject(f, t)
		case ir.Enum:
			g.decodeEnum(f, t)
		case ir.Union:
			g.decodeUnion(f, t)
		}
	}
}

// decodeArgs are the arguments a decode function of t is called with.
func (g *generator) decodeArgs(t *ir.Type, x, view jen.Code) []jen.Code {
	if t.View {
		return []jen.Code{x, view}
	}
	return []jen.Code{x}
}

func (g *generator) validator(f *jen.File) {
	docComment(f, wrap("A Validator checks JSON documents against the schema without building Go values, and reports every violation with the JSON pointer of the value at fault. It reuses its memory from one document to the next: the zero value is ready to use, and a Validator must not be used by several goroutines at once."))
	f.Type().Id("Validator").Struct(jen.Id("s").Id("scanner"))
	f.Line()
	if g.p.Uses(ir.IsKind(ir.DateTime)) {
		docComment(f, wrap("DateTimes yields the index and the value of each date-time string in the document last checked, in document order, so that timestamps can be checked without reading the document again. A value is unescaped, and valid until the Validator's next call; DateTimeAt says where it is."))
		f.Func().Params(jen.Id("v").Op("*").Id("Validator")).Id("DateTimes").Params(
			jen.Id("yield").Func().Params(jen.Id("i").Int(), jen.Id("value").Index().Byte()).Bool(),
		).Block(
			jen.For(jen.List(jen.Id("i"), jen.Id("d")).Op(":=").Range().Id("v").Dot("s").Dot("dates")).Block(
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("i"), jen.Id("d").Dot("Value"))).Block(jen.Return()),
			),
		)
		f.Line()
		docComment(f, wrap("DateTimeAt returns the JSON pointer and the byte offset in the document of the i-th value DateTimes yields."))
		f.Func().Params(jen.Id("v").Op("*").Id("Validator")).Id("DateTimeAt").Params(jen.Id("i").Int()).Params(jen.Id("pointer").String(), jen.Id("offset").Int()).Block(
			jen.Id("d").Op(":=").Op("&").Id("v").Dot("s").Dot("dates").Index(jen.Id("i")),
			jen.Return(jen.Id("d").Dot("Pointer").Call(), jen.Id("d").Dot("Offset")),
		)
		f.Line()
	}
	for _, t := range g.p.Documents {
		params := []jen.Code{jen.Id("data").Index().Byte()}
		doc := fmt.Sprintf("%s reports how data breaks the %s schema, or nil when it does not. The violations stay valid until the next call.", t.Name, t.Name)
		if t.View {
			params = append(params, jen.Id("view").Op("*").Id(viewName(t)))
			doc += " When view is not nil it is filled with the document's top-level values."
		}
		docComment(f, wrap(doc))
		f.Func().Params(jen.Id("v").Op("*").Id("Validator")).Id(t.Name).Params(params...).Index().Id("Violation").Block(
			jen.Id("v").Dot("s").Dot("reset").Call(jen.Id("data")),
			jen.Id("v").Dot("s").Dot("decode"+t.Name).Call(g.decodeArgs(t, jen.Nil(), jen.Id("view"))...),
			jen.Id("v").Dot("s").Dot("end").Call(),
			jen.Return(jen.Id("v").Dot("s").Dot("violations").Call()),
		)
		f.Line()
		docComment(f, wrap(fmt.Sprintf("Validate%s reports how data, one JSON document, breaks the %s schema, or nil when it does not.", t.Name, t.Name)))
		f.Func().Id("Validate"+t.Name).Params(jen.Id("data").Index().Byte()).Index().Id("Violation").Block(
			jen.Var().Id("v").Id("Validator"),
			jen.Return(jen.Qual("slices", "Clone").Call(jen.Id("v").Dot(t.Name).Call(g.documentArgs(t)...))),
		)
		f.Line()
	}
}

func (g *generator) documentArgs(t *ir.Type) []jen.Code {
	if t.View {
		return []jen.Code{jen.Id("data"), jen.Nil()}
	}
	return []jen.Code{jen.Id("data")}
}

func (g *generator) unmarshal(f *jen.File, t *ir.Type) {
	docComment(f, wrap(fmt.Sprintf("UnmarshalJSON decodes one JSON document into x as strictly as the schema reads: a missing required property, an unknown property, a null where none is allowed, a value of the wrong type or an enum value the schema does not list is an error. The error is a *ValidationError that names each offending value by its JSON pointer.")))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Var().Id("s").Id("scanner"),
		jen.Id("s").Dot("reset").Call(jen.Id("data")),
		jen.Id("s").Dot("decode"+t.Name).Call(g.decodeArgs(t, jen.Id("x"), jen.Nil())...),
		jen.Id("s").Dot("end").Call(),
		jen.Return(jen.Id("s").Dot("result").Call(jen.Lit(t.Name))),
	)
	f.Line()
}

// live is the condition under which a decode function stores values.
var live = jen.Id("x").Op("!=").Nil()

func (g *generator) decodeObject(f *jen.File, t *ir.Type) {
	params := []jen.Code{jen.Id("x").Op("*").Id(t.Name)}
	view := t.View
	if view {
		params = append(params, jen.Id("view").Op("*").Id(viewName(t)))
	}
	body := []jen.Code{
		jen.If(live).Block(jen.Op("*").Id("x").Op("=").Id(t.Name).Values()),
	}
	if view {
		body = append(body, jen.If(jen.Id("view").Op("!=").Nil()).Block(jen.Op("*").Id("view").Op("=").Id(viewName(t)).Values()))
	}
	body = append(body, jen.If(jen.Op("!").Id("s").Dot("object").Call()).Block(jen.Return()))
	n := len(t.Fields)
	switch {
	case n == 0: // an object without properties has nothing to mark
	case n <= 64:
		body = append(body, jen.Var().Id("seen").Uint64())
	default:
		body = append(body, jen.Var().Id("seen").Index(jen.Lit((n+63)/64)).Uint64())
	}

	// The member names, as JSON text with the colon, to recognise members
	// that come in schema order without reading their names.
	keys := "keys" + t.Name
	var keyTexts []jen.Code
	var lookup []jen.Code
	for i, fl := range t.Fields {
		keyTexts = append(keyTexts, jen.Id("makeKeyText").Call(jen.Lit(quoteKey(fl.JSON)+":")))
		lookup = append(lookup, jen.Case(jen.Lit(fl.JSON)).Block(jen.Id("field").Op("=").Lit(i)))
	}
	f.Var().Id(keys).Op("=").Index(jen.Lit(n)).Id("keyText").Values(keyTexts...)
	f.Line()

	var unknown jen.Code
	if t.Extra != nil {
		unknown = jen.Block(
			jen.Id("k").Op("=").Id("s").Dot("pushKey").Call(jen.Id("k")),
			jen.If(jen.Id("s").Dot("repeatedKey").Call(jen.Id("mark"), jen.Id("k"))).Block(jen.Id("s").Dot("duplicate").Call()),
			jen.Id("start").Op(":=").Id("s").Dot("valueStart").Call(),
			jen.Id("s").Dot("skip").Call(),
			jen.If(live.Clone().Op("&&").Op("!").Id("s").Dot("failed")).Block(
				jen.If(jen.Id("x").Dot(t.Extra.GoName).Op("==").Nil()).Block(
					jen.Id("x").Dot(t.Extra.GoName).Op("=").Map(jen.String()).Qual(jsonPkg, "RawMessage").Values(),
				),
				jen.Id("x").Dot(t.Extra.GoName).Index(jen.String().Call(jen.Id("k"))).Op("=").Qual("bytes", "Clone").Call(jen.Id("s").Dot("data").Index(jen.Id("start").Op(":").Id("s").Dot("pos"))),
			),
			jen.Id("s").Dot("pop").Call(),
			jen.Continue(),
		)
	} else {
		unknown = jen.Block(jen.Id("s").Dot("unknown").Call(jen.Id("mark"), jen.Id("k")), jen.Continue())
	}

	var cases []jen.Code
	for i, fl := range t.Fields {
		word, mask := seenBit(n, i)
		viewField := ""
		if view {
			for _, vf := range g.p.Order.ViewFields() {
				if vf == fl {
					viewField = fl.GoName
				}
			}
		}
		stmts := []jen.Code{
			jen.If(word.Clone().Op("&").Add(mask).Op("!=").Lit(0)).Block(jen.Id("s").Dot("duplicateAt").Call(jen.Lit(fl.JSON))),
			word.Clone().Op("|=").Add(mask),
		}
		stmts = append(stmts, g.readField(fl, viewField)...)
		cases = append(cases, jen.Case(jen.Lit(i)).Block(stmts...))
	}
	body = append(body,
		jen.Id("mark").Op(":=").Id("s").Dot("beginKeys").Call(),
		jen.Id("next").Op(":=").Lit(0),
		jen.For(
			jen.Id("more").Op(":=").Id("s").Dot("firstMember").Call(),
			jen.Id("more"),
			jen.Id("more").Op("=").Id("s").Dot("nextMember").Call(),
		).Block(
			jen.Id("field").Op(":=").Lit(-1),
			jen.If(jen.Id("next").Op("<").Lit(n).Op("&&").Id("s").Dot("matchKey").Call(jen.Op("&").Id(keys).Index(jen.Id("next")))).Block(
				jen.Id("field").Op("=").Id("next"),
			).Else().Block(
				jen.List(jen.Id("k"), jen.Id("ok")).Op(":=").Id("s").Dot("key").Call(),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
				jen.Switch(jen.String().Call(jen.Id("k"))).Block(append(lookup, jen.Default().Add(unknown))...),
			),
			jen.Id("next").Op("=").Id("field").Op("+").Lit(1),
			jen.Switch(jen.Id("field")).Block(cases...),
		),
		jen.Id("s").Dot("endKeys").Call(jen.Id("mark")),
		jen.If(jen.Id("s").Dot("failed")).Block(jen.Return()),
	)
	for i, fl := range t.Fields {
		word, mask := seenBit(n, i)
		absent := word.Clone().Op("&").Add(mask).Op("==").Lit(0)
		if fl.Required {
			body = append(body, jen.If(absent).Block(jen.Id("s").Dot("missing").Call(jen.Lit(fl.JSON))))
		} else if fl.Defaulted() && !zeroDefault(fl) {
			body = append(body, jen.If(live.Clone().Op("&&").Add(absent)).Block(
				jen.Id("x").Dot(fl.GoName).Op("=").Add(defaultValue(fl)),
			))
		}
	}
	f.Func().Params(jen.Id("s").Op("*").Id("scanner")).Id("decode" + t.Name).Params(params...).Block(body...)
	f.Line()
}

// quoteKey is the JSON text of a member name, with only what JSON
// requires escaped.
func quoteKey(name string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range name {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// readField reads the value of one property into x.
func (g *generator) readField(fl *ir.Field, viewField string) []jen.Code {
	set := func(v jen.Code) jen.Code { return jen.Id("x").Dot(fl.GoName).Op("=").Add(v) }
	return g.readValue(fl.Value, fl.Nullable, fl.Storage == ir.Pointer, set, viewField, fl.JSON, 0)
}

// readValue reads one value of t, or null when nullable, and when the
// decode is live stores it with set. ptr says set takes a pointer. leaf
// is the name of the member the value belongs to, or "" for an array item
// or a map value, whose place is on the path already.
func (g *generator) readValue(t *ir.Value, nullable, ptr bool, set func(jen.Code) jen.Code, viewField, leaf string, depth int) []jen.Code {
	store := set
	if ptr {
		store = func(v jen.Code) jen.Code { return set(jen.Id("ptrTo").Call(v)) }
	}
	read := g.readNonNull(t, store, viewField, leaf, depth)
	if !nullable || t.Kind == ir.Raw {
		return read
	}
	var onNull []jen.Code
	if ptr || t.NaturalNil() {
		onNull = append(onNull, jen.If(live).Block(set(jen.Nil())))
	}
	return []jen.Code{jen.If(jen.Op("!").Id("s").Dot("null").Call(jen.Lit(leaf))).Block(read...).Else().Block(onNull...)}
}

// readNonNull reads one value of t and stores it with store, which takes
// a value of t's Go type. A container value is read with its member name
// pushed on the path; a scalar one names it to the reader.
func (g *generator) readNonNull(t *ir.Value, store func(jen.Code) jen.Code, viewField, leaf string, depth int) []jen.Code {
	if t.Scalar() {
		return g.readScalar(t, store, viewField, leaf, depth)
	}
	read := g.readContainer(t, store, depth)
	if leaf == "" {
		return read
	}
	return append(append([]jen.Code{jen.Id("s").Dot("push").Call(jen.Lit(leaf))}, read...), jen.Id("s").Dot("pop").Call())
}

func (g *generator) readScalar(t *ir.Value, store func(jen.Code) jen.Code, viewField, leaf string, depth int) []jen.Code {
	v := jen.Id(fmt.Sprintf("v%d", depth))
	ok := jen.Id("ok")
	name := jen.Lit(leaf)
	toView := func(raw jen.Code) []jen.Code {
		if viewField == "" {
			return nil
		}
		return []jen.Code{jen.If(jen.Id("view").Op("!=").Nil()).Block(jen.Id("view").Dot(viewField).Op("=").Add(raw))}
	}
	switch t.Kind {
	case ir.String, ir.DateTime:
		body := append([]jen.Code{jen.If(live).Block(store(goType(t).Call(v.Clone())))}, toView(jen.Id("s").Dot("stable").Call(v.Clone()))...)
		if t.Kind == ir.DateTime {
			body = append(body, jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Id("s").Dot("dateTime").Call(name, v.Clone())))
		}
		return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("str").Call(name), ok).Block(body...)}
	case ir.Named: // an enum
		body := append([]jen.Code{jen.If(live).Block(store(v.Clone()))}, toView(v.Clone())...)
		return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("decode"+t.Type.Name).Call(name), ok).Block(body...)}
	case ir.Int:
		body := append([]jen.Code{jen.If(live).Block(store(jen.Id("intOfLiteral").Call(v.Clone())))}, toView(v.Clone())...)
		return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("integer").Call(name), ok).Block(body...)}
	case ir.Float:
		body := append([]jen.Code{jen.If(live).Block(
			jen.If(jen.List(jen.Id("n"), jen.Err()).Op(":=").Qual("strconv", "ParseFloat").Call(jen.String().Call(v.Clone()), jen.Lit(64)), jen.Err().Op("!=").Nil()).Block(
				jen.Id("s").Dot("violateAt").Call(name, jen.Id("KeywordRange"), jen.Lit("number ").Op("+").String().Call(v.Clone()).Op("+").Lit(" is out of the float64 range")),
			).Else().Block(store(jen.Id("n"))),
		)}, toView(v.Clone())...)
		return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("number").Call(name), ok).Block(body...)}
	}
	// Boolean.
	return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("boolean").Call(name), ok.Clone().Op("&&").Add(live)).Block(store(v.Clone()))}
}

// readContainer reads an object, union, array, map or any value.
func (g *generator) readContainer(t *ir.Value, store func(jen.Code) jen.Code, depth int) []jen.Code {
	v := jen.Id(fmt.Sprintf("v%d", depth))
	switch t.Kind {
	case ir.Raw:
		start := jen.Id(fmt.Sprintf("start%d", depth))
		return []jen.Code{jen.Block(
			start.Clone().Op(":=").Id("s").Dot("valueStart").Call(),
			jen.Id("s").Dot("skip").Call(),
			jen.If(live.Clone().Op("&&").Op("!").Id("s").Dot("failed")).Block(
				store(jen.Qual(jsonPkg, "RawMessage").Call(jen.Qual("bytes", "Clone").Call(jen.Id("s").Dot("data").Index(start.Clone().Op(":").Id("s").Dot("pos"))))),
			),
		)}
	case ir.Named: // a struct or a union
		args := g.decodeArgs(t.Type, jen.Op("&").Add(v.Clone()), jen.Nil())
		nilArgs := g.decodeArgs(t.Type, jen.Nil(), jen.Nil())
		return []jen.Code{jen.If(live).Block(
			jen.Var().Add(v.Clone()).Id(t.Type.Name),
			jen.Id("s").Dot("decode"+t.Type.Name).Call(args...),
			store(v.Clone()),
		).Else().Block(jen.Id("s").Dot("decode" + t.Type.Name).Call(nilArgs...))}
	case ir.Slice:
		list, i, more := jen.Id(fmt.Sprintf("list%d", depth)), jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("more%d", depth))
		appendItem := func(item jen.Code) jen.Code {
			return list.Clone().Op("=").Append(list.Clone(), item)
		}
		elemPtr := t.ElemPtr
		return []jen.Code{jen.If(jen.Id("s").Dot("array").Call()).Block(
			jen.Var().Add(list.Clone()).Add(goType(t)),
			jen.If(live).Block(list.Clone().Op("=").Add(goType(t)).Values()),
			jen.For(
				jen.List(i.Clone(), more.Clone()).Op(":=").List(jen.Lit(0), jen.Id("s").Dot("firstItem").Call()),
				more.Clone(),
				jen.List(i.Clone(), more.Clone()).Op("=").List(i.Clone().Op("+").Lit(1), jen.Id("s").Dot("nextItem").Call()),
			).Block(append(append(
				[]jen.Code{jen.Id("s").Dot("pushIndex").Call(i.Clone())},
				g.readValue(t.Elem, t.ElemNullable, elemPtr, appendItem, "", "", depth+1)...),
				jen.Id("s").Dot("pop").Call())...),
			jen.If(live).Block(store(list.Clone())),
		)}
	case ir.Map:
		m, more, k, mark := jen.Id(fmt.Sprintf("m%d", depth)), jen.Id(fmt.Sprintf("more%d", depth)), jen.Id(fmt.Sprintf("k%d", depth)), jen.Id(fmt.Sprintf("mark%d", depth))
		put := func(item jen.Code) jen.Code {
			return m.Clone().Index(jen.String().Call(k.Clone())).Op("=").Add(item)
		}
		elemPtr := t.ElemPtr
		loop := []jen.Code{
			jen.List(k.Clone(), jen.Id("ok")).Op(":=").Id("s").Dot("key").Call(),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
			k.Clone().Op("=").Id("s").Dot("pushKey").Call(k.Clone()),
			jen.If(jen.Id("s").Dot("repeatedKey").Call(mark.Clone(), k.Clone())).Block(jen.Id("s").Dot("duplicate").Call()),
		}
		loop = append(loop, g.readValue(t.Elem, t.ElemNullable, elemPtr, put, "", "", depth+1)...)
		loop = append(loop, jen.Id("s").Dot("pop").Call())
		return []jen.Code{jen.If(jen.Id("s").Dot("object").Call()).Block(
			jen.Var().Add(m.Clone()).Add(goType(t)),
			jen.If(live).Block(m.Clone().Op("=").Add(goType(t)).Values()),
			mark.Clone().Op(":=").Id("s").Dot("beginKeys").Call(),
			jen.For(
				more.Clone().Op(":=").Id("s").Dot("firstMember").Call(),
				more.Clone(),
				more.Clone().Op("=").Id("s").Dot("nextMember").Call(),
			).Block(loop...),
			jen.Id("s").Dot("endKeys").Call(mark.Clone()),
			jen.If(live).Block(store(m.Clone())),
		)}
	}
	panic(fmt.Sprintf("gen: readContainer: unexpected kind %d", t.Kind))
}

func (g *generator) decodeEnum(f *jen.File, t *ir.Type) {
	var cases []jen.Code
	for _, v := range t.Values {
		cases = append(cases, jen.Case(jen.Lit(v.JSON)).Block(jen.Return(jen.Id(v.Const), jen.True())))
	}
	f.Func().Params(jen.Id("s").Op("*").Id("scanner")).Id("decode"+t.Name).Params(jen.Id("name").String()).Params(jen.Id(t.Name), jen.Bool()).Block(
		jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("s").Dot("str").Call(jen.Id("name")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(""), jen.False())),
		jen.Switch(jen.String().Call(jen.Id("v"))).Block(cases...),
		jen.Id("s").Dot("violateAt").Call(jen.Id("name"), jen.Id("KeywordEnum"), jen.Qual("strconv", "Quote").Call(jen.String().Call(jen.Id("v"))).Op("+").Lit(notAValue(t))),
		jen.Return(jen.Lit(""), jen.False()),
	)
	f.Line()
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
			return jen.Op("*").Id("x").Op("=").Id(t.Name).Values(jen.Dict{
				jen.Id("Kind"): jen.Id(v.Const),
				jen.Id(v.Name): val,
			})
		}
	}
	var cases []jen.Code
	if v := variant("string"); v != nil {
		cases = append(cases, jen.Case(jen.LitRune('"')).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	intV, numV := variant("integer"), variant("number")
	if intV != nil || numV != nil {
		lit := jen.Id("lit")
		body := []jen.Code{
			jen.List(lit.Clone(), jen.Id("ok")).Op(":=").Id("s").Dot("readNumber").Call(),
			jen.If(jen.Op("!").Id("ok").Op("||").Id("x").Op("==").Nil()).Block(
				// In a validation-only pass an integer-only union still has
				// to check that the number is whole.
				g.validateOnlyNumber(intV, numV, want)...,
			),
		}
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
		cases = append(cases, jen.Case(jen.LitRune('-'), jen.LitRune('0'), jen.LitRune('1'), jen.LitRune('2'), jen.LitRune('3'),
			jen.LitRune('4'), jen.LitRune('5'), jen.LitRune('6'), jen.LitRune('7'), jen.LitRune('8'), jen.LitRune('9')).Block(body...))
	}
	if v := variant("boolean"); v != nil {
		cases = append(cases, jen.Case(jen.LitRune('t'), jen.LitRune('f')).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	if v := variant("array"); v != nil {
		cases = append(cases, jen.Case(jen.LitRune('[')).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
	}
	if v := variant("object"); v != nil {
		cases = append(cases, jen.Case(jen.LitRune('{')).Block(g.readNonNull(v.Value, setKind(v), "", "", 0)...))
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

// zeroDefault reports a default equal to the Go zero value.
func zeroDefault(fl *ir.Field) bool {
	switch fl.Default {
	case `""`, "0", "false":
		return true
	}
	if fl.Value.Kind == ir.Float {
		f, err := strconv.ParseFloat(fl.Default, 64)
		return err == nil && f == 0
	}
	return false
}

// defaultValue is the Go literal of a field's default.
func defaultValue(fl *ir.Field) jen.Code {
	switch fl.Value.Kind {
	case ir.Int:
		if n, err := strconv.ParseInt(fl.Default, 10, 64); err == nil && strconv.FormatInt(n, 10) == fl.Default {
			return jen.Id("IntOf").Call(jen.Lit(n))
		}
		return jen.Id("intOfLiteral").Call(jen.Index().Byte().Call(jen.Lit(fl.Default)))
	case ir.Float:
		n, _ := strconv.ParseFloat(fl.Default, 64)
		return jen.Lit(n)
	case ir.Bool:
		return jen.Lit(fl.Default == "true")
	}
	var s string
	_ = json.Unmarshal([]byte(fl.Default), &s)
	if fl.Value.Is(ir.Enum) {
		for _, v := range fl.Value.Type.Values {
			if v.JSON == s {
				return jen.Id(v.Const)
			}
		}
	}
	return jen.Lit(s)
}
