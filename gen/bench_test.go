package gen_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/flightline-dev/flightline/gen"
	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/schema/compat"
)

// enumSchema is a schema with one enum of n values; with shift, the last
// half of the values are others.
func enumSchema(n int, shift bool) func(string) ([]byte, error) {
	values := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprintf("v%d", i)
		if shift && i >= n/2 {
			values[i] = fmt.Sprintf("w%d", i)
		}
	}
	doc, _ := json.Marshal(map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Big", "type": "object",
		"properties": map[string]any{"e": map[string]any{"title": "E", "type": "string", "enum": values}},
	})
	return func(string) ([]byte, error) { return doc, nil }
}

// BenchmarkLargeEnum loads, generates and compares a schema with one enum
// of n values: each step should take time in proportion to n.
func BenchmarkLargeEnum(b *testing.B) {
	for _, n := range []int{2000, 20000, 200000} {
		load := func(shift bool) *schema.Model {
			m, err := schema.LoadJSONSchema(enumSchema(n, shift), "big.json")
			if err != nil {
				b.Fatal(err)
			}
			return m
		}
		b.Run(fmt.Sprintf("load/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				load(false)
			}
		})
		m := load(false)
		b.Run(fmt.Sprintf("generate/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := gen.Generate(m, gen.Config{Package: "big"}); err != nil {
					b.Fatal(err)
				}
			}
		})
		shifted := load(true)
		b.Run(fmt.Sprintf("compare/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				compat.Compare(m, shifted)
			}
		})
	}
}
