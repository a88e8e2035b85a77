package gen

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// merge writes the ordering and merge helpers of the type with an
// x-flightline-order: SortKey, CompareSortKeys, Compare, Sort, IsSorted and
// Merge.
func (g *generator) merge(f *jen.File) {
	o := g.p.Order
	t := o.Type
	phrases := g.p.Model.Order.KeyNames()
	order := joinAnd(phrases)
	if len(phrases) > 1 {
		order = phrases[0] + ", then " + joinAnd(phrases[1:])
	}
	timestampRule := ""
	for _, k := range o.Keys {
		if k.Value.Kind == ir.DateTime {
			timestampRule = fmt.Sprintf(" Timestamps compare by the instant they name, whatever offset they were written with: ...50Z equals ...50+00:00, and 22:03:51+01:00 is before 22:03:50+00:00. A %s that is not a timestamp orders after every one that is, and among such by its text.", k.JSON)
			break
		}
	}

	var fields []jen.Code
	for _, k := range o.Keys {
		fields = append(fields, jen.Id(keyField(k)).Add(sortKeyType(k)))
	}
	docComment(f, wrap(fmt.Sprintf("A SortKey is the merge order of %s, as the schema declares it: %s.%s It is built by %s.SortKey, %s.SortKey or MakeSortKey, and compared by CompareSortKeys.", withArticle(t.Name), order, timestampRule, t.Name, viewName(t))))
	f.Type().Id("SortKey").Struct(fields...)
	f.Line()

	values := jen.Dict{}
	for _, k := range o.Keys {
		values[jen.Id(keyField(k))] = keyValue(k, jen.Id("x").Dot(k.GoName))
	}
	docComment(f, "SortKey returns the merge order key of x.")
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("SortKey").Params().Id("SortKey").Block(
		jen.Return(jen.Id("SortKey").Values(values)),
	)
	f.Line()
	g.makeSortKey(f, o)
	g.viewSortKey(f, o)

	var cmps []jen.Code
	for i, k := range o.Keys {
		a, b := jen.Id("a").Dot(keyField(k)), jen.Id("b").Dot(keyField(k))
		var c *jen.Statement
		switch {
		case k.Value.Kind == ir.DateTime:
			c = a.Dot("Compare").Call(b)
		case k.Value.Kind == ir.Int:
			c = a.Dot("Cmp").Call(b)
		case k.Value.Kind == ir.Bool:
			c = jen.Id("compareBool").Call(a, b)
		default:
			c = jen.Qual("cmp", "Compare").Call(a, b)
		}
		if i == len(o.Keys)-1 {
			cmps = append(cmps, jen.Return(c))
		} else {
			cmps = append(cmps, jen.If(jen.Id("c").Op(":=").Add(c), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))))
		}
	}
	docComment(f, "CompareSortKeys returns -1, 0 or +1 as a orders before, with or after b.")
	f.Func().Id("CompareSortKeys").Params(jen.List(jen.Id("a"), jen.Id("b")).Op("*").Id("SortKey")).Int().Block(cmps...)
	f.Line()
	for _, k := range o.Keys {
		if k.Value.Kind == ir.Bool {
			f.Func().Id("compareBool").Params(jen.List(jen.Id("a"), jen.Id("b")).Bool()).Int().Block(
				jen.If(jen.Id("a").Op("==").Id("b")).Block(jen.Return(jen.Lit(0))),
				jen.If(jen.Id("a")).Block(jen.Return(jen.Lit(1))),
				jen.Return(jen.Lit(-1)),
			)
			f.Line()
			break
		}
	}

	docComment(f, wrap(fmt.Sprintf("Compare returns -1, 0 or +1 as a orders before, with or after b in the schema's merge order: by %s.%s", order, timestampRule)))
	f.Func().Id("Compare").Params(jen.List(jen.Id("a"), jen.Id("b")).Op("*").Id(t.Name)).Int().Block(
		jen.List(jen.Id("ka"), jen.Id("kb")).Op(":=").List(jen.Id("a").Dot("SortKey").Call(), jen.Id("b").Dot("SortKey").Call()),
		jen.Return(jen.Id("CompareSortKeys").Call(jen.Op("&").Id("ka"), jen.Op("&").Id("kb"))),
	)
	f.Line()

	keyFunc := jen.Parens(jen.Op("*").Id(t.Name)).Dot("SortKey")
	docComment(f, wrap(fmt.Sprintf("Sort sorts s by Compare. It is stable: entries that compare equal keep their order. Each key is computed once.")))
	f.Func().Id("Sort").Params(jen.Id("s").Index().Id(t.Name)).Block(
		jen.Id("sortStable").Call(jen.Id("s"), keyFunc.Clone(), jen.Id("CompareSortKeys")),
	)
	f.Line()
	docComment(f, "IsSorted reports whether s is sorted by Compare.")
	f.Func().Id("IsSorted").Params(jen.Id("s").Index().Id(t.Name)).Bool().Block(
		jen.Return(jen.Id("isSorted").Call(jen.Id("s"), keyFunc.Clone(), jen.Id("CompareSortKeys"))),
	)
	f.Line()

	var checks []jen.Code
	for _, k := range o.Keys {
		if k.Value.Kind != ir.DateTime {
			continue
		}
		checks = append(checks, jen.If(jen.Op("!").Id("k").Dot(keyField(k)).Dot("Valid")).Block(
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id(rt("ParseTimestamp")).Call(jen.Id("x").Dot(k.GoName)),
			jen.Return(jen.Id("k"), jen.Qual("errors", "New").Call(jen.Lit(k.JSON+" ").Op("+").Qual("strconv", "Quote").Call(jen.String().Call(jen.Id("x").Dot(k.GoName))).Op("+").Lit(": ").Op("+").Err().Dot("Error").Call())),
		))
	}
	docComment(f, wrap(fmt.Sprintf("Merge merges sources, each sorted by Compare, into one sequence sorted by Compare, in O(n log k) time for k sources while holding one %s per source. Entries that compare equal come in the order of their sources. Merge cannot place an entry whose %s is not a timestamp, and does not reorder a source: such an entry, a source out of order, or a source's error ends the sequence with a *MergeError that names the source and the entry.", t.Name, strings.Join(timestampNames(o), " or "))))
	f.Func().Id("Merge").Params(jen.Id("sources").Op("...").Qual("iter", "Seq2").Types(jen.Id(t.Name), jen.Error())).Qual("iter", "Seq2").Types(jen.Id(t.Name), jen.Error()).Block(
		jen.Return(jen.Id("mergeSorted").Call(
			jen.Id("sources"),
			jen.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Params(jen.Id("SortKey"), jen.Error()).Block(
				append(append([]jen.Code{jen.Id("k").Op(":=").Id("x").Dot("SortKey").Call()}, checks...), jen.Return(jen.Id("k"), jen.Nil()))...,
			),
			jen.Id("CompareSortKeys"),
		)),
	)
	f.Line()
}

