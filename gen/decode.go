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
	g.assertions(f)
	g.alternatives(f)
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
	docComment(f, wrap("Omitted returns how many violations the document last checked has beyond those reported, which are its first 64."))
	f.Func().Params(jen.Id("v").Op("*").Id("Validator")).Id("Omitted").Params().Int().Block(
		jen.Return(jen.Id("v").Dot("s").Dot("omitted").Call()),
	)
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

	props := checkOf(t.Checks, ir.CheckProperties)
	unknown := g.otherMember(t, props != nil)
	if props != nil {
		body = append(body, jen.Id("others").Op(":=").Lit(0))
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
	if props != nil {
		members := jen.Id("others")
		for w := 0; w < (n+63)/64; w++ {
			word := jen.Id("seen")
			if n > 64 {
				word = word.Index(jen.Lit(w))
			}
			members = jen.Qual("math/bits", "OnesCount64").Call(word).Op("+").Add(members)
		}
		body = append(body, jen.Id("s").Dot("checkProperties").Call(members, jen.Op("&").Id(props.Var)))
	}
	for i, fl := range t.Fields {
		word, mask := seenBit(n, i)
		absent := word.Clone().Op("&").Add(mask).Op("==").Lit(0)
		if fl.Required {
			body = append(body, jen.If(absent).Block(jen.Id("s").Dot("missing").Call(jen.Lit(fl.JSON))))
		} else if fl.Defaulted() && !zeroDefault(fl) {
			body = append(body, jen.If(live.Clone().Op("&&").Add(absent)).Block(g.applyDefault(fl)...))
		}
	}
	f.Func().Params(jen.Id("s").Op("*").Id("scanner")).Id("decode" + t.Name).Params(params...).Block(body...)
	f.Line()
}

// otherMember reads a member of the struct t that it does not declare,
// whose key k was just read: an unknown property, or one kept among t's
// undeclared members (which patterns may check); counting counts it
// among the object's members, in others.
func (g *generator) otherMember(t *ir.Type, counting bool) jen.Code {
	x := t.Extra
	if x == nil {
		if counting {
			return jen.Block(jen.If(jen.Id("s").Dot("unknown").Call(jen.Id("mark"), jen.Id("k"))).Block(jen.Id("others").Op("++")), jen.Continue())
		}
		return jen.Block(jen.Id("s").Dot("unknown").Call(jen.Id("mark"), jen.Id("k")), jen.Continue())
	}
	stmts := []jen.Code{jen.Id("k").Op("=").Id("s").Dot("pushKey").Call(jen.Id("k"))}
	stmts = append(stmts, repeated(jen.Id("mark"), jen.Id("k"), jen.Id("dup"), jen.Id("others"), true, counting)...)
	put := func(v jen.Code) jen.Code {
		return jen.Id("x").Dot(x.GoName).Op("=").Id("putMember").Call(jen.Id("x").Dot(x.GoName), jen.String().Call(jen.Id("k")), v, jen.Id("dup"))
	}
	if len(x.Patterns) == 0 {
		stmts = append(stmts, g.readValue(x.Elem, x.Nullable, x.Ptr, put, "", "", 1)...)
	} else {
		stmts = append(stmts, jen.Id("start").Op(":=").Id("s").Dot("valueStart").Call(), jen.Id("matched").Op(":=").False(),
			jen.Id("quiet").Op(":=").Id("s").Dot("quietLevel").Call())
		for _, pv := range x.Patterns {
			read := []jen.Code{
				jen.If(jen.Id("matched")).Block(jen.Id("s").Dot("reread").Call(jen.Id("start"))),
				jen.Id("matched").Op("=").True(),
			}
			read = append(read, g.readValue(pv.Value, pv.Nullable, false, nil, "", "", 1)...)
			stmts = append(stmts, jen.If(jen.Id(pv.Match.Var).Dot("re").Dot("Match").Call(jen.Id("k"))).Block(read...))
		}
		var other []jen.Code
		switch {
		case x.Others == nil:
			other = []jen.Code{jen.Id("s").Dot("violate").Call(jen.Id("KeywordAdditionalProperties"), jen.Lit("unknown property")), jen.Id("s").Dot("skip").Call()}
		default:
			other = g.readValue(x.Others, t.Schema.ElemNullable, false, nil, "", "", 1)
		}
		stmts = append(stmts,
			jen.If(jen.Op("!").Id("matched")).Block(other...),
			jen.Id("s").Dot("quiet").Op("=").Id("quiet"),
			jen.If(live.Clone().Op("&&").Op("!").Id("s").Dot("failed")).Block(
				put(jen.Qual(jsonPkg, "RawMessage").Call(jen.Qual("bytes", "Clone").Call(jen.Id("s").Dot("data").Index(jen.Id("start").Op(":").Id("s").Dot("pos"))))),
			))
	}
	return jen.Block(append(stmts, jen.Id("s").Dot("pop").Call(), jen.Continue())...)
}

// checkOf returns the check of kind k among checks, or nil.
func checkOf(checks []*ir.Check, k ir.CheckKind) *ir.Check {
	for _, c := range checks {
		if c.Kind == k {
			return c
		}
	}
	return nil
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

func (g *generator) decodeEnum(f *jen.File, t *ir.Type) {
	var cases []jen.Code
	for _, v := range t.Values {
		cases = append(cases, jen.Case(jen.Lit(v.JSON)).Block(jen.Return(jen.Id(v.Const), jen.True())))
	}
	body := []jen.Code{
		jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("s").Dot("str").Call(jen.Id("name")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Lit(""), jen.False())),
	}
	body = append(body, scalarChecks(t.Checks, jen.Id("name"), jen.Id("v"))...)
	f.Func().Params(jen.Id("s").Op("*").Id("scanner")).Id("decode"+t.Name).Params(jen.Id("name").String()).Params(jen.Id(t.Name), jen.Bool()).Block(
		append(body,
			jen.Switch(jen.String().Call(jen.Id("v"))).Block(cases...),
			jen.Id("s").Dot("violateAt").Call(jen.Id("name"), jen.Id("KeywordEnum"), jen.Qual("strconv", "Quote").Call(jen.String().Call(jen.Id("v"))).Op("+").Lit(notAValue(t))),
			jen.Return(jen.Lit(""), jen.False()))...,
	)
	f.Line()
}

// zeroDefault reports a default equal to the Go zero value.
func zeroDefault(fl *ir.Field) bool {
	if !fl.Value.Scalar() {
		return false
	}
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

// applyDefault fills the field fl of x with its default: a scalar from
// its Go literal, another value by decoding the default's JSON text, as
// the value would be decoded.
func (g *generator) applyDefault(fl *ir.Field) []jen.Code {
	switch {
	case fl.Value.Scalar():
		return []jen.Code{jen.Id("x").Dot(fl.GoName).Op("=").Add(defaultValue(fl))}
	case fl.Value.Kind == ir.Slice && fl.Default == "[]", fl.Value.Kind == ir.Map && fl.Default == "{}":
		return []jen.Code{jen.Id("x").Dot(fl.GoName).Op("=").Add(goType(fl.Value)).Values()}
	}
	return []jen.Code{
		jen.Var().Id("d").Id("scanner"),
		jen.Id("d").Dot("reset").Call(jen.Index().Byte().Call(jen.Lit(fl.Default))),
		jen.Func().Params(jen.Id("s").Op("*").Id("scanner")).Block(g.readField(fl, "")...).Call(jen.Op("&").Id("d")),
	}
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
