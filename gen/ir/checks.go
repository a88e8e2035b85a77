package ir

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

// CheckKind is a family of assertions that one runtime check tests.
type CheckKind uint8

// The kinds of checks.
const (
	// CheckNumber: minimum, exclusiveMinimum, maximum, exclusiveMaximum
	// and multipleOf, on a number literal.
	CheckNumber CheckKind = iota + 1
	// CheckLength: minLength and maxLength, on a string.
	CheckLength
	// CheckPattern: pattern, on a string.
	CheckPattern
	// CheckFormat: format, on a string, when asserted.
	CheckFormat
	// CheckItems: minItems and maxItems, on an array.
	CheckItems
	// CheckUnique: uniqueItems, on an array.
	CheckUnique
	// CheckProperties: minProperties and maxProperties, on an object.
	CheckProperties
	// CheckValues: enum or const of values that are not all strings, on
	// any value.
	CheckValues
)

// A Check is one runtime check of values, with the data it checks
// against, which the generated code holds in the variable Var.
type Check struct {
	Kind CheckKind
	Var  string
	// Schema holds the assertions the check tests.
	Schema *schema.Checks
	// Format is the format a CheckFormat asserts.
	Format string
}

// Limit returns the bound of an optional count, or -1 for none.
func Limit(n *uint64) int64 {
	if n == nil {
		return -1
	}
	return int64(min(*n, 1<<62))
}

// checks returns the checks of the assertions c on values of a type of
// the schema kind k, and of format.
func (p *Package) checks(c *schema.Checks, k schema.Kind, format string) []*Check {
	if c.Empty() && !(p.assertFormats && schema.AssertableFormat(format)) {
		return nil
	}
	if c == nil {
		c = &schema.Checks{}
	}
	var out []*Check
	add := func(kind CheckKind, f string) {
		out = append(out, p.check(&Check{Kind: kind, Schema: c, Format: f}))
	}
	switch k {
	case schema.Integer, schema.Number:
		if c.Minimum != "" || c.ExclusiveMinimum != "" || c.Maximum != "" || c.ExclusiveMaximum != "" || c.MultipleOf != "" {
			add(CheckNumber, "")
		}
	case schema.String, schema.Enum:
		if c.MinLength != nil || c.MaxLength != nil {
			add(CheckLength, "")
		}
		if c.Pattern != "" {
			add(CheckPattern, "")
		}
		if c.AssertFormat || (p.assertFormats && schema.AssertableFormat(format)) {
			add(CheckFormat, format)
		}
	case schema.Array:
		if c.MinItems != nil || c.MaxItems != nil {
			add(CheckItems, "")
		}
		if c.UniqueItems {
			add(CheckUnique, "")
		}
	case schema.Object, schema.Map:
		if c.MinProperties != nil || c.MaxProperties != nil {
			add(CheckProperties, "")
		}
	}
	if c.Values != nil {
		add(CheckValues, "")
	}
	return out
}

// check returns the check of the package that tests the same as c, or
// records c as a new one, named by its place in the package.
func (p *Package) check(c *Check) *Check {
	for _, d := range p.Checks {
		if d.Kind == c.Kind && d.Format == c.Format && reflect.DeepEqual(d.data(), c.data()) {
			return d
		}
	}
	c.Var = fmt.Sprintf("assert%d", len(p.Checks)+1)
	p.Checks = append(p.Checks, c)
	return c
}

// data is what the check's variable holds.
func (c *Check) data() any {
	s := c.Schema
	switch c.Kind {
	case CheckNumber:
		return [5]string{s.Minimum, s.ExclusiveMinimum, s.Maximum, s.ExclusiveMaximum, s.MultipleOf}
	case CheckLength:
		return [2]int64{Limit(s.MinLength), Limit(s.MaxLength)}
	case CheckPattern:
		return s.PatternRE2
	case CheckItems:
		return [2]int64{Limit(s.MinItems), Limit(s.MaxItems)}
	case CheckProperties:
		return [2]int64{Limit(s.MinProperties), Limit(s.MaxProperties)}
	case CheckValues:
		return s.Values
	}
	return nil
}

// ValuesPhrase says which values a CheckValues allows, for messages:
// "1", "one of 1, 2 or 3".
func (c *Check) ValuesPhrase() string {
	v := c.Schema.Values
	switch {
	case len(v) == 0:
		return "allowed: the schema is false"
	case len(v) == 1:
		return v[0]
	case len(v) <= 8:
		return "one of " + strings.Join(v[:len(v)-1], ", ") + " or " + v[len(v)-1]
	}
	return fmt.Sprintf("one of its %d values", len(v))
}
