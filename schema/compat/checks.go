package compat

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/flightline-dev/flightline/schema"
)

// The assertions (minimum, maxLength, pattern, uniqueItems, enum of any
// values, ...) compared: an assertion that appears, or allows fewer
// values, breaks backward; one that goes, or allows more, breaks forward;
// one that changes so that each version allows values the other does
// not breaks both.

// checks compares the assertions of two types of one kind.
func (w *walk) checks(old, new *schema.Type) {
	o, n := old.Checks, new.Checks
	if o == nil {
		o = &schema.Checks{}
	}
	if n == nil {
		n = &schema.Checks{}
	}
	// Bounds: a lower bound that rises, or an upper bound that falls,
	// allows fewer values.
	w.bound(old, new, "minimum", o.Minimum, n.Minimum, +1)
	w.bound(old, new, "exclusiveMinimum", o.ExclusiveMinimum, n.ExclusiveMinimum, +1)
	w.bound(old, new, "maximum", o.Maximum, n.Maximum, -1)
	w.bound(old, new, "exclusiveMaximum", o.ExclusiveMaximum, n.ExclusiveMaximum, -1)
	w.multipleOf(old, new, o.MultipleOf, n.MultipleOf)
	for _, c := range []struct {
		keyword  string
		old, new *uint64
		sign     int
	}{
		{"minLength", o.MinLength, n.MinLength, +1}, {"maxLength", o.MaxLength, n.MaxLength, -1},
		{"minItems", o.MinItems, n.MinItems, +1}, {"maxItems", o.MaxItems, n.MaxItems, -1},
		{"minProperties", o.MinProperties, n.MinProperties, +1}, {"maxProperties", o.MaxProperties, n.MaxProperties, -1},
	} {
		w.bound(old, new, c.keyword, countText(c.old), countText(c.new), c.sign)
	}
	switch {
	case o.Pattern == n.Pattern:
	case o.Pattern == "":
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "pattern %s is added: strings that do not match it are rejected", n.Pattern)
	case n.Pattern == "":
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "pattern %s is removed: strings that did not match it are accepted", o.Pattern)
	default:
		w.add(AssertionChanged, Both, old.Loc, new.Loc, "the pattern changes from %s to %s", o.Pattern, n.Pattern)
	}
	switch {
	case o.UniqueItems == n.UniqueItems:
	case n.UniqueItems:
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "uniqueItems is added: arrays with two equal items are rejected")
	default:
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "uniqueItems is removed: arrays with two equal items are accepted")
	}
	switch {
	case o.AssertFormat == n.AssertFormat:
	case n.AssertFormat:
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "format %q is now checked: strings that are not one are rejected", new.Format)
	default:
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "format %q is no longer checked", old.Format)
	}
	w.values(old, new, o.Values, n.Values)
}

// countText is a count as a number's text, or "" for none.
func countText(n *uint64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatUint(*n, 10)
}

// bound compares one bound of a keyword; sign is +1 for a lower bound
// (a larger one allows fewer values) and -1 for an upper one.
func (w *walk) bound(old, new *schema.Type, keyword, o, n string, sign int) {
	switch {
	case o == n:
	case o == "":
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "%s %s is added: fewer values are accepted", keyword, n)
	case n == "":
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "%s %s is removed: more values are accepted", keyword, o)
	default:
		switch c := schema.CompareNumbers(n, o) * sign; {
		case c > 0:
			w.add(AssertionTightened, Backward, old.Loc, new.Loc, "%s changes from %s to %s: fewer values are accepted", keyword, o, n)
		case c < 0:
			w.add(AssertionLoosened, Forward, old.Loc, new.Loc, "%s changes from %s to %s: more values are accepted", keyword, o, n)
		}
	}
}

// multipleOf compares multipleOf: values that are multiples of the old
// divisor are all multiples of the new one when the old is a multiple of
// the new.
func (w *walk) multipleOf(old, new *schema.Type, o, n string) {
	switch {
	case o == n:
	case o == "":
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "multipleOf %s is added: fewer values are accepted", n)
	case n == "":
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "multipleOf %s is removed: more values are accepted", o)
	case schema.CompareNumbers(o, n) == 0:
	case schema.IsMultiple(o, n):
		w.add(AssertionLoosened, Forward, old.Loc, new.Loc, "multipleOf changes from %s to %s: more values are accepted", o, n)
	case schema.IsMultiple(n, o):
		w.add(AssertionTightened, Backward, old.Loc, new.Loc, "multipleOf changes from %s to %s: fewer values are accepted", o, n)
	default:
		w.add(AssertionChanged, Both, old.Loc, new.Loc, "multipleOf changes from %s to %s", o, n)
	}
}

// values compares the values an enum or const of any values allows.
func (w *walk) values(old, new *schema.Type, o, n []string) {
	switch {
	case o == nil && n == nil:
	case o == nil:
		w.add(AssertionAdded, Backward, old.Loc, new.Loc, "only %s are accepted now", phrase(n))
	case n == nil:
		w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "any value is accepted, not only %s", phrase(o))
	default:
		for _, v := range without(o, n) {
			w.add(EnumValueRemoved, Backward, old.Loc, new.Loc, "value %s is removed", v)
		}
		for _, v := range without(n, o) {
			w.add(EnumValueAdded, Forward, old.Loc, new.Loc, "value %s is added", v)
		}
	}
}

func phrase(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return fmt.Sprintf("%d values", len(values))
}

// anyValues compares two types of any value: their assertions, the
// typed views of their kinds, the patterns and other schemas they are
// tried against.
func (w *walk) anyValues(old, new *schema.Type) {
	w.values(old, new, valuesOf(old), valuesOf(new))
	guard := func(t *schema.Type, kind string) *schema.Type {
		for _, g := range t.Guards {
			if schema.JSONKind(g) == kind {
				return g
			}
		}
		return nil
	}
	for _, kind := range []string{"number", "string", "array", "object"} {
		og, ng := guard(old, kind), guard(new, kind)
		switch {
		case og == nil && ng == nil:
		case og == nil:
			w.add(AssertionAdded, Backward, old.Loc, new.Loc, "%s values are checked against a schema now", kind)
		case ng == nil:
			w.add(AssertionRemoved, Forward, old.Loc, new.Loc, "%s values are no longer checked against a schema", kind)
		default:
			w.below("", og, ng)
		}
	}
	if !sameTried(old, new) {
		w.add(AssertionChanged, Both, old.Loc, new.Loc, "the schemas the values are tried against (anyOf, oneOf, allOf, not, if) change")
	}
}

func valuesOf(t *schema.Type) []string {
	if t.Checks == nil {
		return nil
	}
	return t.Checks.Values
}

// sameTried reports whether two types of any value are tried against the
// same alternatives, allOf, not and if: compared as a whole, by their
// locations' shapes (a change inside one is one change).
func sameTried(a, b *schema.Type) bool {
	shape := func(t *schema.Type) []string {
		var out []string
		add := func(what string, ts ...*schema.Type) {
			for _, x := range ts {
				if x != nil {
					out = append(out, what+":"+describe(x)+fmt.Sprint(x.Checks))
				}
			}
		}
		add("alt", t.Alternatives...)
		add("all", t.All...)
		add("not", t.Not)
		add("if", t.If, t.Then, t.Else)
		if t.OneOf {
			out = append(out, "oneOf")
		}
		return out
	}
	return slices.Equal(shape(a), shape(b))
}
