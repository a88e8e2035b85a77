package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// checkDefault rejects a default that the field's own schema would
// reject: of another kind, an enum value it does not list, a value that
// breaks an assertion (minimum, maxLength, pattern, uniqueItems, ...), an
// object without a required property or with one it does not allow, at
// any depth. Generated code fills an absent field with its default.
func checkDefault(f *Field, d *jsonNode) error {
	if d.kind == '0' && f.Type.Kind == Number {
		if _, err := strconv.ParseFloat(d.str, 64); err != nil {
			// Generated code holds a number in a float64.
			return errorf(f.Loc+"/default", "default %s is beyond the range of a float64, which holds a number property", d.str)
		}
	}
	if where := misfit(f.Type, f.Nullable, d, ""); where != "" {
		return errorf(f.Loc+"/default", "default %s does not fit the property's type%s", d.text(), where[:len(where)-1])
	}
	return nil
}

// misfit says where the value j does not fit t (nullable: or null): ""
// when it fits, else " at /pointer" inside it and ";" (a mark that a
// message leaves out), or ";" at its top; an assertion it breaks is named
// in parentheses before the ";".
func misfit(t *Type, nullable bool, j *jsonNode, pointer string) string {
	at := ";"
	if pointer != "" {
		at = " at " + pointer + ";"
	}
	if j.kind == 'n' {
		if nullable || t.Kind == Any {
			return ""
		}
		return at
	}
	ok := true
	switch t.Kind {
	case String:
		ok = j.kind == '"'
	case Enum:
		ok = j.kind == '"' && slices.Contains(t.Values, j.str)
	case Integer:
		ok = j.kind == '0' && wholeNumber(j.str)
	case Number:
		ok = j.kind == '0'
	case Boolean:
		ok = j.kind == 't'
	case Array:
		if j.kind != '[' {
			return at
		}
		for i, it := range j.items {
			if w := misfit(t.Elem, t.ElemNullable, it, fmt.Sprintf("%s/%d", pointer, i)); w != "" {
				return w
			}
		}
	case Map:
		if j.kind != '{' {
			return at
		}
		for _, m := range j.members {
			if w := misfit(t.Elem, t.ElemNullable, m.val, pointer+"/"+escapePointerToken(m.key)); w != "" {
				return w
			}
		}
	case Object:
		if w := objectMisfit(t, j, pointer, at); w != "" {
			return w
		}
	case Union:
		for _, v := range t.Variants {
			if misfit(v, false, j, pointer) == "" {
				return ""
			}
		}
		return at
	case Any:
		for _, g := range t.Guards {
			if JSONKind(g) == j.jsonKind() || JSONKind(g) == "number" && j.jsonKind() == "integer" {
				return misfit(g, false, j, pointer)
			}
		}
	}
	if t.Checks != nil && t.Checks.Values != nil && !slices.Contains(t.Checks.Values, j.canonical()) {
		return at
	}
	if !ok {
		return at
	}
	if why := checksMisfit(t.Checks, j); why != "" {
		if pointer != "" {
			return " at " + pointer + " (" + why + ");"
		}
		return " (" + why + ");"
	}
	return ""
}

// checksMisfit says which of the assertions c the value j breaks, or ""
// when it breaks none; an assertion of another kind than j's does not
// apply to it.
func checksMisfit(c *Checks, j *jsonNode) string {
	if c == nil {
		return ""
	}
	above := func(n uint64, bound *uint64) bool { return bound != nil && n > *bound }
	below := func(n uint64, bound *uint64) bool { return bound != nil && n < *bound }
	switch j.kind {
	case '0':
		switch {
		case c.Minimum != "" && CompareNumbers(j.str, c.Minimum) < 0:
			return "minimum " + c.Minimum
		case c.ExclusiveMinimum != "" && CompareNumbers(j.str, c.ExclusiveMinimum) <= 0:
			return "exclusiveMinimum " + c.ExclusiveMinimum
		case c.Maximum != "" && CompareNumbers(j.str, c.Maximum) > 0:
			return "maximum " + c.Maximum
		case c.ExclusiveMaximum != "" && CompareNumbers(j.str, c.ExclusiveMaximum) >= 0:
			return "exclusiveMaximum " + c.ExclusiveMaximum
		case c.MultipleOf != "" && !IsMultiple(j.str, c.MultipleOf):
			return "multipleOf " + c.MultipleOf
		}
	case '"':
		n := uint64(utf8.RuneCountInString(j.str))
		switch {
		case below(n, c.MinLength):
			return fmt.Sprintf("minLength %d", *c.MinLength)
		case above(n, c.MaxLength):
			return fmt.Sprintf("maxLength %d", *c.MaxLength)
		case c.PatternRE2 != "" && !regexp.MustCompile(c.PatternRE2).MatchString(j.str):
			return fmt.Sprintf("pattern %q", c.Pattern)
		}
	case '[':
		n := uint64(len(j.items))
		switch {
		case below(n, c.MinItems):
			return fmt.Sprintf("minItems %d", *c.MinItems)
		case above(n, c.MaxItems):
			return fmt.Sprintf("maxItems %d", *c.MaxItems)
		case c.UniqueItems:
			seen := map[string]bool{}
			for _, it := range j.items {
				k := it.canonical()
				if seen[k] {
					return "uniqueItems"
				}
				seen[k] = true
			}
		}
	case '{':
		n := uint64(len(j.members))
		switch {
		case below(n, c.MinProperties):
			return fmt.Sprintf("minProperties %d", *c.MinProperties)
		case above(n, c.MaxProperties):
			return fmt.Sprintf("maxProperties %d", *c.MaxProperties)
		}
	}
	return ""
}

func objectMisfit(t *Type, j *jsonNode, pointer, at string) string {
	if j.kind != '{' {
		return at
	}
	for _, f := range t.Fields {
		if f.Required && j.get(f.Name) == nil {
			return " at " + pointer + "/" + escapePointerToken(f.Name) + " (missing);"
		}
	}
	for _, m := range j.members {
		p := pointer + "/" + escapePointerToken(m.key)
		if f := t.Field(m.key); f != nil {
			if w := misfit(f.Type, f.Nullable, m.val, p); w != "" {
				return w
			}
			continue
		}
		matched := false
		for _, pp := range t.Patterns {
			if pp.Regexp().MatchString(m.key) {
				matched = true
				if w := misfit(pp.Type, pp.Nullable, m.val, p); w != "" {
					return w
				}
			}
		}
		switch {
		case matched:
		case !t.Open:
			return " at " + p + " (not allowed);"
		case t.Elem != nil:
			if w := misfit(t.Elem, t.ElemNullable, m.val, p); w != "" {
				return w
			}
		}
	}
	return ""
}
