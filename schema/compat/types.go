package compat

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

// typePair is a type of OLD and the type of NEW found at the same place.
type typePair struct{ old, new *schema.Type }

// comparer walks two models together. It remembers the changes of each
// pair of types, relative to where the pair is met, so that a type used in
// several places is compared once and its changes are reported at each.
type comparer struct {
	memo map[typePair][]Change
	// busy holds the pairs being compared, by their depth on the walk.
	busy map[typePair]int
}

// types returns the changes from old to new, with pointers relative to the
// place where they are met. The walk does not go into a pair it is already
// comparing (a recursive type), so every change inside a recursive type is
// reported once, at the shallowest place, not again at each level.
//
// top is the smallest depth of a busy pair the walk ran into below this
// one, or a large number; a result that ran into a pair above it is
// incomplete and is not remembered.
func (c *comparer) types(old, new *schema.Type, depth int) (changes []Change, top int) {
	key := typePair{old, new}
	if got, ok := c.memo[key]; ok {
		return got, maxDepth
	}
	if d, ok := c.busy[key]; ok {
		return nil, d
	}
	c.busy[key] = depth
	w := &walk{c: c, depth: depth, top: maxDepth}
	w.shapes(old, new)
	delete(c.busy, key)
	if w.top >= depth {
		c.memo[key] = w.out
	}
	return w.out, w.top
}

const maxDepth = int(^uint(0) >> 1)

// walk collects the changes of one pair of types.
type walk struct {
	c     *comparer
	depth int
	top   int
	out   []Change
}

func (w *walk) add(kind Kind, breaks Direction, old, new string, format string, args ...any) {
	w.out = append(w.out, Change{Kind: kind, Breaks: breaks, OldLoc: old, NewLoc: new, Message: fmt.Sprintf(format, args...)})
}

// below compares a pair of inner types found at token (a property name,
// or itemsToken) below this one, or at the same place for "".
func (w *walk) below(token string, old, new *schema.Type) {
	changes, top := w.c.types(old, new, w.depth+1)
	w.top = min(w.top, top)
	if token != "" {
		changes = under(changes, token)
	}
	w.out = append(w.out, changes...)
}

// shapes compares two types found at the same place.
func (w *walk) shapes(old, new *schema.Type) {
	if old.Kind == new.Kind && old.Kind.Named() {
		w.named(old, new)
	}
	switch {
	case old.Kind == schema.Any && new.Kind == schema.Any:
		w.anyValues(old, new)
	case old.Kind == schema.Any:
		w.add(TypeNarrowed, Backward, old.Loc, new.Loc, "type narrowed from any to %s", describe(new))
	case new.Kind == schema.Any:
		w.add(TypeWidened, Forward, old.Loc, new.Loc, "type widened from %s to any", describe(old))
	case old.Kind == schema.Union || new.Kind == schema.Union:
		w.alternatives(old, new)
	case schema.JSONKind(old) == schema.JSONKind(new):
		w.sameKind(old, new)
	default:
		w.alternatives(old, new)
	}
}

// named reports a new Go name or description of a named type.
func (w *walk) named(old, new *schema.Type) {
	if old.Name != new.Name {
		w.add(TypeRenamed, None, old.Loc, new.Loc, "the generated Go type %s is renamed %s; dumps are unaffected", old.Name, new.Name)
	}
	if old.Description != new.Description {
		w.add(DescriptionChanged, None, old.Loc, new.Loc, "the description of %s changes", new.Name)
	}
}

// sameKind compares two non-union types of one JSON kind.
func (w *walk) sameKind(old, new *schema.Type) {
	switch {
	case old.Kind == new.Kind:
		switch old.Kind {
		case schema.String:
			w.format(old, new)
		case schema.Enum:
			w.enum(old, new)
		case schema.Array:
			w.prefix(old, new)
			w.elems(old, new)
		case schema.Map:
			w.elems(old, new)
		case schema.Object:
			w.object(old, new)
		}
		w.checks(old, new)
	case old.Kind == schema.String: // to an enum
		w.add(TypeNarrowed, Backward, old.Loc, new.Loc, "type narrowed from %s to %s of %d values", describe(old), describe(new), len(new.Values))
	case new.Kind == schema.String: // from an enum
		w.add(TypeWidened, Forward, old.Loc, new.Loc, "type widened from %s to %s", describe(old), describe(new))
	case old.Kind == schema.Map && old.Elem.Kind == schema.Any:
		w.add(TypeNarrowed, Backward, old.Loc, new.Loc, "type narrowed from %s to %s", describe(old), describe(new))
	case new.Kind == schema.Map && new.Elem.Kind == schema.Any:
		w.add(TypeWidened, Forward, old.Loc, new.Loc, "type widened from %s to %s", describe(old), describe(new))
	default:
		w.add(TypeChanged, Both, old.Loc, new.Loc, "type changed from %s to %s", describe(old), describe(new))
	}
}

