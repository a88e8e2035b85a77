// Package ir is the Go form of a schema: what each named type, field and
// value of a schema.Model becomes in Go, decided once, so that the
// emitters of package gen only write the decisions out.
//
// A Value is a place that holds a schema value (a field, an array item, a
// map value, a union alternative): its Go kind and the checks its values
// must pass. A Field adds how the struct holds it: directly, through a
// pointer, or in a type whose zero value is nil, whether it is left out of
// the encoding when absent, and the default that fills it.
package ir

import (
	"fmt"
	"slices"

	"github.com/flightline-dev/flightline/schema"
)

// A Package is the Go form of one Model.
type Package struct {
	Model *schema.Model
	// Types are the named Go types, in the Model's order.
	Types []*Type
	// Documents are the types a Validator checks whole documents of: the
	// roots, then the sources of lifts.
	Documents []*Type
	// Order is the ordered type's merge order, or nil.
	Order *Order
	Lifts []*Lift
	// Checks are the checks of values the package makes, each once.
	Checks []*Check

	types         map[*schema.Type]*Type
	values        map[*schema.Type]*Value // any values, which may hold themselves
	alternatives  int
	assertFormats bool
}

// Options change decisions of the Go form.
type Options struct {
	// AssertFormats checks the strings of every format flightline can
	// check, not only those the schema asks to be checked.
	AssertFormats bool
}

// TypeKind is the shape of a named Go type.
type TypeKind uint8

// The kinds of named types.
const (
	Struct TypeKind = iota + 1
	Enum
	Union
)

func (k TypeKind) String() string {
	switch k {
	case Struct:
		return "object"
	case Enum:
		return "enum"
	case Union:
		return "union"
	}
	return "invalid"
}

// A Type is a named Go type: a struct, a string enum or a sum type.
type Type struct {
	Kind   TypeKind
	Name   string
	Doc    string // the schema's description
	Loc    string
	Schema *schema.Type

	// Fields are a struct's fields, in schema order.
	Fields []*Field
	// Extra holds the members a struct does not declare, or is nil when
	// the object admits none.
	Extra *Extra

	// Values are an enum's values, in schema order.
	Values []EnumValue

	// Variants are a union's alternatives.
	Variants []*Variant
	// Objects are the object alternatives of a union that has several,
	// and Dispatch says how a value finds its own; Tag is the
	// discriminator's property, for a DispatchTag union. OneOf says that
	// a value must fit only one.
	Objects  []*Variant
	Dispatch schema.Dispatch
	Tag      string
	OneOf    bool
	// KindType names a union's type of kinds: its name and Kind, unless a
	// type of the schema has that name.
	KindType string

	// Checks are the checks of the type's own values: the members of a
	// struct, the string of an enum.
	Checks []*Check

	// View reports the ordered type, which has a view of its top-level
	// scalars read without copying.
	View bool
}

// ExtraField is the Go name of the field that holds the members an open
// object does not declare.
const ExtraField = "AdditionalProperties"

// Extra is how a struct holds the members its schema does not declare.
type Extra struct {
	GoName string
	// Elem is the value of such a member: any value, as written, for an
	// object that is merely open or whose members' names match patterns.
	// Nullable reports that it may be null, and Ptr that it is then held
	// through a pointer.
	Elem          *Value
	Nullable, Ptr bool
	// Patterns check the members whose names match a pattern; Others is
	// the value of the members that match none, or nil when the object
	// admits no such member.
	Patterns []*PatternValue
	Others   *Value
}

// A PatternValue is the value of the members whose names match the
// pattern that Match (a CheckPattern) holds.
type PatternValue struct {
	Match    *Check
	Value    *Value
	Nullable bool
}

// An EnumValue is one value of an enum and its Go constant.
type EnumValue struct {
	JSON  string
	Const string
}

// A Variant is one alternative of a union.
type Variant struct {
	// Name is the union's field that holds the alternative, named by its
	// JSON kind (String, Integer, Number, Boolean, Array or Object), or
	// by its type when several are objects.
	Name string
	// Const is the alternative's Kind constant, and Ctor its constructor.
	Const, Ctor string
	// JSONKind is the JSON kind of the alternative's values.
	JSONKind string
	Value    *Value
	// Ptr reports an object alternative held through a pointer: one of
	// several, each of which would otherwise take room in every value.
	Ptr bool
	// Tags are the discriminator's values that pick the alternative.
	Tags []string
}

// Storage is how a struct field holds its value.
type Storage uint8

// The storages of fields.
const (
	// Direct: the field holds the value; it is always present.
	Direct Storage = iota + 1
	// Pointer: the field points to the value; nil is null or absent.
	Pointer
	// Nilable: the value's Go type has nil for null or absent (a slice, a
	// map or raw JSON).
	Nilable
)

