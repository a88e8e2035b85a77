package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// The readers of values: the code that reads one value of a Value from
// the scanner, checks it, and, when the decode is live, stores it. A nil
// store reads and checks without storing, as a guard of an any value is
// read.

// live is the condition under which a decode function stores values.
var live = jen.Id("x").Op("!=").Nil()

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
	if ptr && set != nil {
		store = func(v jen.Code) jen.Code { return set(jen.Id("ptrTo").Call(v)) }
	}
	read := g.readNonNull(t, store, viewField, leaf, depth)
	if c := t.CheckOf(ir.CheckValues); c != nil && t.Kind != ir.Raw {
		start := jen.Id(fmt.Sprintf("vstart%d", depth))
		read = []jen.Code{jen.Block(append(append([]jen.Code{start.Clone().Op(":=").Id("s").Dot("valueStart").Call()}, read...),
			jen.Id("s").Dot("checkValue").Call(jen.Lit(leaf), start, jen.Op("&").Id(c.Var)))...)}
	}
	if !nullable || t.Kind == ir.Raw {
		return read
	}
	var onNull []jen.Code
	if (ptr || t.NaturalNil()) && set != nil {
		onNull = append(onNull, jen.If(live).Block(set(jen.Nil())))
	}
	if len(onNull) == 0 {
		return []jen.Code{jen.If(jen.Op("!").Id("s").Dot("null").Call(jen.Lit(leaf))).Block(read...)}
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

// ifLive stores v with store when the decode is live, or is nothing when
// nothing is stored.
func ifLive(store func(jen.Code) jen.Code, v jen.Code) []jen.Code {
	if store == nil {
		return nil
	}
	return []jen.Code{jen.If(live).Block(store(v))}
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
	checks := scalarChecks(t.Checks, name, v)
	var read jen.Code
	var body []jen.Code
	switch t.Kind {
	case ir.String, ir.DateTime:
		read = jen.Id("s").Dot("str").Call(name)
		body = append(append(checks, ifLive(store, goType(t).Call(v.Clone()))...), toView(jen.Id("s").Dot("stable").Call(v.Clone()))...)
		if t.Kind == ir.DateTime {
			body = append(body, jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Id("s").Dot("dateTime").Call(name, v.Clone())))
		}
	case ir.Named: // an enum, which checks its own values
		read = jen.Id("s").Dot("decode" + t.Type.Name).Call(name)
		body = append(ifLive(store, v.Clone()), toView(v.Clone())...)
	case ir.Int:
		read = jen.Id("s").Dot("integer").Call(name)
		body = append(append(checks, ifLive(store, jen.Id("intOfLiteral").Call(v.Clone()))...), toView(v.Clone())...)
	case ir.Float:
		read = jen.Id("s").Dot("number").Call(name)
		body = checks
		if store != nil {
			body = append(body, jen.If(live).Block(
				jen.If(jen.List(jen.Id("n"), jen.Err()).Op(":=").Qual("strconv", "ParseFloat").Call(jen.String().Call(v.Clone()), jen.Lit(64)), jen.Err().Op("!=").Nil()).Block(
					jen.Id("s").Dot("violateAt").Call(name, jen.Id("KeywordRange"), jen.Lit("number ").Op("+").String().Call(v.Clone()).Op("+").Lit(" is out of the float64 range")),
				).Else().Block(store(jen.Id("n"))),
			))
		}
		body = append(body, toView(v.Clone())...)
	default: // Boolean
		if store == nil {
			return []jen.Code{jen.Id("s").Dot("boolean").Call(name)}
		}
		return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Id("s").Dot("boolean").Call(name), ok.Clone().Op("&&").Add(live)).Block(store(v.Clone()))}
	}
	if len(body) == 0 {
		return []jen.Code{read}
	}
	return []jen.Code{jen.If(jen.List(v.Clone(), ok).Op(":=").Add(read), ok).Block(body...)}
}

