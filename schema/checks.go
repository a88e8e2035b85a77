package schema

import (
	"cmp"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// checksOf builds the assertions of n that apply to values of the JSON
// kind ("number", "string", "array" or "object"), or returns nil when
// none does. An assertion of another kind is left out: it constrains no
// value of this one.
func checksOf(n *node, kind string) (*Checks, error) {
	c := &Checks{}
	switch kind {
	case "number":
		for _, b := range []struct {
			j   *jsonNode
			dst *string
		}{{n.minimum, &c.Minimum}, {n.exclusiveMinimum, &c.ExclusiveMinimum}, {n.maximum, &c.Maximum},
			{n.exclusiveMaximum, &c.ExclusiveMaximum}, {n.multipleOf, &c.MultipleOf}} {
			if b.j != nil {
				*b.dst = b.j.str
			}
		}
	case "string":
		var err error
		if c.MinLength, err = count(n, "minLength"); err != nil {
			return nil, err
		}
		if c.MaxLength, err = count(n, "maxLength"); err != nil {
			return nil, err
		}
		if n.pattern != nil {
			re, err := ecmaToRE2(n.pattern.str)
			if err != nil {
				return nil, errorf(n.loc+"/pattern", "%v", err)
			}
			c.Pattern, c.PatternRE2 = n.pattern.str, re.String()
		}
		if n.formatMode == "assert" {
			if !AssertableFormat(n.format) {
				return nil, errorf(n.loc+"/x-flightline-format", "format %q cannot be checked; flightline checks %s", n.format, strings.Join(assertableFormats, ", "))
			}
			c.AssertFormat = true
		}
	case "array":
		var err error
		if c.MinItems, err = count(n, "minItems"); err != nil {
			return nil, err
		}
		if c.MaxItems, err = count(n, "maxItems"); err != nil {
			return nil, err
		}
		c.UniqueItems = n.uniqueItems
	case "object":
		var err error
		if c.MinProperties, err = count(n, "minProperties"); err != nil {
			return nil, err
		}
		if c.MaxProperties, err = count(n, "maxProperties"); err != nil {
			return nil, err
		}
	}
	if c.Empty() {
		return nil, nil
	}
	return c, nil
}

// count reads the count keyword of n, which the reader checked is a whole
// number of 0 or more.
func count(n *node, keyword string) (*uint64, error) {
	j := n.counts[keyword]
	if j == nil {
		return nil, nil
	}
	_, digits, exp := decimalParts(j.str)
	if int64(len(digits))+exp > 19 {
		return nil, errorf(n.loc+"/"+keyword, "%s %s is beyond what flightline can count", keyword, j.str)
	}
	v, _ := strconv.ParseUint("0"+digits+strings.Repeat("0", int(max(exp, 0))), 10, 64)
	return &v, nil
}

// decimalParts splits a number literal into its sign, its significant
// digits and the power of ten that scales them, as the runtime's
// numberParts does (the exponent saturates far beyond any value).
func decimalParts(lit string) (neg bool, digits string, exp int64) {
	neg = strings.HasPrefix(lit, "-")
	mant, e, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(lit, "-")), "e")
	eneg := strings.HasPrefix(e, "-")
	for _, c := range strings.TrimLeft(e, "+-") {
		if exp < 1<<40 {
			exp = exp*10 + int64(c-'0')
		}
	}
	if eneg {
		exp = -exp
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	exp -= int64(len(frac))
	digits = strings.TrimLeft(intPart+frac, "0")
	trimmed := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(trimmed))
	return neg, trimmed, exp
}

