package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// encoders writes MarshalJSON and AppendJSON for objects and unions, and
// the encode functions they share.
func (g *generator) encoders(f *jen.File) {
	for _, t := range g.p.Types {
		switch t.Kind {
		case ir.Struct, ir.Union:
			g.marshal(f, t)
		}
	}
	for _, t := range g.p.Types {
		switch t.Kind {
		case ir.Struct:
			g.encodeObject(f, t)
		case ir.Union:
			g.encodeUnion(f, t)
		}
	}
}

func (g *generator) marshal(f *jen.File, t *ir.Type) {
	docComment(f, wrap(fmt.Sprintf("MarshalJSON encodes x as compact JSON, properties in schema order, the way the schema's Python producers write it. It fails on a value the schema does not allow, such as an invalid enum value or a string that is not UTF-8.")))
	f.Func().Params(jen.Id("x").Id(t.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("x").Dot("AppendJSON").Call(jen.Nil())),
	)
	f.Line()
	docComment(f, "AppendJSON appends the JSON encoding of x to b; see MarshalJSON.")
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Id("e").Op(":=").Id("encoder").Values(jen.Dict{jen.Id("buf"): jen.Id("b")}),
		jen.Id("e").Dot("encode"+t.Name).Call(jen.Id("x")),
		jen.If(jen.Id("e").Dot("err").Op("!=").Nil()).Block(jen.Return(jen.Id("b"), jen.Id("e").Dot("err"))),
		jen.Return(jen.Id("e").Dot("buf"), jen.Nil()),
	)
	f.Line()
}

func (g *generator) encodeObject(f *jen.File, t *ir.Type) {
	body := []jen.Code{jen.Id("sep").Op(":=").Byte().Call(jen.LitRune('{'))}
	member := func(fl *ir.Field) []jen.Code {
		return []jen.Code{
			jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.Id("sep")),
			jen.Id("sep").Op("=").LitRune(','),
			jen.Id("e").Dot("raw").Call(jen.Lit(jsonKey(fl.JSON))),
		}
	}
	for _, fl := range t.Fields {
		name := t.Name + "." + fl.JSON
		v := jen.Id("x").Dot(fl.GoName)
		switch {
		case fl.Storage == ir.Pointer && fl.Omit:
			body = append(body, jen.If(v.Clone().Op("!=").Nil()).Block(append(member(fl), g.writePointed(fl.Value, v.Clone(), name, 0)...)...))
		case fl.Storage == ir.Nilable && fl.Omit:
			body = append(body, jen.If(v.Clone().Op("!=").Nil()).Block(append(member(fl), g.writeValue(fl.Value, v.Clone(), name, 0)...)...))
		case fl.Storage == ir.Pointer:
			body = append(body, member(fl)...)
			body = append(body, jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("null").Call()).Else().Block(g.writePointed(fl.Value, v.Clone(), name, 0)...))
		case fl.Storage == ir.Nilable && fl.Nullable:
			body = append(body, member(fl)...)
			body = append(body, jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("null").Call()).Else().Block(g.writeValue(fl.Value, v.Clone(), name, 0)...))
		default:
			body = append(body, member(fl)...)
			body = append(body, g.writeValue(fl.Value, v.Clone(), name, 0)...)
		}
	}
	if x := t.Extra; x != nil {
		// The members as a map of them would be written.
		members := &ir.Value{Kind: ir.Map, Elem: x.Elem, ElemNullable: x.Nullable, ElemPtr: x.Ptr}
		body = append(body,
			jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("x").Dot(x.GoName)).Block(append([]jen.Code{
				jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.Id("sep")),
				jen.Id("sep").Op("=").LitRune(','),
				jen.Id("e").Dot("str").Call(jen.Lit(t.Name), jen.Id("m").Dot("Key")),
				jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune(':')),
				jen.Id("item").Op(":=").Id("m").Dot("Value"),
			}, g.writeElem(members, jen.Id("item"), t.Name+"."+x.GoName, 1)...)...),
		)
	}
	body = append(body,
		jen.If(jen.Id("sep").Op("==").LitRune('{')).Block(jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune('{'))),
		jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune('}')),
	)
	f.Func().Params(jen.Id("e").Op("*").Id("encoder")).Id("encode" + t.Name).Params(jen.Id("x").Op("*").Id(t.Name)).Block(body...)
	f.Line()
}