// scalarChecks are the checks of the scalar v, read as the value of the
// member name: a string (unescaped) or a number literal.
func scalarChecks(checks []*ir.Check, name, v jen.Code) []jen.Code {
	var out []jen.Code
	for _, c := range checks {
		switch c.Kind {
		case ir.CheckNumber:
			out = append(out, jen.Id("s").Dot("checkNumber").Call(name, v, jen.Op("&").Id(c.Var)))
		case ir.CheckLength:
			out = append(out, jen.Id("s").Dot("checkString").Call(name, v, jen.Op("&").Id(c.Var)))
		case ir.CheckPattern:
			out = append(out, jen.Id("s").Dot("checkPattern").Call(name, v, jen.Id(c.Var)))
		case ir.CheckFormat:
			out = append(out, jen.Id("s").Dot("checkFormat").Call(name, v, jen.Id(c.Var)))
		}
	}
	return out
}

// readContainer reads an object, union, array, map or any value.
func (g *generator) readContainer(t *ir.Value, store func(jen.Code) jen.Code, depth int) []jen.Code {
	v := jen.Id(fmt.Sprintf("v%d", depth))
	switch t.Kind {
	case ir.Raw:
		return g.readRaw(t, store, depth)
	case ir.Named: // a struct or a union
		nilArgs := g.decodeArgs(t.Type, jen.Nil(), jen.Nil())
		if store == nil {
			return []jen.Code{jen.Id("s").Dot("decode" + t.Type.Name).Call(nilArgs...)}
		}
		args := g.decodeArgs(t.Type, jen.Op("&").Add(v.Clone()), jen.Nil())
		return []jen.Code{jen.If(live).Block(
			jen.Var().Add(v.Clone()).Id(t.Type.Name),
			jen.Id("s").Dot("decode"+t.Type.Name).Call(args...),
			store(v.Clone()),
		).Else().Block(jen.Id("s").Dot("decode" + t.Type.Name).Call(nilArgs...))}
	case ir.Slice:
		return g.readSlice(t, store, depth)
	case ir.Map:
		return g.readMap(t, store, depth)
	}
	panic(fmt.Sprintf("gen: readContainer: unexpected kind %d", t.Kind))
}

// readRaw reads any value as it is written. When the schema constrains
// values of some kinds, a value of such a kind is read by its guard;
// alternatives, not, if, then and else are tried on it first.
func (g *generator) readRaw(t *ir.Value, store func(jen.Code) jen.Code, depth int) []jen.Code {
	values := t.CheckOf(ir.CheckValues)
	trials := g.rawTrials(t, depth)
	if store == nil && len(t.Guards) == 0 && values == nil && len(trials) == 0 {
		return []jen.Code{jen.Id("s").Dot("skip").Call()}
	}
	start := jen.Id(fmt.Sprintf("start%d", depth))
	read := []jen.Code{jen.Id("s").Dot("skip").Call()}
	if len(t.Guards) > 0 {
		var cases []jen.Code
		for _, gv := range t.Guards {
			cases = append(cases, jen.Case(kindBytes(gv.JSONKind())...).Block(g.readNonNull(gv, nil, "", "", depth+1)...))
		}
		cases = append(cases, jen.Default().Block(jen.Id("s").Dot("skip").Call()))
		read = []jen.Code{jen.Switch(jen.Id("s").Dot("peek").Call()).Block(cases...)}
	}
	body := append(trials, read...)
	if store != nil || values != nil {
		body = append([]jen.Code{start.Clone().Op(":=").Id("s").Dot("valueStart").Call()}, body...)
	}
	if values != nil {
		body = append(body, jen.Id("s").Dot("checkValue").Call(jen.Lit(""), start.Clone(), jen.Op("&").Id(values.Var)))
	}
	if store != nil {
		body = append(body, jen.If(live.Clone().Op("&&").Op("!").Id("s").Dot("failed")).Block(
			store(jen.Qual(jsonPkg, "RawMessage").Call(jen.Qual("bytes", "Clone").Call(jen.Id("s").Dot("data").Index(start.Clone().Op(":").Id("s").Dot("pos"))))),
		))
	}
	return []jen.Code{jen.Block(body...)}
}

