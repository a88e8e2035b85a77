// Package schema holds flightline's schema files, the single source of truth
// for the cluster timeline, and loads a schema, from JSON Schema or OpenAPI,
// into the Model that the generator turns into Go.
//
// The Model is a small intermediate representation: named types (objects,
// enums, unions) with their fields, and the merge annotations that drive the
// generated ordering and lift helpers. Everything the generator needs is
// decided here, so two schemas that mean the same thing (a JSON Schema file
// and the OpenAPI document a FastAPI service publishes) load into equal
// Models and generate identical code.
package schema

import (
	"reflect"
	"regexp"
)

// A Model is a loaded schema: the named types reachable from its roots and
// the annotations that ask for merge helpers.
type Model struct {
	// Roots are the types the schema documents describe, in load order.
	Roots []*Type
	// Types are every named type (object, enum, union), roots first, then
	// in the order a depth-first walk of the roots' fields meets them.
	Types []*Type
	// Order is the merge order declared with x-flightline-order, or nil.
	Order *Order
	// Lifts are the conversions declared with x-flightline-lift.
	Lifts []*Lift
}

// Kind is the shape of a Type.
type Kind int

// The kinds of types a Model holds. String, Integer, Number, Boolean, Array,
// Map and Any are anonymous; Object, Enum and Union are named. Any admits
// every JSON value and stays raw JSON in Go.
const (
	String Kind = iota + 1
	Integer
	Number
	Boolean
	Array
	Map
	Object
	Enum
	Union
	Any
)

