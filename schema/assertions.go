package schema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The readers of the assertions and of the structural keywords OpenAPI
// 3.1 added, for both front ends. Numbers are kept as their JSON text, so
// that a bound is checked exactly as written: the OpenAPI reader takes it
// from the document's text when the document is JSON, and from the value
// kin-openapi decoded otherwise.

// countKeywords are the keywords whose value is a count.
var countKeywords = []string{"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}

func keywordOf(c *readCtx) string { return c.pointer[strings.LastIndex(c.pointer, "/")+1:] }

func readBound(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '0' {
		return errorf(c.loc, "%s must be a number", keywordOf(c))
	}
	switch keywordOf(c) {
	case "minimum":
		n.minimum = v
	case "maximum":
		n.maximum = v
	case "exclusiveMinimum":
		n.exclusiveMinimum = v
	default:
		n.exclusiveMaximum = v
	}
	return nil
}

func readMultipleOf(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '0' || strings.HasPrefix(v.str, "-") || !hasNonZeroDigit(v.str) {
		return errorf(c.loc, "multipleOf must be a number above 0")
	}
	n.multipleOf = v
	return nil
}

// hasNonZeroDigit reports whether the mantissa of the number lit is not 0.
func hasNonZeroDigit(lit string) bool {
	mant, _, _ := strings.Cut(strings.ToLower(lit), "e")
	return strings.ContainsAny(mant, "123456789")
}

func readCount(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '0' || strings.HasPrefix(v.str, "-") || !wholeNumber(v.str) {
		return errorf(c.loc, "%s must be a whole number, 0 or more", keywordOf(c))
	}
	if n.counts == nil {
		n.counts = map[string]*jsonNode{}
	}
	n.counts[keywordOf(c)] = v
	return nil
}

func readPattern(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '"' {
		return errorf(c.loc, "pattern must be a string")
	}
	n.pattern = v
	return nil
}

func readUniqueItems(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != 't' {
		return errorf(c.loc, "uniqueItems must be true or false")
	}
	n.uniqueItems = v.boolean
	return nil
}

// raw returns the JSON text of the keyword of the OpenAPI schema n, or
// nil when the document is not JSON.
func (n *node) raw(keyword string) *jsonNode { return n.text.get(keyword) }

// number is the JSON text of a numeric keyword of n kin-openapi read as v.
func (n *node) number(keyword string, v float64) *jsonNode {
	if j := n.raw(keyword); j != nil && j.kind == '0' {
		return j
	}
	return &jsonNode{kind: '0', str: strconv.FormatFloat(v, 'g', -1, 64)}
}

func openAPIBounds(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	set := false
	if s.Min != nil {
		n.minimum, set = n.number("minimum", *s.Min), true
	}
	if s.Max != nil {
		n.maximum, set = n.number("maximum", *s.Max), true
	}
	for _, b := range []struct {
		keyword string
		bound   openapi3.ExclusiveBound
		plain   **jsonNode // the bound as minimum or maximum
		dst     **jsonNode
	}{{"exclusiveMinimum", s.ExclusiveMin, &n.minimum, &n.exclusiveMinimum}, {"exclusiveMaximum", s.ExclusiveMax, &n.maximum, &n.exclusiveMaximum}} {
		switch {
		case b.bound.Value != nil: // OpenAPI 3.1: the bound itself
			*b.dst, set = n.number(b.keyword, *b.bound.Value), true
		case b.bound.IsTrue(): // OpenAPI 3.0: makes minimum or maximum exclusive
			if *b.plain == nil {
				return true, errorf(n.loc+"/"+b.keyword, "exclusiveMinimum and exclusiveMaximum true need minimum and maximum")
			}
			*b.dst, *b.plain, set = *b.plain, nil, true
		}
	}
	return set, nil
}

func openAPIMultipleOf(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	if s.MultipleOf == nil {
		return false, nil
	}
	n.multipleOf = n.number("multipleOf", *s.MultipleOf)
	if *s.MultipleOf <= 0 && !hasNonZeroDigit(n.multipleOf.str) {
		return true, errorf(n.loc+"/multipleOf", "multipleOf must be a number above 0")
	}
	return true, nil
}

func openAPICounts(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	values := map[string]*uint64{"maxLength": s.MaxLength, "maxItems": s.MaxItems, "maxProperties": s.MaxProps}
	for k, v := range map[string]uint64{"minLength": s.MinLength, "minItems": s.MinItems, "minProperties": s.MinProps} {
		if v > 0 || n.raw(k) != nil { // kin-openapi reads an absent minimum count as 0
			values[k] = &v
		}
	}
	set := false
	for _, k := range countKeywords {
		if v := values[k]; v != nil {
			if n.counts == nil {
				n.counts = map[string]*jsonNode{}
			}
			n.counts[k], set = &jsonNode{kind: '0', str: strconv.FormatUint(*v, 10)}, true
			if j := n.raw(k); j != nil && j.kind == '0' {
				n.counts[k] = j
			}
		}
	}
	return set, nil
}

func openAPIPattern(_ *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	if s.Pattern == "" {
		return false, nil
	}
	n.pattern = &jsonNode{kind: '"', str: s.Pattern}
	return true, nil
}

func openAPIUniqueItems(_ *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	n.uniqueItems = s.UniqueItems
	return s.UniqueItems, nil
}

func openAPIPrefixItems(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	for i, sr := range s.PrefixItems {
		c, err := r.ref(sr, fmt.Sprintf("%s/prefixItems/%d", n.loc, i))
		if err != nil {
			return true, err
		}
		n.prefixItems = append(n.prefixItems, c)
	}
	return len(s.PrefixItems) > 0, nil
}

func openAPIPatternProperties(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	patterns := sortedKeys(s.PatternProperties)
	if raw := n.raw("patternProperties"); raw != nil { // in document order
		patterns = patterns[:0]
		for _, m := range raw.members {
			patterns = append(patterns, m.key)
		}
	}
	for _, p := range patterns {
		c, err := r.ref(s.PatternProperties[p], n.loc+"/patternProperties/"+escapePointerToken(p))
		if err != nil {
			return true, err
		}
		n.patternProps = append(n.patternProps, nodePatternProp{p, c})
	}
	return len(s.PatternProperties) > 0, nil
}

func openAPIDiscriminator(_ *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	d := s.Discriminator
	if d == nil {
		return false, nil
	}
	spec := &discriminatorSpec{loc: n.loc + "/discriminator", property: d.PropertyName}
	for _, k := range sortedKeys(d.Mapping) {
		spec.mapping = append(spec.mapping, [2]string{k, d.Mapping[k].Ref})
	}
	n.discriminator = spec
	return true, nil
}

// openAPIApplicators reads not, if, then and else.
func openAPIApplicators(r *openAPIReader, s *openapi3.Schema, n *node) (bool, error) {
	set := false
	for _, a := range []struct {
		keyword string
		sr      *openapi3.SchemaRef
		dst     **node
	}{{"not", s.Not, &n.not}, {"if", s.If, &n.ifNode}, {"then", s.Then, &n.thenNode}, {"else", s.Else, &n.elseNode}} {
		if a.sr == nil {
			continue
		}
		c, err := r.ref(a.sr, n.loc+"/"+a.keyword)
		if err != nil {
			return true, err
		}
		*a.dst, set = c, true
	}
	return set, nil
}