func timestampNames(o *ir.Order) []string {
	var names []string
	for _, k := range o.Keys {
		if k.Value.Kind == ir.DateTime {
			names = append(names, k.JSON)
		}
	}
	if len(names) == 0 {
		return []string{"key"}
	}
	return names
}

func sortKeyType(k *ir.Field) *jen.Statement {
	if k.Value.Kind == ir.DateTime {
		return jen.Id(rt("TimeKey"))
	}
	return goType(k.Value)
}

// keyField is the SortKey field of the order key k: unexported, so that
// a key is only made by the functions that make it right.
func keyField(k *ir.Field) string { return "k" + k.Schema.GoName }

// keyValue is the value of key k in a SortKey, from v, the key's value.
func keyValue(k *ir.Field, v jen.Code) jen.Code {
	if k.Value.Kind == ir.DateTime {
		return jen.Id(rt("MakeTimeKey")).Call(v)
	}
	return v
}

// makeSortKey writes MakeSortKey, which builds a key from the values of
// its keys: a timestamp key as a string or its bytes.
func (g *generator) makeSortKey(f *jen.File, o *ir.Order) {
	var params []jen.Code
	values := jen.Dict{}
	timestamps := false
	for _, k := range o.Keys {
		typ := goType(k.Value)
		if k.Value.Kind == ir.DateTime {
			typ, timestamps = jen.Id("T"), true
		}
		p := paramName(k.Schema.GoName)
		params = append(params, jen.Id(p).Add(typ))
		values[jen.Id(keyField(k))] = keyValue(k, jen.Id(p))
	}
	docComment(f, wrap(fmt.Sprintf("MakeSortKey returns the merge order key of %s with these values, as %s.SortKey does, for ordering documents without decoding them.", withArticle(o.Type.Name), o.Type.Name)))
	fn := f.Func().Id("MakeSortKey")
	if timestamps {
		fn = fn.Types(jen.Id("T").Union(jen.Op("~").String(), jen.Op("~").Index().Byte()))
	}
	fn.Params(params...).Id("SortKey").Block(jen.Return(jen.Id("SortKey").Values(values)))
	f.Line()
}