// format compares the formats of two strings.
func (w *walk) format(old, new *schema.Type) {
	switch {
	case old.Format == new.Format:
	case old.Format == "":
		w.add(FormatAdded, Backward, old.Loc, new.Loc, "format %q is added: strings that are not %s are rejected", new.Format, new.Format)
	case new.Format == "":
		w.add(FormatRemoved, Forward, old.Loc, new.Loc, "format %q is removed: strings that are not %s are accepted", old.Format, old.Format)
	default:
		w.add(FormatChanged, Both, old.Loc, new.Loc, "format changes from %q to %q", old.Format, new.Format)
	}
}

// enum compares the values of two enums.
func (w *walk) enum(old, new *schema.Type) {
	removed := without(old.Values, new.Values)
	added := without(new.Values, old.Values)
	for _, v := range removed {
		hint := ""
		if len(removed) == 1 && len(added) == 1 {
			hint = fmt.Sprintf(" (renamed to %q?)", added[0])
		}
		w.add(EnumValueRemoved, Backward, old.Loc, new.Loc, "value %q of %s is removed%s", v, old.Name, hint)
	}
	for _, v := range added {
		w.add(EnumValueAdded, Forward, old.Loc, new.Loc, "value %q is added to %s", v, new.Name)
	}
	if a, b := without(old.Values, removed), without(new.Values, added); !slices.Equal(a, b) {
		w.add(EnumValuesReordered, None, old.Loc, new.Loc, "the values of %s change order: %s (generated code lists them in this order)",
			new.Name, strings.Join(b, ", "))
	}
}

// elems compares the items of two arrays or the values of two maps.
func (w *walk) elems(old, new *schema.Type) {
	what := map[schema.Kind]string{schema.Array: "items", schema.Map: "values"}[new.Kind]
	switch {
	case old.ElemNullable && !new.ElemNullable:
		w.out = append(w.out, under([]Change{{Kind: BecameNonNullable, Breaks: Backward, OldLoc: old.Loc, NewLoc: new.Loc,
			Message: fmt.Sprintf("%s may no longer be null", what)}}, itemsToken)...)
	case !old.ElemNullable && new.ElemNullable:
		w.out = append(w.out, under([]Change{{Kind: BecameNullable, Breaks: Forward, OldLoc: old.Loc, NewLoc: new.Loc,
			Message: fmt.Sprintf("%s may now be null", what)}}, itemsToken)...)
	}
	w.below(itemsToken, old.Elem, new.Elem)
}

// prefix compares the schemas of the first items of two arrays.
func (w *walk) prefix(old, new *schema.Type) {
	for i := range max(len(old.Prefix), len(new.Prefix)) {
		switch {
		case i >= len(old.Prefix):
			w.add(AssertionAdded, Backward, old.Loc, new.Loc, "the item at %d is checked against a schema of its own (prefixItems)", i)
		case i >= len(new.Prefix):
			w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "the item at %d is no longer checked against a schema of its own (prefixItems)", i)
		default:
			w.below(fmt.Sprint(i), old.Prefix[i], new.Prefix[i])
		}
	}
	switch {
	case old.NoMore == new.NoMore:
	case new.NoMore:
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "items false is added: no items beyond the first %d", len(new.Prefix))
	default:
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "items false is removed: items beyond the first %d are accepted", len(old.Prefix))
	}
}

