package jsonrt

import (
	"cmp"
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// An Int is a JSON integer of any size, held exactly: the Go type of a
// schema integer. It keeps the text it was read from, so that it encodes
// as written (-0, 1.0, 2e3 and 18446744073709551616 stay so), and it costs
// no allocation for an int64 written plainly. The zero Int is 0.
//
// Compare Ints with Cmp: == compares how they are written.
type Int struct {
	n int64
	x *intText // nil for an int64 written plainly
}

// intText is an Int that is not an int64 written plainly.
type intText struct {
	text   string // the JSON literal, as written
	fits   bool   // the value fits in an int64, which Int.n holds
	neg    bool
	digits string // the significant digits, without leading or trailing zeros; "" for 0
	// The value is ±digits × 10^exp. bigExp holds an exponent written
	// with so many digits that exp cannot.
	exp    int64
	bigExp *big.Int
}

// IntOf returns n as an Int.
func IntOf(n int64) Int { return Int{n: n} }

var errNotInt = errors.New("not a JSON integer (a whole number such as 7, -2, 1.0 or 2e3)")

// ParseInt reads s, a JSON number that is a whole number, as JSON Schema's
// integer is: 7, -0, 1.0, 2e3, 18446744073709551616.
func ParseInt[S ~string | ~[]byte](s S) (Int, error) {
	sc := scanner{data: []byte(s)}
	if lit, ok := sc.readNumber(); !ok || len(lit) != len(s) || !integral(lit) {
		return Int{}, errNotInt
	}
	return intOfLiteral([]byte(s)), nil
}

// intOfLiteral returns the Int that lit, a JSON number that is a whole
// number, writes.
func intOfLiteral(lit []byte) Int {
	if n, ok := plainInt64(lit); ok {
		return Int{n: n}
	}
	neg, digits, exp := numberParts(lit)
	t := &intText{text: string(lit), neg: neg && len(digits) > 0, digits: string(digits), exp: exp}
	if e := strings.IndexAny(t.text, "eE"); e >= 0 && t.digits != "" && len(strings.TrimLeft(t.text[e+1:], "+-0")) > 12 {
		// numberParts saturates such an exponent: work this one out exactly.
		intPart, frac, _ := strings.Cut(strings.TrimPrefix(t.text[:e], "-"), ".")
		all := intPart + frac
		trailing := len(all) - len(strings.TrimRight(all, "0"))
		t.bigExp, _ = new(big.Int).SetString(strings.TrimPrefix(t.text[e+1:], "+"), 10)
		t.bigExp.Add(t.bigExp, big.NewInt(int64(trailing-len(frac))))
	}
	if n, err := ParseInteger(lit); err == nil && t.bigExp == nil {
		t.fits = true
		return Int{n: n, x: t}
	}
	return Int{x: t}
}

// plainInt64 reads an integer of at most 18 digits written plainly, as
// its canonical decimal form: not -0.
func plainInt64(lit []byte) (int64, bool) {
	i := 0
	if len(lit) > 0 && lit[0] == '-' {
		i = 1
	}
	if len(lit)-i < 1 || len(lit)-i > 18 || (lit[i] == '0' && len(lit) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range lit[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if i == 1 {
		n = -n
	}
	return n, true
}

// Int64 returns x as an int64, and whether it fits in one.
func (x Int) Int64() (int64, bool) {
	if x.x == nil || x.x.fits {
		return x.n, true
	}
	return 0, false
}

// Sign returns -1, 0 or +1 as x is negative, zero or positive.
func (x Int) Sign() int {
	if n, ok := x.Int64(); ok {
		return cmp.Compare(n, 0)
	}
	if x.x.neg {
		return -1
	}
	return 1
}

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x Int) Cmp(y Int) int {
	a, aok := x.Int64()
	b, bok := y.Int64()
	switch {
	case aok && bok:
		return cmp.Compare(a, b)
	case aok: // y is beyond the int64 range, on the side of its sign
		return -y.Sign()
	case bok:
		return x.Sign()
	case x.x.neg != y.x.neg:
		return x.Sign()
	}
	c := compareMagnitude(x.x, y.x)
	if x.x.neg {
		return -c
	}
	return c
}

// compareMagnitude compares the absolute values of two integers beyond
// the int64 range: by their number of digits, then digit by digit.
func compareMagnitude(a, b *intText) int {
	if a.bigExp != nil || b.bigExp != nil {
		if c := a.length().Cmp(b.length()); c != 0 {
			return c
		}
	} else if c := cmp.Compare(int64(len(a.digits))+a.exp, int64(len(b.digits))+b.exp); c != 0 {
		return c
	}
	// The same number of digits: the digits compare as text, the shorter
	// list padded with zeros.
	return strings.Compare(a.digits, b.digits)
}

// length is the number of decimal digits of the integer.
func (t *intText) length() *big.Int {
	exp := t.bigExp
	if exp == nil {
		exp = big.NewInt(t.exp)
	}
	return new(big.Int).Add(exp, big.NewInt(int64(len(t.digits))))
}

// String returns x in decimal, as strconv.FormatInt does; an integer
// beyond the int64 range that ends in three zeros or more is written with
// an exponent instead, 123e30, so that a short text never makes a long
// string. Equal Ints have equal Strings.
func (x Int) String() string {
	if n, ok := x.Int64(); ok {
		return strconv.FormatInt(n, 10)
	}
	t := x.x
	sign := ""
	if t.neg {
		sign = "-"
	}
	switch {
	case t.bigExp != nil:
		return sign + t.digits + "e" + t.bigExp.String()
	case t.exp <= 2:
		return sign + t.digits + strings.Repeat("0", int(t.exp))
	}
	return sign + t.digits + "e" + strconv.FormatInt(t.exp, 10)
}

// MarshalJSON writes x as it was written.
func (x Int) MarshalJSON() ([]byte, error) { return x.appendJSON(nil), nil }

// integer writes an Int for the generated encoders.
func (e *encoder) integer(v Int) { e.buf = v.appendJSON(e.buf) }

func (x Int) appendJSON(b []byte) []byte {
	if x.x == nil {
		return strconv.AppendInt(b, x.n, 10)
	}
	return append(b, x.x.text...)
}

// UnmarshalJSON reads a JSON integer of any size (see ParseInt); null
// leaves x as it is, as encoding/json expects.
func (x *Int) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	v, err := ParseInt(data)
	if err != nil {
		return errors.New("decode Int: " + strconv.Quote(string(data)) + " is " + err.Error())
	}
	*x = v
	return nil
}
