package ir

import (
	"fmt"
	"slices"

	"github.com/flightline-dev/flightline/schema"
)

// Build computes the Go form of m.
func Build(m *schema.Model, opts Options) (*Package, error) {
	p := &Package{Model: m, types: map[*schema.Type]*Type{}, values: map[*schema.Type]*Value{}, assertFormats: opts.AssertFormats}
	for _, t := range m.Types {
		p.types[t] = &Type{Name: t.Name, Doc: t.Description, Loc: t.Loc, Schema: t,
			Kind: map[schema.Kind]TypeKind{schema.Object: Struct, schema.Enum: Enum, schema.Union: Union}[t.Kind]}
	}
	for _, t := range m.Types {
		it := p.types[t]
		if it.Kind == 0 {
			return nil, fmt.Errorf("%s: ir: a %s cannot be a named type", t.Loc, t.Kind)
		}
		p.Types = append(p.Types, it)
	}
	if m.Order != nil {
		p.types[m.Order.Type].View = true
	}
	for _, it := range p.Types {
		it.Checks = p.checks(it.Schema.Checks, it.Schema.Kind, it.Schema.Format)
	}
	for _, it := range p.Types {
		switch it.Kind {
		case Struct:
			p.structType(it)
		case Enum:
			for _, v := range it.Schema.Values {
				it.Values = append(it.Values, EnumValue{JSON: v, Const: it.Name + schema.GoName(v)})
			}
		case Union:
			p.union(it)
		}
	}
	for _, r := range m.Roots {
		p.Documents = append(p.Documents, p.types[r])
	}
	for _, l := range m.Lifts {
		if from := p.types[l.From]; !slices.Contains(p.Documents, from) {
			p.Documents = append(p.Documents, from)
		}
	}
	if o := m.Order; o != nil {
		p.Order = &Order{Type: p.types[o.Type]}
		for _, k := range o.Keys {
			p.Order.Keys = append(p.Order.Keys, p.field(o.Type, k))
		}
	}
	for _, l := range m.Lifts {
		p.Lifts = append(p.Lifts, p.lift(l))
	}
	return p, nil
}

// TypeOf returns the named type of the model's type t.
func (p *Package) TypeOf(t *schema.Type) *Type { return p.types[t] }

// field returns the field of the struct t for f.
func (p *Package) field(t *schema.Type, f *schema.Field) *Field {
	for _, it := range p.types[t].Fields {
		if it.Schema == f {
			return it
		}
	}
	panic("ir: no field " + f.Name + " in " + t.Name)
}

// objectMethods are the methods generated on every struct, which its
// fields must not be named.
var objectMethods = []string{"MarshalJSON", "UnmarshalJSON", "AppendJSON"}

// Methods lists the methods generated on t that its fields must not be
// named like.
func (t *Type) Methods() []string {
	if t.Kind != Struct {
		return nil
	}
	ms := slices.Clone(objectMethods)
	if t.View {
		ms = append(ms, "SortKey")
	}
	return ms
}

