package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// lifts writes, for each x-flightline-lift, a function that converts a Go
// value and one that converts a JSON document, copying values as written.
func (g *generator) lifts(f *jen.File) {
	for _, l := range g.p.Lifts {
		g.lift(f, l)
	}
}

func (g *generator) lift(f *jen.File, l *ir.Lift) {
	name := "Lift" + l.From.Name
	values := jen.Dict{}
	var steps []jen.Code
	var sets []string
	for _, lt := range l.Targets {
		target := lt.Field
		var names []string
		if lt.Set {
			for _, p := range lt.Path {
				names = append(names, p.JSON)
			}
			sets = append(sets, target.JSON+" from "+strings.Join(names, "."))
		}
		expr := jen.Id("x")
		var pathNames []jen.Code
		for _, p := range lt.Path {
			expr = expr.Dot(p.GoName)
			pathNames = append(pathNames, jen.Lit(p.JSON))
		}
		src := lt.Path[len(lt.Path)-1]
		switch {
		case (src.Storage == ir.Pointer) == (target.Storage == ir.Pointer):
		case target.Storage == ir.Pointer:
			expr = jen.Id("ptrTo").Call(expr)
		default:
			// The schema lets an optional source fill an optional target
			// only when both read absence the same way.
			expr = jen.Id("valueOr").Call(expr, defaultValue(target))
		}
		values[jen.Id(target.GoName)] = expr
		steps = append(steps, jen.Values(jen.Lit(target.JSON), jen.Index().String().Values(pathNames...)))
	}
	var dropped []string
	for _, d := range l.Drop {
		dropped = append(dropped, d.JSON)
	}
	how := joinAnd(sets)
	if how != "" {
		how = ": " + how + ", the other properties copied"
	}
	if len(dropped) > 0 {
		how += ", " + joinAnd(dropped) + " left behind"
	}
	docComment(f, wrap(fmt.Sprintf("%s returns x as %s, as the schema's x-flightline-lift declares%s. The result shares x's maps, slices and pointers.", name, withArticle(l.Into.Name), how)))
	f.Func().Id(name).Params(jen.Id("x").Op("*").Id(l.From.Name)).Id(l.Into.Name).Block(
		jen.Return(jen.Id(l.Into.Name).Values(values)),
	)
	f.Line()

	sources := jen.Dict{}
	example := ""
	i := 0
	for _, set := range l.Targets {
		if !set.Set {
			continue
		}
		to, from := setPointers(set)
		sources[jen.Lit(to)] = jen.Lit(from)
		if i == 0 {
			example = fmt.Sprintf(", such as %q to %q", to, from)
		}
		i++
	}
	docComment(f, wrap(fmt.Sprintf("%sSources maps the JSON pointer of each property of %s that %s takes from elsewhere in %s to the pointer of where it takes it from%s.",
		name, withArticle(l.Into.Name), name, withArticle(l.From.Name), example)))
	f.Func().Id(name + "Sources").Params().Map(jen.String()).String().Block(jen.Return(jen.Map(jen.String()).String().Values(sources)))
	f.Line()

	stepsVar := "lift" + l.From.Name + "Steps"
	f.Var().Id(stepsVar).Op("=").Index().Id("liftStep").Values(steps...)
	f.Line()
	args := []jen.Code{jen.Id("src")}
	if l.From.View {
		args = append(args, jen.Nil())
	}
	docComment(f, wrap(fmt.Sprintf("%sJSON appends to dst the %s document that lifting the %s document src gives (see %s). Every value is copied as written, so numbers, escapes and key order survive exactly; only whitespace between tokens is dropped. A src that breaks its schema is an error, a *ValidationError.", name, l.Into.Name, l.From.Name, name)))
	f.Func().Id(name+"JSON").Params(jen.List(jen.Id("dst"), jen.Id("src")).Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Var().Id("v").Id("Validator"),
		jen.If(jen.Id("vs").Op(":=").Id("v").Dot(l.From.Name).Call(args...), jen.Len(jen.Id("vs")).Op(">").Lit(0)).Block(
			jen.Return(jen.Id("dst"), jen.Op("&").Id("ValidationError").Values(jen.Dict{
				jen.Id("Type"):       jen.Lit(l.From.Name),
				jen.Id("Violations"): jen.Qual("slices", "Clone").Call(jen.Id("vs")),
			})),
		),
		jen.Return(jen.Id("liftJSON").Call(jen.Id("dst"), jen.Id("src"), jen.Id(stepsVar)), jen.Nil()),
	)
	f.Line()
}

// pointerToken escapes a property name as a JSON pointer token.
func pointerToken(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

// setPointers returns the JSON pointers of a property a lift sets, in the
// target, and of where it takes it from, in the source.
func setPointers(set ir.LiftTarget) (to, from string) {
	var b strings.Builder
	for _, p := range set.Path {
		b.WriteString("/" + pointerToken(p.JSON))
	}
	return "/" + pointerToken(set.Field.JSON), b.String()
}