// A Field is one property of a struct.
type Field struct {
	// JSON is the property name; GoName the Go field's name.
	JSON, GoName string
	Doc          string
	Loc          string
	Required     bool
	Nullable     bool
	Storage      Storage
	// Omit reports a field left out of the encoding when nil: optional,
	// not nullable and without a default.
	Omit bool
	// Default is the JSON text of the default that fills the field when
	// it is absent, or "".
	Default string
	Value   *Value
	Schema  *schema.Field
	// ReadOnly and WriteOnly are the schema's annotations, for the docs.
	ReadOnly, WriteOnly bool
}

// Defaulted reports a field that is filled with its default when absent.
func (f *Field) Defaulted() bool { return f.Default != "" }

// Kind is how Go code holds a value.
type Kind uint8

// The kinds of values.
const (
	String   Kind = iota + 1 // string
	DateTime                 // the runtime's DateTime, for format date-time
	Int                      // the runtime's Int: any integer, exactly
	Float                    // float64
	Bool                     // bool
	Raw                      // json.RawMessage: any value, as written
	Named                    // a named Type
	Slice                    // []Elem
	Map                      // map[string]Elem
)

// A Value is a place that holds values of one schema type.
type Value struct {
	Kind Kind
	// Type is the named type of a Named value.
	Type *Type
	// Elem is the item of a Slice or the value of a Map; ElemNullable
	// reports that it may be null, and ElemPtr that it is then held
	// through a pointer.
	Elem         *Value
	ElemNullable bool
	ElemPtr      bool
	Schema       *schema.Type
	// Checks are the checks of the values, beyond their kind; those of a
	// named type are the type's.
	Checks []*Check
	// Guards are, for a Raw value, the typed views its values must fit
	// when of their JSON kind.
	Guards []*Value
	// Prefix are, for a Slice of Raw items, the values of its first items
	// (prefixItems); Rest is that of the items after them, or nil when
	// there may be none.
	Prefix         []*Value
	PrefixNullable []bool
	Rest           *Value
	RestNullable   bool
	// Positional reports a Slice whose items have the schema of their
	// place (Prefix, Rest).
	Positional bool
	// Alternatives, OneOf, Not, If, Then and Else are the schemas a Raw
	// value is tried against (see schema.Type); ID numbers a value with
	// Alternatives, for the scanner to remember the trials of.
	Alternatives   []*Value
	OneOf          bool
	Not            *Value
	If, Then, Else *Value
	All            []*Value
	ID             int
}

// JSONKind is the JSON kind of values of v, for a value of one kind:
// string, number (integers too), boolean, array or object; "" for a
// union or any value.
func (v *Value) JSONKind() string {
	switch v.Kind {
	case String, DateTime:
		return "string"
	case Int, Float:
		return "number"
	case Bool:
		return "boolean"
	case Slice:
		return "array"
	case Map:
		return "object"
	case Named:
		switch v.Type.Kind {
		case Struct:
			return "object"
		case Enum:
			return "string"
		}
	}
	return ""
}

// CheckOf returns the check of kind k of v, or nil.
func (v *Value) CheckOf(k CheckKind) *Check {
	for _, c := range v.Checks {
		if c.Kind == k {
			return c
		}
	}
	return nil
}

// NaturalNil reports kinds whose Go zero value already says "absent".
func (v *Value) NaturalNil() bool { return v.Kind == Slice || v.Kind == Map || v.Kind == Raw }

// Scalar reports values read as one token: strings, numbers, booleans
// and enums.
func (v *Value) Scalar() bool {
	switch v.Kind {
	case String, DateTime, Int, Float, Bool:
		return true
	case Named:
		return v.Type.Kind == Enum
	}
	return false
}

// Is reports whether v is of the named kind k.
func (v *Value) Is(k TypeKind) bool { return v.Kind == Named && v.Type.Kind == k }

// An Order is the merge order of the ordered type.
type Order struct {
	Type *Type
	Keys []*Field
}

// ViewFields are the fields of the ordered type its view holds: its
// top-level strings, enums and numbers.
func (o *Order) ViewFields() []*Field {
	var fs []*Field
	for _, f := range o.Type.Fields {
		switch {
		case f.Value.Kind == String, f.Value.Kind == DateTime, f.Value.Kind == Int, f.Value.Kind == Float, f.Value.Is(Enum):
			fs = append(fs, f)
		}
	}
	return fs
}

// A Lift converts values of one struct into another.
type Lift struct {
	From, Into *Type
	// Targets say where each field of Into comes from, in Into's order:
	// the path of fields followed from From.
	Targets []LiftTarget
	Drop    []*Field
	Schema  *schema.Lift
}

// A LiftTarget is a field of a lift's target and its source path. Set
// reports a source named by the lift rather than the field of the same
// name.
type LiftTarget struct {
	Field *Field
	Path  []*Field
	Set   bool
}

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