// rawTrials tries the value here against the alternatives, not, if, then
// and else of t, reading it again for each and going back after.
func (g *generator) rawTrials(t *ir.Value, depth int) []jen.Code {
	tr := jen.Id(fmt.Sprintf("t%d", depth))
	try := func(v *ir.Value) []jen.Code { // reads v, then goes back
		return append([]jen.Code{tr.Clone().Op("=").Id("s").Dot("begin").Call()}, g.readValue(v, false, false, nil, "", "", depth+1)...)
	}
	var out []jen.Code
	if len(t.Alternatives) > 0 {
		keyword, verb := "KeywordAnyOf", "fits none of its alternatives"
		if t.OneOf {
			keyword = "KeywordOneOf"
		}
		n := jen.Id(fmt.Sprintf("fit%d", depth))
		out = append(out, n.Clone().Op(":=").Lit(0))
		for _, a := range t.Alternatives {
			body := append(try(a), jen.If(jen.Id("s").Dot("fits").Call(tr.Clone())).Block(n.Clone().Op("++")))
			cond := n.Clone().Op("==").Lit(0) // anyOf: up to the first that fits
			if t.OneOf {
				cond = n.Clone().Op("<").Lit(2)
			}
			out = append(out, jen.If(cond.Op("&&").Op("!").Id("s").Dot("failed")).Block(body...))
		}
		fail := jen.If(n.Clone().Op("==").Lit(0)).Block(jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the value "+verb)))
		if t.OneOf {
			fail = fail.Else().If(n.Clone().Op(">").Lit(1)).Block(jen.Id("s").Dot("violate").Call(jen.Id(keyword), jen.Lit("the value fits more than one of its alternatives")))
		}
		out = append(out, fail)
	}
	for _, a := range t.All { // each read for its violations, then back
		out = append(out, jen.If(jen.Op("!").Id("s").Dot("failed")).Block(append(try(a), jen.Id("s").Dot("back").Call(tr.Clone()))...))
	}
	if t.Not != nil {
		out = append(out, jen.If(jen.Op("!").Id("s").Dot("failed")).Block(append(try(t.Not),
			jen.If(jen.Id("s").Dot("fits").Call(tr.Clone())).Block(jen.Id("s").Dot("violate").Call(jen.Id("KeywordNot"), jen.Lit("the value fits the schema it must not fit"))))...))
	}
	if t.If != nil {
		then := []jen.Code{}
		if t.Then != nil {
			then = append(try(t.Then), jen.Id("s").Dot("back").Call(tr.Clone()))
		}
		els := []jen.Code{}
		if t.Else != nil {
			els = append(try(t.Else), jen.Id("s").Dot("back").Call(tr.Clone()))
		}
		out = append(out, jen.If(jen.Op("!").Id("s").Dot("failed")).Block(append(try(t.If),
			jen.If(jen.Id("s").Dot("fits").Call(tr.Clone())).Block(then...).Else().Block(els...))...))
	}
	if len(out) > 0 {
		out = append([]jen.Code{jen.Var().Add(tr.Clone()).Id("trial")}, out...)
	}
	return out
}

// kindBytes are the bytes a value of the JSON kind starts with.
func kindBytes(kind string) []jen.Code {
	switch kind {
	case "object":
		return []jen.Code{jen.LitRune('{')}
	case "array":
		return []jen.Code{jen.LitRune('[')}
	case "string":
		return []jen.Code{jen.LitRune('"')}
	case "boolean":
		return []jen.Code{jen.LitRune('t'), jen.LitRune('f')}
	}
	out := []jen.Code{jen.LitRune('-')}
	for c := '0'; c <= '9'; c++ {
		out = append(out, jen.LitRune(c))
	}
	return out
}

func (g *generator) readSlice(t *ir.Value, store func(jen.Code) jen.Code, depth int) []jen.Code {
	list, i, more := jen.Id(fmt.Sprintf("list%d", depth)), jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("more%d", depth))
	var appendItem func(jen.Code) jen.Code
	var head []jen.Code
	if store != nil {
		appendItem = func(item jen.Code) jen.Code { return list.Clone().Op("=").Append(list.Clone(), item) }
		head = []jen.Code{
			jen.Var().Add(list.Clone()).Add(goType(t)),
			jen.If(live).Block(list.Clone().Op("=").Add(goType(t)).Values()),
		}
	}
	items, unique := t.CheckOf(ir.CheckItems), t.CheckOf(ir.CheckUnique)
	mark, itemStart := jen.Id(fmt.Sprintf("umark%d", depth)), jen.Id(fmt.Sprintf("istart%d", depth))
	item := g.readValue(t.Elem, t.ElemNullable, t.ElemPtr, appendItem, "", "", depth+1)
	if t.Positional {
		item = g.readPositional(t, i, appendItem, depth)
	}
	if unique != nil {
		head = append(head, mark.Clone().Op(":=").Id("s").Dot("beginUnique").Call())
		item = append(append([]jen.Code{itemStart.Clone().Op(":=").Id("s").Dot("valueStart").Call()}, item...),
			jen.Id("s").Dot("unique").Call(itemStart.Clone()))
	}
	body := append([]jen.Code{jen.Id("s").Dot("pushIndex").Call(i.Clone())}, item...)
	body = append(body, jen.Id("s").Dot("pop").Call())
	var loop []jen.Code
	if items == nil {
		loop = []jen.Code{jen.For(
			jen.List(i.Clone(), more.Clone()).Op(":=").List(jen.Lit(0), jen.Id("s").Dot("firstItem").Call()),
			more.Clone(),
			jen.List(i.Clone(), more.Clone()).Op("=").List(i.Clone().Op("+").Lit(1), jen.Id("s").Dot("nextItem").Call()),
		).Block(body...)}
	} else { // the count is needed after the loop
		loop = []jen.Code{
			i.Clone().Op(":=").Lit(0),
			jen.For(
				more.Clone().Op(":=").Id("s").Dot("firstItem").Call(),
				more.Clone(),
				jen.List(i.Clone(), more.Clone()).Op("=").List(i.Clone().Op("+").Lit(1), jen.Id("s").Dot("nextItem").Call()),
			).Block(body...),
			jen.Id("s").Dot("checkItems").Call(i.Clone(), jen.Op("&").Id(items.Var)),
		}
	}
	stmts := append(head, loop...)
	if unique != nil {
		stmts = append(stmts, jen.Id("s").Dot("endUnique").Call(mark.Clone()))
	}
	if store != nil {
		stmts = append(stmts, jen.If(live).Block(store(list.Clone())))
	}
	return []jen.Code{jen.If(jen.Id("s").Dot("array").Call()).Block(stmts...)}
}

