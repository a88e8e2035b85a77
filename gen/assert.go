package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/flightline-dev/flightline/gen/ir"
)

// assertions writes the data of the package's checks, one variable a
// check, for the runtime's check functions.
func (g *generator) assertions(f *jen.File) {
	for _, c := range g.p.Checks {
		s := c.Schema
		var v jen.Code
		switch c.Kind {
		case ir.CheckNumber:
			v = jen.Id("numberCheck").Values(jen.Dict{
				jen.Id("minimum"): jen.Lit(s.Minimum), jen.Id("exclusiveMinimum"): jen.Lit(s.ExclusiveMinimum),
				jen.Id("maximum"): jen.Lit(s.Maximum), jen.Id("exclusiveMaximum"): jen.Lit(s.ExclusiveMaximum),
				jen.Id("multipleOf"): jen.Lit(s.MultipleOf),
			})
		case ir.CheckLength:
			v = jen.Id("stringCheck").Values(jen.Dict{jen.Id("minLength"): jen.Lit(ir.Limit(s.MinLength)), jen.Id("maxLength"): jen.Lit(ir.Limit(s.MaxLength))})
		case ir.CheckItems:
			v = jen.Id("countCheck").Values(jen.Dict{jen.Id("min"): jen.Lit(ir.Limit(s.MinItems)), jen.Id("max"): jen.Lit(ir.Limit(s.MaxItems))})
		case ir.CheckProperties:
			v = jen.Id("countCheck").Values(jen.Dict{jen.Id("min"): jen.Lit(ir.Limit(s.MinProperties)), jen.Id("max"): jen.Lit(ir.Limit(s.MaxProperties))})
		case ir.CheckPattern:
			v = jen.Id("newPattern").Call(jen.Lit(s.Pattern), jen.Lit(s.PatternRE2))
		case ir.CheckFormat:
			v = jen.Id("formatOf").Call(jen.Lit(c.Format))
		case ir.CheckValues:
			var values []jen.Code
			for _, val := range s.Values {
				values = append(values, jen.Lit(val))
			}
			keyword := "KeywordEnum"
			if len(s.Values) == 1 {
				keyword = "KeywordConst"
			}
			v = jen.Id("valuesCheck").Values(jen.Dict{jen.Id("keyword"): jen.Id(keyword),
				jen.Id("values"): jen.Index().String().Values(values...), jen.Id("want"): jen.Lit(c.ValuesPhrase())})
		case ir.CheckUnique:
			continue // the check needs no data
		}
		f.Var().Id(c.Var).Op("=").Add(v)
	}
	if len(g.p.Checks) > 0 {
		f.Line()
	}
}

// usesCheck reports whether the package makes a check of one of kinds.
func (g *generator) usesCheck(kinds ...ir.CheckKind) bool {
	for _, c := range g.p.Checks {
		for _, k := range kinds {
			if c.Kind == k {
				return true
			}
		}
	}
	return false
}
