// Package compat compares two versions of a timeline schema and classifies
// every change by whom it breaks, so that a schema edit can be reviewed
// before dumps and generated code meet it.
//
// Two readers can break:
//
//   - Backward: the NEW schema no longer accepts every dump that was valid
//     under OLD (recorded dumps stop validating).
//   - Forward: code generated from OLD, whose decoders reject unknown keys
//     and unknown enum values, no longer reads every dump valid under NEW.
//
// The two models are walked together from their roots. Roots are paired by
// type name, then the rest by position; object fields by JSON name; union
// alternatives by JSON kind. Go type names play no part in the pairing: a
// renamed $defs entry is the same type to a dump (it is reported as a
// compatible type-renamed change, since generated Go code changes).
//
// The rules, by Kind:
//
//	kind                   breaks     when
//	field-removed          backward   a field goes (unless NEW's object is open); also forward when it was required
//	field-added            forward    a field appears (unless OLD's object was open); also backward when it is
//	                                  required, or when OLD's object was open and the field is not of type any
//	became-required        backward   an optional field becomes required
//	became-optional        forward    a required field becomes optional
//	became-non-nullable    backward   a field, or array items or map values (/*), may no longer be null
//	became-nullable        forward    ... may now be null
//	became-closed          backward   an object stops accepting undeclared properties
//	became-open            forward    an object starts accepting them
//	enum-value-removed     backward   an enum value goes (a rename is a removal and an addition)
//	enum-value-added       forward    an enum value appears
//	enum-values-reordered  none       the common values change order (Phases() and lifecycle order follow it)
//	union-variant-removed  backward   an alternative of a union goes; none for integer beside number
//	union-variant-added    forward    an alternative appears; none for integer beside number
//	type-narrowed          backward   fewer values: number to integer, any to T, string to enum, T|U to T, map of any to object
//	type-widened           forward    more values: the reverse of each of these
//	type-changed           both       a different kind altogether (string to integer, object to array)
//	type-equivalent        none       the same values written differently (integer|number to number)
//	format-added           backward   a string gains a format such as date-time
//	format-removed         forward    a string loses its format
//	format-changed         both       a string's format changes
//	order-added            backward   x-flightline-order appears: OLD dumps need not be sorted that way
//	order-removed          forward    it goes: OLD code still checks the order NEW dumps need not follow
//	order-changed          backward   keys are appended (OLD's keys are a prefix of NEW's)
//	                       forward    keys are dropped from the end (NEW's are a prefix of OLD's)
//	                       both       any other change, such as a key compared as an instant under one
//	                                  version and as text under the other
//	lift-added, lift-removed, lift-changed
//	                       none       x-flightline-lift changes: dumps stay valid, lifted entries change
//	root-removed           backward   a root type has no counterpart in NEW
//	root-added             none       a new root type, which no dump or code knew
//	type-renamed           none       a named type's Go name changes
//	description-changed    none       a description changes
//	default-changed        none       a field's default changes
//	fields-reordered       none       the common fields change order (generated encoders write it)
//	assertion-added        backward   an assertion appears: minimum, maxLength, pattern, minItems,
//	                                  uniqueItems, maxProperties, a checked format, an enum or const of
//	                                  any values, a patternProperties pattern, a prefixItems place, ...
//	assertion-removed      forward    an assertion goes
//	assertion-tightened    backward   a bound allows fewer values: a higher minimum, a lower maxLength,
//	                                  a multipleOf that is a multiple of the old one
//	assertion-loosened     forward    a bound allows more values
//	assertion-changed      both       an assertion changes so that each version allows values the
//	                                  other does not: another pattern, another multipleOf
package compat

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

// Direction is the set of readers a change breaks.
type Direction uint8

// The directions. A change breaks None, Backward, Forward or Both.
const (
	// Backward: NEW rejects some dump valid under OLD.
	Backward Direction = 1 << iota
	// Forward: code generated from OLD rejects some dump valid under NEW.
	Forward

	None Direction = 0
	Both           = Backward | Forward
)