// paramName turns a Go name into a parameter name: NodeID is nodeID,
// URL url; one that Go already means something by gets a k in front.
func paramName(goName string) string {
	r := []rune(goName)
	i := 0
	for i < len(r) && unicode.IsUpper(r[i]) && (i == 0 || i+1 == len(r) || !unicode.IsLower(r[i+1])) {
		r[i] = unicode.ToLower(r[i])
		i++
	}
	name := string(r)
	if token.IsKeyword(name) || types.Universe.Lookup(name) != nil || name == "T" {
		return "k" + goName
	}
	return name
}

// viewSortKey writes the SortKey method of the ordered type's view, used
// to order documents without decoding them.
func (g *generator) viewSortKey(f *jen.File, o *ir.Order) {
	t := o.Type
	var body []jen.Code
	values := jen.Dict{}
	for _, k := range o.Keys {
		v := jen.Id("v").Dot(k.GoName)
		key := jen.Id(keyField(k))
		switch {
		case k.Value.Kind == ir.Bool:
			return // booleans are not in the view
		case k.Value.Kind == ir.DateTime:
			values[key] = keyValue(k, v)
		case k.Value.Kind == ir.String:
			values[key] = jen.String().Call(v)
		case k.Value.Is(ir.Enum):
			values[key] = v
		case k.Value.Kind == ir.Int:
			name := "n" + k.Schema.GoName
			body = append(body,
				jen.List(jen.Id(name), jen.Err()).Op(":=").Id("ParseInt").Call(v),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("SortKey").Values(), jen.Qual("errors", "New").Call(jen.Lit(k.JSON+": ").Op("+").Err().Dot("Error").Call()))),
			)
			values[key] = jen.Id(name)
		case k.Value.Kind == ir.Float:
			name := "n" + k.Schema.GoName
			body = append(body,
				jen.List(jen.Id(name), jen.Err()).Op(":=").Qual("strconv", "ParseFloat").Call(jen.String().Call(v), jen.Lit(64)),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("SortKey").Values(), jen.Qual("errors", "New").Call(jen.Lit(k.JSON+": ").Op("+").Err().Dot("Error").Call()))),
			)
			values[key] = jen.Id(name)
		}
	}
	body = append(body, jen.Return(jen.Id("SortKey").Values(values), jen.Nil()))
	docComment(f, wrap(fmt.Sprintf("SortKey returns the merge order key of the %s document v describes. It fails only for a view of a document that did not validate, or one with a number beyond the float64 range.", t.Name)))
	f.Func().Params(jen.Id("v").Op("*").Id(viewName(t))).Id("SortKey").Params().Params(jen.Id("SortKey"), jen.Error()).Block(body...)
	f.Line()
}