func (p *Package) structType(it *Type) {
	t := it.Schema
	if t.Open || len(t.Patterns) > 0 {
		x := &Extra{GoName: ExtraField, Elem: &Value{Kind: Raw}}
		if t.Open {
			x.Others = x.Elem
			if t.Elem != nil {
				x.Others = p.value(t.Elem)
			}
		}
		for _, pp := range t.Patterns {
			match := p.check(&Check{Kind: CheckPattern, Schema: &schema.Checks{Pattern: pp.Pattern, PatternRE2: pp.PatternRE2}})
			x.Patterns = append(x.Patterns, &PatternValue{Match: match, Value: p.value(pp.Type), Nullable: pp.Nullable})
		}
		if len(t.Patterns) == 0 && t.Elem != nil { // the members are held as their schema says
			x.Elem, x.Nullable = x.Others, t.ElemNullable
			x.Ptr = x.Nullable && !x.Elem.NaturalNil()
		}
		it.Extra = x
	}
	// Field names are the schema's Go names, with Field appended while a
	// method of the type, or the field of the undeclared members, has it.
	members := it.Methods()
	if it.Extra != nil {
		members = append(members, it.Extra.GoName)
	}
	taken := map[string]bool{}
	for _, m := range members {
		taken[m] = true
	}
	for _, f := range t.Fields {
		taken[f.GoName] = true // the schema makes these unique
	}
	for _, f := range t.Fields {
		name := f.GoName
		if slices.Contains(members, name) {
			for name += "Field"; taken[name]; name += "Field" {
			}
			taken[name] = true
		}
		v := p.value(f.Type)
		fl := &Field{JSON: f.Name, GoName: name, Doc: f.Description, Loc: f.Loc, Required: f.Required,
			Nullable: f.Nullable, Value: v, Schema: f, ReadOnly: f.ReadOnly, WriteOnly: f.WriteOnly}
		if !f.Required && !f.Nullable && f.Default != "" {
			fl.Default = f.Default
		}
		switch {
		case v.NaturalNil():
			fl.Storage = Nilable
		case f.Nullable || !(f.Required || fl.Defaulted()):
			fl.Storage = Pointer
		default:
			fl.Storage = Direct
		}
		fl.Omit = !f.Required && !f.Nullable && !fl.Defaulted()
		it.Fields = append(it.Fields, fl)
	}
}

// value is the Go form of a value of t.
func (p *Package) value(t *schema.Type) *Value {
	v := &Value{Schema: t}
	switch t.Kind {
	case schema.String:
		v.Kind = String
		if t.Timestamp() {
			v.Kind = DateTime
		}
	case schema.Integer:
		v.Kind = Int
	case schema.Number:
		v.Kind = Float
	case schema.Boolean:
		v.Kind = Bool
	case schema.Any:
		v.Kind = Raw
	case schema.Array, schema.Map:
		v.Kind = Slice
		if t.Kind == schema.Map {
			v.Kind = Map
		}
		v.Elem = p.value(t.Elem)
		v.ElemNullable = t.ElemNullable
		v.ElemPtr = t.ElemNullable && !v.Elem.NaturalNil()
		if len(t.Prefix) > 0 || t.NoMore { // the items are kept as written
			v.Positional = true
			for _, pt := range t.Prefix {
				v.Prefix = append(v.Prefix, p.value(pt))
			}
			v.PrefixNullable = t.PrefixNullable
			if !t.NoMore {
				v.Rest, v.RestNullable = v.Elem, v.ElemNullable
			}
			v.Elem, v.ElemNullable, v.ElemPtr = &Value{Kind: Raw}, false, false
		}
	default:
		v.Kind, v.Type = Named, p.types[t]
		v.Checks = v.Type.Checks
		return v
	}
	v.Checks = p.checks(t.Checks, t.Kind, t.Format)
	if p.values[t] != nil { // a recursive any value
		return p.values[t]
	}
	p.values[t] = v
	for _, g := range t.Guards {
		v.Guards = append(v.Guards, p.value(g))
	}
	for _, a := range t.Alternatives {
		v.Alternatives = append(v.Alternatives, p.value(a))
	}
	for _, a := range t.All {
		v.All = append(v.All, p.value(a))
	}
	if len(v.Alternatives) > 0 {
		p.alternatives++
		v.ID = len(p.Types) + p.alternatives
	}
	v.OneOf = t.OneOf
	for _, a := range []struct {
		t   *schema.Type
		dst **Value
	}{{t.Not, &v.Not}, {t.If, &v.If}, {t.Then, &v.Then}, {t.Else, &v.Else}} {
		if a.t != nil {
			*a.dst = p.value(a.t)
		}
	}
	return v
}