// alternatives compares two types of which at least one is a union, or two
// types of different JSON kinds: alternatives of the same JSON kind are
// compared, the others are added or removed. An integer alternative beside
// a number one adds or removes no values.
func (w *walk) alternatives(old, new *schema.Type) {
	oa, na := variants(old), variants(new)
	single := objectCount(oa) == 1 && objectCount(na) == 1
	var removed, added []*schema.Type
	for _, o := range oa {
		if n := counterpart(na, o, single); n != nil {
			w.below("", o, n)
		} else {
			removed = append(removed, o)
		}
	}
	for _, n := range na {
		if counterpart(oa, n, single) == nil {
			added = append(added, n)
		}
	}
	if old.Kind == schema.Union && new.Kind == schema.Union {
		w.variants(old, new, removed, added)
		return
	}
	var breaks Direction
	for _, o := range removed {
		breaks |= removedBreaks(o, na)
	}
	for _, n := range added {
		breaks |= addedBreaks(n, oa)
	}
	if len(removed)+len(added) == 0 {
		return
	}
	kind := map[Direction]Kind{Backward: TypeNarrowed, Forward: TypeWidened, Both: TypeChanged, None: TypeEquivalent}[breaks]
	verb := map[Kind]string{TypeNarrowed: "narrowed", TypeWidened: "widened", TypeChanged: "changed", TypeEquivalent: "rewritten"}[kind]
	msg := fmt.Sprintf("type %s from %s to %s", verb, describe(old), describe(new))
	if kind == TypeEquivalent {
		msg += "; the same values are accepted"
	}
	w.add(kind, breaks, old.Loc, new.Loc, "%s", msg)
}

// variants reports the alternatives a union lost and gained.
func (w *walk) variants(old, new *schema.Type, removed, added []*schema.Type) {
	for _, o := range removed {
		b := removedBreaks(o, new.Variants)
		note := ""
		switch {
		case b == None:
			note = "; integers are still accepted as numbers"
		case o.Kind == schema.Number && byKind(new.Variants, "integer") != nil:
			note = "; only whole numbers are still accepted"
		}
		w.add(VariantRemoved, b, o.Loc, new.Loc, "the %s alternative of %s is removed%s", describe(o), old.Name, note)
	}
	for _, n := range added {
		b := addedBreaks(n, old.Variants)
		note := ""
		if b == None {
			note = "; integers were already accepted as numbers"
		}
		w.add(VariantAdded, b, old.Loc, n.Loc, "a %s alternative is added to %s%s", describe(n), new.Name, note)
	}
}

// removedBreaks is what losing alternative o breaks when the others are
// rest: backward, except for integers that a number alternative still takes.
func removedBreaks(o *schema.Type, rest []*schema.Type) Direction {
	if o.Kind == schema.Integer && byKind(rest, "number") != nil {
		return None
	}
	return Backward
}

// addedBreaks is what gaining alternative n breaks when the old ones were
// rest: forward, except for integers that a number alternative took.
func addedBreaks(n *schema.Type, rest []*schema.Type) Direction {
	if n.Kind == schema.Integer && byKind(rest, "number") != nil {
		return None
	}
	return Forward
}

// variants lists a union's alternatives, or t alone.
func variants(t *schema.Type) []*schema.Type {
	if t.Kind == schema.Union {
		return t.Variants
	}
	return []*schema.Type{t}
}

// counterpart finds the alternative among ts that pairs with v: the one
// of its JSON kind, or, among several objects, the one of its name; with
// single (each version has one object), the object.
func counterpart(ts []*schema.Type, v *schema.Type, single bool) *schema.Type {
	kind := schema.JSONKind(v)
	var objects []*schema.Type
	for _, t := range ts {
		if schema.JSONKind(t) == kind && kind == "object" {
			objects = append(objects, t)
		}
	}
	if kind != "object" {
		return byKind(ts, kind)
	}
	for _, o := range objects {
		if o.Name == v.Name {
			return o
		}
	}
	if single {
		return objects[0]
	}
	return nil
}

func objectCount(ts []*schema.Type) int {
	n := 0
	for _, t := range ts {
		if schema.JSONKind(t) == "object" {
			n++
		}
	}
	return n
}

func byKind(ts []*schema.Type, kind string) *schema.Type {
	for _, t := range ts {
		if schema.JSONKind(t) == kind {
			return t
		}
	}
	return nil
}

// without returns the values of a that are not in b, in a's order.
func without(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, v := range b {
		in[v] = true
	}
	var out []string
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}

// describe names a type in messages: "integer", "string (date-time)",
// "enum Phase", "array of string", "string|integer".
func describe(t *schema.Type) string {
	switch t.Kind {
	case schema.String:
		if t.Format != "" {
			return "string (" + t.Format + ")"
		}
	case schema.Object, schema.Enum:
		return t.Kind.String() + " " + t.Name
	case schema.Array:
		return "array of " + describe(t.Elem)
	case schema.Map:
		return "map of " + describe(t.Elem)
	case schema.Union:
		var kinds []string
		for _, v := range t.Variants {
			kinds = append(kinds, schema.JSONKind(v))
		}
		return strings.Join(kinds, "|")
	}
	return t.Kind.String()
}