// readPositional reads the item i of an array whose first items have
// schemas of their own (prefixItems): it checks it against the schema of
// its place and keeps it as written.
func (g *generator) readPositional(t *ir.Value, i *jen.Statement, appendItem func(jen.Code) jen.Code, depth int) []jen.Code {
	start := jen.Id(fmt.Sprintf("pstart%d", depth))
	var cases []jen.Code
	for k, pv := range t.Prefix {
		cases = append(cases, jen.Case(i.Clone().Op("==").Lit(k)).Block(g.readValue(pv, t.PrefixNullable[k], false, nil, "", "", depth+1)...))
	}
	if t.Rest != nil {
		cases = append(cases, jen.Default().Block(g.readValue(t.Rest, t.RestNullable, false, nil, "", "", depth+1)...))
	} else {
		cases = append(cases, jen.Default().Block(
			jen.Id("s").Dot("violate").Call(jen.Id("KeywordItems"), jen.Lit(fmt.Sprintf("the array may have %d items at most", len(t.Prefix)))),
			jen.Id("s").Dot("skip").Call(),
		))
	}
	stmts := []jen.Code{jen.Switch().Block(cases...)}
	if appendItem != nil {
		stmts = append([]jen.Code{start.Clone().Op(":=").Id("s").Dot("valueStart").Call()}, stmts...)
		stmts = append(stmts, jen.If(live.Clone().Op("&&").Op("!").Id("s").Dot("failed")).Block(
			appendItem(jen.Qual(jsonPkg, "RawMessage").Call(jen.Qual("bytes", "Clone").Call(jen.Id("s").Dot("data").Index(start.Clone().Op(":").Id("s").Dot("pos")))))))
	}
	return stmts
}

