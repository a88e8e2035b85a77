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

import "github.com/flightline-dev/flightline/schema"

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