var kindNames = [...]string{
	String: "string", Integer: "integer", Number: "number", Boolean: "boolean",
	Array: "array", Map: "map", Object: "object", Enum: "enum", Union: "union", Any: "any",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Named reports whether types of kind k carry a name and become Go types of
// their own.
func (k Kind) Named() bool { return k == Object || k == Enum || k == Union }

// A Type is one schema type.
type Type struct {
	Kind Kind
	// Name is the Go type name of a named type; empty for anonymous kinds.
	Name        string
	Description string
	// Loc is where the type is defined, as file#/json/pointer.
	Loc string

	// Format is the string format, such as "date-time".
	Format string

	// Fields are an object's properties, in schema order.
	Fields []*Field
	// Open reports that an object accepts properties it does not declare.
	// Elem is then the type of their values, or nil for any value.
	Open bool
	// Patterns are the schemas of an object's or a map's members whose
	// names match a pattern (patternProperties), in schema order. A member
	// that matches one is not an undeclared one.
	Patterns []*PatternProperty

	// Values are an enum's values, in schema order.
	Values []string

	// Elem is the item type of an array or the value type of a map, or
	// of an open object's undeclared members.
	Elem *Type
	// Prefix are the types of an array's first items (prefixItems), Elem
	// then that of the items after them; NoMore says there may be none
	// (items: false).
	Prefix         []*Type
	PrefixNullable []bool
	NoMore         bool
	// ElemNullable reports that array items or map values may be null.
	ElemNullable bool

	// Variants are a union's alternatives. Each has a different JSON kind,
	// except that an integer and a number variant may stand together (a
	// literal without fraction or exponent is the integer one) and that
	// several may be object types, which Dispatch tells apart.
	Variants []*Type
	// OneOf reports a union written with oneOf: a value must fit exactly
	// one alternative.
	OneOf    bool
	Dispatch Dispatch
	// Tag is the discriminator of a DispatchTag union.
	Tag *Tag

	// Checks are the assertions on values beyond their kind, or nil.
	Checks *Checks
	// Guards are the typed views of an Any whose schema says no type but
	// constrains values of some kinds (minimum, properties, items, ...):
	// a value of a guard's JSON kind must fit it, any other passes.
	Guards []*Type
	// Alternatives are, for an Any, the schemas of which its values must
	// fit one (all but one, with OneOf); Not is one they must not fit;
	// If, Then and Else are if, then and else. Each is tried on the value.
	Alternatives   []*Type
	Not            *Type
	If, Then, Else *Type
	// All are the schemas of allOf, which its values must all fit.
	All []*Type
}

// Checks are the assertions on the values of a type beyond their kind.
// Each applies to values of the JSON kind it constrains.
type Checks struct {
	// Minimum, ExclusiveMinimum, Maximum and ExclusiveMaximum bound
	// numbers, compared exactly as the decimals written.
	Minimum, ExclusiveMinimum, Maximum, ExclusiveMaximum string
	// MultipleOf is a decimal above zero that numbers must be a whole
	// multiple of, exactly.
	MultipleOf string
	// MinLength and MaxLength bound the length of strings in code points;
	// MinItems and MaxItems the items of arrays; MinProperties and
	// MaxProperties the members of objects. Nil when not bounded.
	MinLength, MaxLength, MinItems, MaxItems, MinProperties, MaxProperties *uint64
	// Pattern is the ECMA-262 regular expression strings must match
	// somewhere, and PatternRE2 the same expression as Go's regexp
	// reads it.
	Pattern, PatternRE2 string
	// UniqueItems says no two items of an array may be equal JSON values.
	UniqueItems bool
	// AssertFormat says that strings must be of their Format.
	AssertFormat bool
	// Values, when not nil, are the only values allowed (enum or const
	// of values that are not all strings), as canonical JSON texts.
	Values []string
}

// Empty reports whether c checks nothing.
func (c *Checks) Empty() bool { return c == nil || reflect.DeepEqual(*c, Checks{}) }

// Equal reports whether c and d check the same.
func (c *Checks) Equal(d *Checks) bool { return c.Empty() && d.Empty() || reflect.DeepEqual(c, d) }

// Timestamp reports whether values of t are timestamps to be compared as
// instants (format date-time).
func (t *Type) Timestamp() bool { return t.Kind == String && t.Format == "date-time" }

// Field returns the object field with the JSON name name, or nil.
func (t *Type) Field(name string) *Field {
	for _, f := range t.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// A PatternProperty is the schema of the members whose names match a
// pattern.
type PatternProperty struct {
	// Pattern is the ECMA-262 regular expression, PatternRE2 the same as
	// Go's regexp reads it.
	Pattern, PatternRE2 string
	Type                *Type
	Nullable            bool
	Loc                 string

	re *regexp.Regexp // PatternRE2 compiled, once
}

// Regexp returns PatternRE2 compiled. The builder keeps the expression it
// compiled when it checked the pattern; one built elsewhere is compiled on
// its first use.
func (p *PatternProperty) Regexp() *regexp.Regexp {
	if p.re == nil || p.re.String() != p.PatternRE2 {
		p.re = regexp.MustCompile(p.PatternRE2)
	}
	return p.re
}

// A Field is one property of an object type.
type Field struct {
	// Name is the JSON property name.
	Name string
	// GoName is the exported Go field name.
	GoName      string
	Description string
	Type        *Type
	Required    bool
	// Nullable reports that the value may be null.
	Nullable bool
	// Default is the JSON text of the schema default, or "" when none.
	Default string
	// ReadOnly and WriteOnly are the schema's annotations: the value is
	// the producer's to set, or the consumer's.
	ReadOnly, WriteOnly bool
	Loc                 string
}

// An Order is the ordering of an object type's values declared with
// x-flightline-order: by each key field in turn, timestamps by instant.
type Order struct {
	Type *Type
	Keys []*Field
}

// KeyNames names the order's keys, each compared as an instant marked so:
// "at (as an instant)", "nodeId".
func (o *Order) KeyNames() []string {
	var names []string
	for _, k := range o.Keys {
		if k.Type.Timestamp() {
			names = append(names, k.Name+" (as an instant)")
		} else {
			names = append(names, k.Name)
		}
	}
	return names
}

// A Lift converts values of one object type into another, declared on the
// source type with x-flightline-lift: fields of the same name are copied,
// Set fields are taken from a path into the source, Drop fields are left
// behind.
type Lift struct {
	From, Into *Type
	Set        []LiftSet
	Drop       []*Field
}

// A LiftSet fills Field of the target from the source field reached by
// following Path.
type LiftSet struct {
	Field *Field
	Path  []*Field
}
