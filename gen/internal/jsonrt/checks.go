package jsonrt

import (
	"cmp"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// The checks of JSON Schema's assertions, as generated code calls them:
// each takes the name of the member whose value it checks (or "" for an
// item, whose place is on the path) and the assertions, as data the
// generator writes beside the types.

// A numberCheck holds the bounds of numbers, as the decimals the schema
// writes; "" when there is none.
type numberCheck struct {
	minimum, exclusiveMinimum, maximum, exclusiveMaximum, multipleOf string
}

// checkNumber checks the number literal lit against c, exactly: 0.1 is not
// below 0.10000000000000001, and 1e400 is above any float.
func (s *scanner) checkNumber(name string, lit []byte, c *numberCheck) {
	bound := func(b string, ok func(int) bool, keyword Keyword, what string) {
		if b != "" && !ok(compareDecimal(lit, []byte(b))) {
			s.violateAt(name, keyword, string(lit)+" is "+what+" "+b)
		}
	}
	bound(c.minimum, func(c int) bool { return c >= 0 }, KeywordMinimum, "less than the minimum")
	bound(c.exclusiveMinimum, func(c int) bool { return c > 0 }, KeywordExclusiveMinimum, "not more than the exclusive minimum")
	bound(c.maximum, func(c int) bool { return c <= 0 }, KeywordMaximum, "more than the maximum")
	bound(c.exclusiveMaximum, func(c int) bool { return c < 0 }, KeywordExclusiveMaximum, "not less than the exclusive maximum")
	if c.multipleOf != "" && !multipleOf(lit, []byte(c.multipleOf)) {
		s.violateAt(name, KeywordMultipleOf, string(lit)+" is not a multiple of "+c.multipleOf)
	}
}

// compareDecimal returns -1, 0 or +1 as the JSON number a is less than,
// equal to or more than b, exactly.
func compareDecimal(a, b []byte) int {
	an, ad, ae := numberParts(a)
	bn, bd, be := numberParts(b)
	sign := func(neg bool, digits []byte) int {
		switch {
		case len(digits) == 0:
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
	// Both of one sign: compare the magnitudes 0.ad × 10^(ae+len(ad)).
	m := 0
	if ma, mb := ae+int64(len(ad)), be+int64(len(bd)); ma != mb {
		m = cmp.Compare(ma, mb)
	} else {
		for i := 0; m == 0 && i < max(len(ad), len(bd)); i++ {
			m = cmp.Compare(digitAt(ad, i), digitAt(bd, i))
		}
	}
	return m * sa
}

func digitAt(d []byte, i int) int {
	if i < len(d) {
		return int(d[i] - '0')
	}
	return 0
}

// multipleOf reports whether the JSON number v is a whole multiple of m,
// which is above zero, exactly: v/m is dv/dm × 10^(ev-em) for the digits
// and exponents of the two.
func multipleOf(v, m []byte) bool {
	_, dv, ev := numberParts(v)
	_, dm, em := numberParts(m)
	if len(dv) == 0 {
		return true // zero
	}
	x, _ := new(big.Int).SetString(string(dv), 10)
	y, _ := new(big.Int).SetString(string(dm), 10)
	k := ev - em
	if k >= 0 {
		// dm must divide dv × 10^k: work modulo dm.
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), y)
		return x.Mod(x.Mul(x.Mod(x, y), p), y).Sign() == 0
	}
	if -k > int64(len(dv)) {
		return false // dm × 10^-k is more than dv
	}
	y.Mul(y, new(big.Int).Exp(big.NewInt(10), big.NewInt(-k), nil))
	return x.Mod(x, y).Sign() == 0
}

// A stringCheck holds the bounds of a string's length in code points, -1
// when there is none.
type stringCheck struct {
	minLength, maxLength int64
}

// checkString checks the string v (unescaped) against c.
func (s *scanner) checkString(name string, v []byte, c *stringCheck) {
	n := int64(utf8.RuneCount(v))
	if c.minLength >= 0 && n < c.minLength {
		s.violateAt(name, KeywordMinLength, "the string is "+strconv.FormatInt(n, 10)+" characters long, less than "+strconv.FormatInt(c.minLength, 10))
	}
	if c.maxLength >= 0 && n > c.maxLength {
		s.violateAt(name, KeywordMaxLength, "the string is "+strconv.FormatInt(n, 10)+" characters long, more than "+strconv.FormatInt(c.maxLength, 10))
	}
}

// A countCheck bounds how many items an array has, or members an object;
// -1 when there is no bound.
type countCheck struct {
	min, max int64
}

// checkItems checks that an array of n items, just read, fits c; the
// array is on the path.
func (s *scanner) checkItems(n int, c *countCheck) {
	s.checkCount(n, c, KeywordMinItems, KeywordMaxItems, "items")
}

// checkProperties checks that an object of n members, just read, fits c.
func (s *scanner) checkProperties(n int, c *countCheck) {
	s.checkCount(n, c, KeywordMinProperties, KeywordMaxProperties, "properties")
}

func (s *scanner) checkCount(n int, c *countCheck, minKeyword, maxKeyword Keyword, what string) {
	if s.failed {
		return
	}
	if c.min >= 0 && int64(n) < c.min {
		s.violate(minKeyword, strconv.Itoa(n)+" "+what+", fewer than "+strconv.FormatInt(c.min, 10))
	}
	if c.max >= 0 && int64(n) > c.max {
		s.violate(maxKeyword, strconv.Itoa(n)+" "+what+", more than "+strconv.FormatInt(c.max, 10))
	}
}
