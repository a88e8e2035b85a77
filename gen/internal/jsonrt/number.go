package jsonrt

import (
	"errors"
	"math"
	"strconv"
)

// numberParts splits a JSON number literal (already checked against the
// grammar) into its sign, its significant digits (integer and fraction
// parts together, without leading zeros) and the power of ten that scales
// them. The exponent saturates far beyond any representable value.
func numberParts(lit []byte) (neg bool, digits []byte, exp int64) {
	i := 0
	if i < len(lit) && lit[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
		i++
	}
	intPart := lit[start:i]
	var frac []byte
	if i < len(lit) && lit[i] == '.' {
		j := i + 1
		i = j
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			i++
		}
		frac = lit[j:i]
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		eneg := false
		if lit[i] == '+' || lit[i] == '-' {
			eneg = lit[i] == '-'
			i++
		}
		for ; i < len(lit); i++ {
			if exp < 1<<40 {
				exp = exp*10 + int64(lit[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	exp -= int64(len(frac))
	digits = append(append(make([]byte, 0, len(intPart)+len(frac)), intPart...), frac...)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	return neg, digits, exp
}

// integral reports whether the JSON number lit is a whole number, as JSON
// Schema's integer type requires: 1, -0, 1.0, 1e2 and 1.5e1 all are.
func integral(lit []byte) bool {
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			_, digits, exp := numberParts(lit)
			return len(digits) == 0 || exp >= 0
		}
	}
	return true
}

var errRange = errors.New("out of the 64-bit integer range")
var errNotInteger = errors.New("not a whole number")

// ParseInteger parses the JSON number literal lit, which must be a whole
// number (1, 1.0 or 1e2), into an int64, exactly.
func ParseInteger(lit []byte) (int64, error) {
	plain := len(lit) > 0 && len(lit) <= 18
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			plain = false
		}
	}
	if plain { // at most 18 digits: no overflow possible
		neg, i, n := lit[0] == '-', 0, int64(0)
		if neg {
			i = 1
		}
		if i == len(lit) {
			return 0, strconv.ErrSyntax
		}
		for ; i < len(lit); i++ {
			c := lit[i]
			if c < '0' || c > '9' {
				return 0, strconv.ErrSyntax
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	neg, digits, exp := numberParts(lit)
	if len(digits) == 0 {
		return 0, nil
	}
	if exp < 0 {
		return 0, errNotInteger
	}
	if int64(len(digits))+exp > 19 {
		return 0, errRange
	}
	var u uint64
	for _, c := range digits {
		u = u*10 + uint64(c-'0')
	}
	for ; exp > 0; exp-- {
		if u > math.MaxUint64/10 {
			return 0, errRange
		}
		u *= 10
	}
	switch {
	case !neg && u <= math.MaxInt64:
		return int64(u), nil
	case neg && u <= 1<<63:
		return int64(-u), nil
	}
	return 0, errRange
}

// lexicalInteger reports whether lit is written without a fraction or an
// exponent, which is how a union tells its integer alternative from its
// number alternative: 1 is an integer, 1.0 a number.
func lexicalInteger(lit []byte) bool {
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// checkNumber reports whether s is a JSON number literal.
func checkNumber(s string) bool {
	sc := scanner{data: []byte(s)}
	lit, ok := sc.readNumber()
	return ok && len(lit) == len(s)
}
