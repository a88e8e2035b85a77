package schema

import (
	"fmt"
	"reflect"
	"slices"
)

// name decides the Go name of a named type: its definition name, else its
// title, else the hint its use gives.
func (b *builder) name(n *node, hint string) (string, error) {
	switch {
	case n.defName != "":
		return GoName(n.defName), nil
	case n.title != "":
		return GoName(n.title), nil
	case hint != "":
		return hint, nil
	}
	return "", errorf(n.loc, "cannot name this type; give it a title")
}

// register records a named type. A second type of the same name is the
// same type when it has the same shape (one enum written inline in several
// places). Inline types of one name but different shapes are named apart
// once all are built (see nameApart); two definitions of one name are an
// error.
func (b *builder) register(n *node, t *Type) (*Type, error) {
	if n.defName == "" && len(b.holders) > 0 {
		b.inline[t] = b.holders[len(b.holders)-1]
	}
	prev, ok := b.named[t.Name]
	if !ok {
		b.named[t.Name] = t
		b.byNode[n] = t
		return t, nil
	}
	for _, c := range append([]*Type{prev}, b.clashes[t.Name]...) {
		if sameType(c, t, map[[2]*Type]bool{}) {
			b.byNode[n] = c
			return c, nil
		}
	}
	_, prevInline := b.inline[prev]
	_, inline := b.inline[t]
	switch {
	case !inline && !prevInline:
		return nil, errorf(t.Loc, "two different types are both named %s (the other at %s); give one a title", t.Name, prev.Loc)
	case !inline: // a definition keeps its name
		b.clashes[t.Name] = append(b.clashes[t.Name], prev)
		b.named[t.Name] = t
	default:
		b.clashes[t.Name] = append(b.clashes[t.Name], t)
	}
	b.byNode[n] = t
	return t, nil
}

// nameApart names apart the inline types that share a name: each is named
// by the object type that holds it, then its own name (TokenChunk and
// ImageChunk each have a finishReason enum: TokenChunkFinishReason and
// ImageChunkFinishReason), with a number after when that is taken too. A
// type defined under $defs keeps its name.
func (b *builder) nameApart() {
	for _, base := range sortedKeys(b.clashes) {
		group := b.clashes[base]
		if prev := b.named[base]; b.inline[prev] != "" {
			group = append([]*Type{prev}, group...)
			delete(b.named, base)
		}
		for _, t := range group {
			name := GoName(b.inline[t]) + base
			for i := 2; b.named[name] != nil; i++ {
				name = fmt.Sprintf("%s%s%d", GoName(b.inline[t]), base, i)
			}
			t.Name = name
			b.named[name] = t
		}
	}
}

// sameType reports whether a and b describe the same values and Go type.
func sameType(a, b *Type, seen map[[2]*Type]bool) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if seen[[2]*Type{a, b}] {
		return true
	}
	seen[[2]*Type{a, b}] = true
	if a.Kind != b.Kind || a.Name != b.Name || a.Description != b.Description || a.Format != b.Format ||
		a.Open != b.Open || a.ElemNullable != b.ElemNullable || !slices.Equal(a.Values, b.Values) ||
		len(a.Fields) != len(b.Fields) || len(a.Variants) != len(b.Variants) || !a.Checks.Equal(b.Checks) ||
		len(a.Guards) != len(b.Guards) || a.OneOf != b.OneOf || a.Dispatch != b.Dispatch || !reflect.DeepEqual(a.Tag, b.Tag) {
		return false
	}
	if (a.Elem != nil || b.Elem != nil) && !sameType(a.Elem, b.Elem, seen) {
		return false
	}
	for i := range a.Fields {
		fa, fb := a.Fields[i], b.Fields[i]
		if fa.Name != fb.Name || fa.Description != fb.Description || fa.Required != fb.Required ||
			fa.Nullable != fb.Nullable || fa.Default != fb.Default || !sameType(fa.Type, fb.Type, seen) {
			return false
		}
	}
	for i := range a.Variants {
		if !sameType(a.Variants[i], b.Variants[i], seen) {
			return false
		}
	}
	for i := range a.Guards {
		if !sameType(a.Guards[i], b.Guards[i], seen) {
			return false
		}
	}
	if len(a.Prefix) != len(b.Prefix) || a.NoMore != b.NoMore || !slices.Equal(a.PrefixNullable, b.PrefixNullable) {
		return false
	}
	for i := range a.Prefix {
		if !sameType(a.Prefix[i], b.Prefix[i], seen) {
			return false
		}
	}
	if len(a.Alternatives) != len(b.Alternatives) || len(a.All) != len(b.All) {
		return false
	}
	for i := range a.Alternatives {
		if !sameType(a.Alternatives[i], b.Alternatives[i], seen) {
			return false
		}
	}
	for i := range a.All {
		if !sameType(a.All[i], b.All[i], seen) {
			return false
		}
	}
	for _, p := range [][2]*Type{{a.Not, b.Not}, {a.If, b.If}, {a.Then, b.Then}, {a.Else, b.Else}} {
		if (p[0] != nil || p[1] != nil) && !sameType(p[0], p[1], seen) {
			return false
		}
	}
	return true
}