// writeValue writes v, a Go value of t's type, as JSON.
func (g *generator) writeValue(t *ir.Value, v *jen.Statement, name string, depth int) []jen.Code {
	return g.write(t, v, false, name, depth)
}

// writePointed writes the value p, a pointer to a Go value of t's type,
// points to.
func (g *generator) writePointed(t *ir.Value, p *jen.Statement, name string, depth int) []jen.Code {
	return g.write(t, p, true, name, depth)
}

// write writes a value of t, held in v or, when ptr, pointed to by v.
func (g *generator) write(t *ir.Value, v *jen.Statement, ptr bool, name string, depth int) []jen.Code {
	byPointer := t.Is(ir.Struct) || t.Is(ir.Union)
	if ptr && !byPointer {
		v = jen.Parens(jen.Op("*").Add(v))
	}
	switch {
	case t.Kind == ir.String:
		return []jen.Code{jen.Id("e").Dot("str").Call(jen.Lit(name), v)}
	case t.Kind == ir.DateTime:
		return []jen.Code{jen.Id("e").Dot("str").Call(jen.Lit(name), jen.String().Call(v))}
	case t.Kind == ir.Int:
		return []jen.Code{jen.Id("e").Dot("integer").Call(v)}
	case t.Kind == ir.Float:
		return []jen.Code{jen.Id("e").Dot("float").Call(jen.Lit(name), v)}
	case t.Kind == ir.Bool:
		return []jen.Code{jen.Id("e").Dot("boolean").Call(v)}
	case t.Is(ir.Enum):
		return []jen.Code{jen.If(jen.Op("!").Add(v.Clone()).Dot("Valid").Call()).Block(
			jen.Id("e").Dot("fail").Call(jen.Lit(name), jen.Lit("invalid "+t.Type.Name+" ").Op("+").Qual("strconv", "Quote").Call(jen.String().Call(v.Clone()))),
		).Else().Block(jen.Id("e").Dot("str").Call(jen.Lit(name), jen.String().Call(v.Clone())))}
	case t.Kind == ir.Raw:
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("null").Call()).Else().Block(
			jen.Id("e").Dot("rawValue").Call(jen.Lit(name), v.Clone()))}
	case byPointer:
		if ptr {
			return []jen.Code{jen.Id("e").Dot("encode" + t.Type.Name).Call(v)}
		}
		return []jen.Code{jen.Id("e").Dot("encode" + t.Type.Name).Call(jen.Op("&").Add(v))}
	case t.Kind == ir.Slice:
		i, item := jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("item%d", depth))
		return []jen.Code{
			jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune('[')),
			jen.For(jen.List(i.Clone(), item.Clone()).Op(":=").Range().Add(v)).Block(append([]jen.Code{
				jen.If(i.Clone().Op(">").Lit(0)).Block(jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune(','))),
			}, g.writeElem(t, item.Clone(), name+"[]", depth+1)...)...),
			jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune(']')),
		}
	case t.Kind == ir.Map:
		i, m, item := jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("m%d", depth)), jen.Id(fmt.Sprintf("item%d", depth))
		return []jen.Code{
			jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune('{')),
			jen.For(jen.List(i.Clone(), m.Clone()).Op(":=").Range().Add(v.Clone())).Block(append([]jen.Code{
				jen.If(i.Clone().Op(">").Lit(0)).Block(jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune(','))),
				jen.Id("e").Dot("str").Call(jen.Lit(name), m.Clone().Dot("Key")),
				jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune(':')),
				item.Clone().Op(":=").Add(m.Clone()).Dot("Value"),
			}, g.writeElem(t, item.Clone(), name+"{}", depth+1)...)...),
			jen.Id("e").Dot("buf").Op("=").Append(jen.Id("e").Dot("buf"), jen.LitRune('}')),
		}
	}
	panic(fmt.Sprintf("gen: writeValue: unexpected kind %d", t.Kind))
}

// writeElem writes an array item or map value, null when it is a nil
// pointer.
func (g *generator) writeElem(t *ir.Value, v *jen.Statement, name string, depth int) []jen.Code {
	if t.ElemPtr {
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("null").Call()).Else().Block(
			g.writePointed(t.Elem, v.Clone(), name, depth)...)}
	}
	if t.ElemNullable && t.Elem.NaturalNil() && t.Elem.Kind != ir.Raw {
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("null").Call()).Else().Block(
			g.writeValue(t.Elem, v.Clone(), name, depth)...)}
	}
	return g.writeValue(t.Elem, v, name, depth)
}