// String names the class of a change as the diff command prints it.
func (d Direction) String() string {
	switch d {
	case Backward:
		return "backward-breaking"
	case Forward:
		return "forward-breaking"
	case Both:
		return "breaking both ways"
	}
	return "compatible"
}

// Names lists the directions broken, "backward" first.
func (d Direction) Names() []string {
	names := []string{}
	if d&Backward != 0 {
		names = append(names, "backward")
	}
	if d&Forward != 0 {
		names = append(names, "forward")
	}
	return names
}

// MarshalJSON writes d as a list of names, such as ["backward","forward"].
func (d Direction) MarshalJSON() ([]byte, error) { return json.Marshal(d.Names()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Direction) UnmarshalJSON(data []byte) error {
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return err
	}
	*d = None
	for _, n := range names {
		switch n {
		case "backward":
			*d |= Backward
		case "forward":
			*d |= Forward
		default:
			return fmt.Errorf("unknown direction %q; want backward or forward", n)
		}
	}
	return nil
}

// Kind says what changed; the package documentation lists the kinds.
type Kind string

// The kinds of change.
const (
	RootAdded           Kind = "root-added"
	RootRemoved         Kind = "root-removed"
	FieldAdded          Kind = "field-added"
	FieldRemoved        Kind = "field-removed"
	BecameRequired      Kind = "became-required"
	BecameOptional      Kind = "became-optional"
	BecameNullable      Kind = "became-nullable"
	BecameNonNullable   Kind = "became-non-nullable"
	BecameOpen          Kind = "became-open"
	BecameClosed        Kind = "became-closed"
	EnumValueAdded      Kind = "enum-value-added"
	EnumValueRemoved    Kind = "enum-value-removed"
	EnumValuesReordered Kind = "enum-values-reordered"
	VariantAdded        Kind = "union-variant-added"
	VariantRemoved      Kind = "union-variant-removed"
	TypeNarrowed        Kind = "type-narrowed"
	TypeWidened         Kind = "type-widened"
	TypeChanged         Kind = "type-changed"
	TypeEquivalent      Kind = "type-equivalent"
	FormatAdded         Kind = "format-added"
	FormatRemoved       Kind = "format-removed"
	FormatChanged       Kind = "format-changed"
	OrderAdded          Kind = "order-added"
	OrderRemoved        Kind = "order-removed"
	OrderChanged        Kind = "order-changed"
	LiftAdded           Kind = "lift-added"
	LiftRemoved         Kind = "lift-removed"
	LiftChanged         Kind = "lift-changed"
	TypeRenamed         Kind = "type-renamed"
	DescriptionChanged  Kind = "description-changed"
	DefaultChanged      Kind = "default-changed"
	FieldsReordered     Kind = "fields-reordered"
	AssertionAdded      Kind = "assertion-added"
	AssertionRemoved    Kind = "assertion-removed"
	AssertionTightened  Kind = "assertion-tightened"
	AssertionLoosened   Kind = "assertion-loosened"
	AssertionChanged    Kind = "assertion-changed"
)

// A Change is one difference between two schema versions.
type Change struct {
	// Root is the name of the root type (the document type) the change
	// concerns: NEW's, or OLD's for a removed root.
	Root string `json:"root"`
	// Pointer is the JSON pointer, inside a document of that root, of the
	// values the change concerns: "" for the document itself, /phase for a
	// field, and /* for the items of an array or the values of a map, as in
	// /attrs/* or /timeline/*/phase.
	Pointer string `json:"pointer"`
	Kind    Kind   `json:"kind"`
	// Breaks is the set of readers the change breaks; None for a
	// compatible change.
	Breaks  Direction `json:"breaks"`
	Message string    `json:"message"`
	// OldLoc and NewLoc are where the schemas define what changed, as
	// file#/json/pointer; for an addition, OldLoc is where OLD would hold
	// it (the object a field is added to), and so on.
	OldLoc string `json:"oldLoc,omitempty"`
	NewLoc string `json:"newLoc,omitempty"`
}