func (g *generator) readMap(t *ir.Value, store func(jen.Code) jen.Code, depth int) []jen.Code {
	m, more, k, mark := jen.Id(fmt.Sprintf("m%d", depth)), jen.Id(fmt.Sprintf("more%d", depth)), jen.Id(fmt.Sprintf("k%d", depth)), jen.Id(fmt.Sprintf("mark%d", depth))
	dup := jen.Id(fmt.Sprintf("dup%d", depth))
	var put func(jen.Code) jen.Code
	var head []jen.Code
	if store != nil {
		put = func(item jen.Code) jen.Code {
			return m.Clone().Op("=").Id("putMember").Call(m.Clone(), jen.String().Call(k.Clone()), item, dup.Clone())
		}
		head = []jen.Code{
			jen.Var().Add(m.Clone()).Add(goType(t)),
			jen.If(live).Block(m.Clone().Op("=").Add(goType(t)).Values()),
		}
	}
	props := t.CheckOf(ir.CheckProperties)
	count := jen.Id(fmt.Sprintf("n%d", depth))
	if props != nil {
		head = append(head, count.Clone().Op(":=").Lit(0))
	}
	loop := []jen.Code{
		jen.List(k.Clone(), jen.Id("ok")).Op(":=").Id("s").Dot("key").Call(),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
		k.Clone().Op("=").Id("s").Dot("pushKey").Call(k.Clone()),
	}
	loop = append(loop, repeated(mark, k, dup, count, store != nil, props != nil)...)
	loop = append(loop, g.readValue(t.Elem, t.ElemNullable, t.ElemPtr, put, "", "", depth+1)...)
	loop = append(loop, jen.Id("s").Dot("pop").Call())
	stmts := append(head,
		mark.Clone().Op(":=").Id("s").Dot("beginKeys").Call(),
		jen.For(
			more.Clone().Op(":=").Id("s").Dot("firstMember").Call(),
			more.Clone(),
			more.Clone().Op("=").Id("s").Dot("nextMember").Call(),
		).Block(loop...),
		jen.Id("s").Dot("endKeys").Call(mark.Clone()),
	)
	if props != nil {
		stmts = append(stmts, jen.Id("s").Dot("checkProperties").Call(count.Clone(), jen.Op("&").Id(props.Var)))
	}
	if store != nil {
		stmts = append(stmts, jen.If(live).Block(store(m.Clone())))
	}
	return []jen.Code{jen.If(jen.Id("s").Dot("object").Call()).Block(stmts...)}
}

// repeated reports a key k, just pushed, that the object tracked from
// mark already had. keep keeps the answer in dup, for storing the value;
// counting counts the other keys in count.
func repeated(mark, k, dup, count *jen.Statement, keep, counting bool) []jen.Code {
	test := jen.Id("s").Dot("repeatedKey").Call(mark.Clone(), k.Clone())
	report := jen.Id("s").Dot("duplicate").Call()
	var stmts []jen.Code
	if keep {
		stmts = append(stmts, dup.Clone().Op(":=").Add(test))
		test = dup.Clone()
	}
	stmt := jen.If(test).Block(report)
	if counting {
		stmt = stmt.Else().Block(count.Clone().Op("++"))
	}
	return append(stmts, stmt)
}
