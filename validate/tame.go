package validate

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/validate/dump"
)

// tameNumbers returns v with every number whose exponent jsonschema/v5
// could not check in reasonable time replaced by a tame one (see
// tameExponent), copying only what changes, and the original literals by
// the pointers of the numbers replaced.
func tameNumbers(v any, pointer string) (any, map[string]tamed) {
	var found map[string]tamed
	var walk func(v any, pointer string) (any, bool)
	walk = func(v any, pointer string) (any, bool) {
		switch v := v.(type) {
		case json.Number:
			t := tameExponent(string(v))
			if t == string(v) {
				return v, false
			}
			if found == nil {
				found = map[string]tamed{}
			}
			found[pointer] = tamed{literal: t, original: string(v)}
			return json.Number(t), true
		case map[string]any:
			var out map[string]any
			for k, x := range v {
				if y, changed := walk(x, pointer+"/"+dump.EscapeToken(k)); changed {
					if out == nil {
						out = make(map[string]any, len(v))
						for k2, x2 := range v {
							out[k2] = x2
						}
					}
					out[k] = y
				}
			}
			if out == nil {
				return v, false
			}
			return out, true
		case []any:
			var out []any
			for i, x := range v {
				if y, changed := walk(x, pointer+"/"+strconv.Itoa(i)); changed {
					if out == nil {
						out = append([]any(nil), v...)
					}
					out[i] = y
				}
			}
			if out == nil {
				return v, false
			}
			return out, true
		}
		return v, false
	}
	v, _ = walk(v, pointer)
	return v, found
}

// A tamed number is the literal jsonschema/v5 checked in place of the
// original.
type tamed struct{ literal, original string }

// untame puts the original literals back into the messages of the
// violations at the numbers tameNumbers replaced, so that a finding
// quotes what the user wrote.
func untame(vs []schemaViolation, found map[string]tamed) {
	for i := range vs {
		if t, ok := found[vs[i].Pointer]; ok {
			vs[i].Message = strings.ReplaceAll(vs[i].Message, t.literal, t.original)
		}
	}
}

// tameExponent shrinks an exponent so large that jsonschema/v5, which
// checks numbers with math/big, would take forever (1e999999999), to one
// that is still far beyond any bound and keeps whether the number is
// whole.
func tameExponent(lit string) string {
	i := strings.IndexAny(lit, "eE")
	if i < 0 {
		return lit
	}
	j := i + 1
	neg := false
	if lit[j] == '+' || lit[j] == '-' {
		neg = lit[j] == '-'
		j++
	}
	if len(strings.TrimLeft(lit[j:], "0")) <= 4 {
		return lit
	}
	exp := strconv.Itoa(1000 + i)
	if neg {
		exp = "-" + exp
	}
	return lit[:i+1] + exp
}