// union fills the alternatives of the union it.
func (p *Package) union(it *Type) {
	u := it.Schema
	objects := 0
	for _, v := range u.Variants {
		if schema.JSONKind(v) == "object" {
			objects++
		}
	}
	it.Dispatch, it.OneOf = u.Dispatch, u.OneOf
	it.KindType = it.Name + "Kind"
	for i := 2; slices.ContainsFunc(p.Model.Types, func(t *schema.Type) bool { return t.Name == it.KindType }); i++ {
		it.KindType = fmt.Sprintf("%sKind%d", it.Name, i)
	}
	if u.Tag != nil {
		it.Tag = u.Tag.Property
	}
	for _, v := range u.Variants {
		kind := schema.JSONKind(v)
		name := variantName(kind)
		iv := &Variant{JSONKind: kind, Value: p.value(v)}
		if kind == "object" && objects > 1 {
			name, iv.Ptr = v.Name, true
			if slices.Contains([]string{"Kind", "String", "Integer", "Number", "Boolean", "Array"}, name) {
				name += "Object"
			}
			if u.Tag != nil {
				iv.Tags = u.Tag.Values[len(it.Objects)]
			}
			it.Objects = append(it.Objects, iv)
		}
		iv.Name, iv.Const, iv.Ctor = name, it.Name+name, name+it.Name
		it.Variants = append(it.Variants, iv)
	}
}

func (p *Package) lift(l *schema.Lift) *Lift {
	il := &Lift{From: p.types[l.From], Into: p.types[l.Into], Schema: l}
	for _, target := range l.Into.Fields {
		lt := LiftTarget{Field: p.field(l.Into, target)}
		path := []*schema.Field{l.From.Field(target.Name)}
		for _, s := range l.Set {
			if s.Field == target {
				path, lt.Set = s.Path, true
			}
		}
		t := l.From
		for _, f := range path {
			lt.Path = append(lt.Path, p.field(t, f))
			t = f.Type
		}
		il.Targets = append(il.Targets, lt)
	}
	for _, d := range l.Drop {
		il.Drop = append(il.Drop, p.field(l.From, d))
	}
	return il
}

// variantName names a union alternative by its JSON kind.
func variantName(kind string) string {
	switch kind {
	case "string":
		return "String"
	case "integer":
		return "Integer"
	case "number":
		return "Number"
	case "boolean":
		return "Boolean"
	case "array":
		return "Array"
	}
	return "Object"
}

// Uses reports whether a value of a kind that pred holds for occurs in
// the package, in any type.
func (p *Package) Uses(pred func(*Value) bool) bool {
	seen := map[*Type]bool{}
	seenValues := map[*Value]bool{}
	var walkType func(t *Type) bool
	var walk func(v *Value) bool
	walk = func(v *Value) bool {
		if v == nil || seenValues[v] {
			return false
		}
		seenValues[v] = true
		if pred(v) {
			return true
		}
		if v.Kind == Named {
			return walkType(v.Type)
		}
		for _, pv := range v.Prefix {
			if walk(pv) {
				return true
			}
		}
		for _, g := range append(append(slices.Clip(v.Guards), v.Alternatives...), v.All...) {
			if walk(g) {
				return true
			}
		}
		return walk(v.Elem) || walk(v.Rest) || walk(v.Not) || walk(v.If) || walk(v.Then) || walk(v.Else)
	}
	walkType = func(t *Type) bool {
		if seen[t] {
			return false
		}
		seen[t] = true
		for _, f := range t.Fields {
			if walk(f.Value) {
				return true
			}
		}
		for _, v := range t.Variants {
			if walk(v.Value) {
				return true
			}
		}
		if x := t.Extra; x != nil {
			if walk(x.Elem) || walk(x.Others) {
				return true
			}
			for _, pv := range x.Patterns {
				if walk(pv.Value) {
					return true
				}
			}
		}
		return false
	}
	for _, t := range p.Types {
		if walkType(t) {
			return true
		}
	}
	return false
}

// IsKind returns a predicate for Uses: values of kind k.
func IsKind(k Kind) func(*Value) bool { return func(v *Value) bool { return v.Kind == k } }