// Compare lists the changes from old to new, ordered by root, pointer,
// kind and message.
func Compare(old, new *schema.Model) []Change {
	c := &comparer{memo: map[typePair][]Change{}, busy: map[typePair]int{}}
	roots := pairRoots(old.Roots, new.Roots)
	var out []Change
	for _, p := range roots {
		var changes []Change
		switch {
		case p.new == nil:
			changes = []Change{{Kind: RootRemoved, Breaks: Backward, OldLoc: p.old.Loc,
				Message: fmt.Sprintf("root type %s has no counterpart in the new schema", p.old.Name)}}
		case p.old == nil:
			changes = []Change{{Kind: RootAdded, NewLoc: p.new.Loc,
				Message: fmt.Sprintf("root type %s is new", p.new.Name)}}
		default:
			changes, _ = c.types(p.old, p.new, 0)
		}
		out = append(out, withRoot(changes, p.name())...)
	}
	out = append(out, compareOrders(old, new, roots)...)
	out = append(out, compareLifts(old, new, roots)...)
	sortChanges(out, roots)
	return out
}

// rootPair is a root of OLD and its counterpart in NEW; either is nil when
// it has none.
type rootPair struct{ old, new *schema.Type }

func (p rootPair) name() string {
	if p.new != nil {
		return p.new.Name
	}
	return p.old.Name
}

// pairRoots pairs roots of the same name, then the others by position.
// The pairs follow OLD's roots; NEW's unpaired roots come last.
func pairRoots(old, new []*schema.Type) []rootPair {
	pairs := make([]rootPair, len(old))
	used := make([]bool, len(new))
	for i, o := range old {
		pairs[i].old = o
		for j, n := range new {
			if !used[j] && n.Name == o.Name {
				pairs[i].new, used[j] = n, true
				break
			}
		}
	}
	j := 0
	for i := range pairs {
		if pairs[i].new != nil {
			continue
		}
		for j < len(new) && used[j] {
			j++
		}
		if j < len(new) {
			pairs[i].new, used[j] = new[j], true
		}
	}
	for j, n := range new {
		if !used[j] {
			pairs = append(pairs, rootPair{new: n})
		}
	}
	return pairs
}

func withRoot(changes []Change, root string) []Change {
	out := make([]Change, len(changes))
	for i, ch := range changes {
		ch.Root = root
		out[i] = ch
	}
	return out
}

// sortChanges orders changes by root (in the order of roots), pointer,
// kind and message, so that the output is deterministic.
func sortChanges(changes []Change, roots []rootPair) {
	rank := map[string]int{}
	for i, p := range roots {
		rank[p.name()] = i
	}
	slices.SortStableFunc(changes, func(a, b Change) int {
		return cmp.Or(
			cmp.Compare(rank[a.Root], rank[b.Root]),
			cmp.Compare(a.Pointer, b.Pointer),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Breaking reports whether any of changes breaks a reader in d.
func Breaking(changes []Change, d Direction) bool {
	return slices.ContainsFunc(changes, func(c Change) bool { return c.Breaks&d != 0 })
}

// itemsToken is the pointer token for any item of an array or value of a map.
const itemsToken = "*"

// childPointer appends the property name (or itemsToken) to pointer.
func childPointer(pointer, name string) string {
	if name == itemsToken {
		return pointer + "/" + name
	}
	return pointer + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

// under returns copies of changes with pointers below the child token.
func under(changes []Change, token string) []Change {
	out := make([]Change, len(changes))
	for i, ch := range changes {
		ch.Pointer = childPointer("", token) + ch.Pointer
		out[i] = ch
	}
	return out
}