// valuesOf lists the canonical texts of the enum (or const) values of n
// that are of one of the JSON kinds, sorted and without repeats.
func valuesOf(n *node, kinds ...string) []string {
	var out []string
	for _, v := range n.enum {
		if len(kinds) == 0 || slices.Contains(kinds, v.jsonKind()) {
			out = append(out, v.canonical())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jsonKind is the JSON kind of a value, with whole numbers as integer.
func (j *jsonNode) jsonKind() string {
	switch j.kind {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't':
		return "boolean"
	case 'n':
		return "null"
	}
	if wholeNumber(j.str) {
		return "integer"
	}
	return "number"
}

// canonical is the text of j that is equal for equal JSON values, as the
// generated code's runtime writes it (gen/internal/jsonrt/canonical.go):
// numbers as their digits and a power of ten, objects with their members
// sorted, strings with only what JSON requires escaped.
func (j *jsonNode) canonical() string {
	var b strings.Builder
	j.writeCanonical(&b)
	return b.String()
}

func (j *jsonNode) writeCanonical(b *strings.Builder) {
	switch j.kind {
	case '{':
		ms := slices.Clone(j.members)
		slices.SortFunc(ms, func(x, y jsonMember) int {
			return strings.Compare(canonicalString(x.key), canonicalString(y.key))
		})
		b.WriteByte('{')
		for i, m := range ms {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(canonicalString(m.key))
			b.WriteByte(':')
			m.val.writeCanonical(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, it := range j.items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.writeCanonical(b)
		}
		b.WriteByte(']')
	case '"':
		b.WriteString(canonicalString(j.str))
	case '0':
		b.WriteString(canonicalNumber(j.str))
	default:
		b.WriteString(j.text())
	}
}

// canonicalNumber writes a number literal as its significant digits and
// the power of ten that scales them: 1.50 is 15e-1, 100 is 1e2, -0 is 0.
func canonicalNumber(lit string) string {
	neg, digits, exp := decimalParts(lit)
	if digits == "" {
		return "0"
	}
	if neg {
		digits = "-" + digits
	}
	if exp != 0 {
		digits += "e" + strconv.FormatInt(exp, 10)
	}
	return digits
}

// canonicalString writes s as JSON with only the quote, the backslash and
// control characters escaped.
func canonicalString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			const hex = "0123456789abcdef"
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// assertableFormats are the formats whose strings flightline can check,
// when the schema (x-flightline-format: assert) or gen --assert-formats
// asks for it; other formats are annotations.
var assertableFormats = []string{"date-time", "date", "time", "duration", "uuid", "email", "uri", "ipv4", "ipv6"}

// AssertableFormat reports whether flightline can check strings of the
// format f.
func AssertableFormat(f string) bool { return slices.Contains(assertableFormats, f) }

// CompareNumbers returns -1, 0 or +1 as the JSON number a is less than,
// equal to or more than b, exactly.
func CompareNumbers(a, b string) int {
	an, ad, ae := decimalParts(a)
	bn, bd, be := decimalParts(b)
	sign := func(neg bool, digits string) int {
		switch {
		case digits == "":
			return 0
		case neg:
			return -1
		}
		return 1
	}
	sa, sb := sign(an, ad), sign(bn, bd)
	if sa != sb || sa == 0 {
		return cmp.Compare(sa, sb)
	}
	if ma, mb := ae+int64(len(ad)), be+int64(len(bd)); ma != mb {
		return cmp.Compare(ma, mb) * sa
	}
	n := max(len(ad), len(bd))
	return strings.Compare(ad+strings.Repeat("0", n-len(ad)), bd+strings.Repeat("0", n-len(bd))) * sa
}

// IsMultiple reports whether the JSON number v is a whole multiple of the
// number m, which is above zero, exactly.
func IsMultiple(v, m string) bool {
	_, dv, ev := decimalParts(v)
	_, dm, em := decimalParts(m)
	if dv == "" {
		return true
	}
	x, _ := new(big.Int).SetString(dv, 10)
	y, _ := new(big.Int).SetString(dm, 10)
	if k := ev - em; k >= 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), y)
		return x.Mod(x.Mul(x.Mod(x, y), p), y).Sign() == 0
	} else if -k > int64(len(dv)) {
		return false
	} else {
		y.Mul(y, new(big.Int).Exp(big.NewInt(10), big.NewInt(-k), nil))
	}
	return x.Mod(x, y).Sign() == 0
}
