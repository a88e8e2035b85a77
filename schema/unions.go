package schema

import (
	"fmt"
	"slices"
	"strings"
)

// Dispatch is how a value of a union with several object alternatives
// finds the one it is.
type Dispatch uint8

// The dispatches of unions.
const (
	// DispatchKind: the alternatives differ in JSON kind (at most one is
	// an object), so the value's kind says which it is.
	DispatchKind Dispatch = iota
	// DispatchTag: a property every object alternative requires (the
	// discriminator) has values of its own in each.
	DispatchTag
	// DispatchKeys: the names of the object's members say which
	// alternative it can be: each pair of alternatives has a property one
	// requires and the other does not allow.
	DispatchKeys
	// DispatchTrial: the object alternatives overlap; the value is the
	// first alternative, in schema order, it fits (for oneOf, the only
	// one).
	DispatchTrial
)

var dispatchNames = [...]string{DispatchKind: "kind", DispatchTag: "tag", DispatchKeys: "keys", DispatchTrial: "trial"}

func (d Dispatch) String() string { return dispatchNames[d] }

// A Tag is the discriminator of a union: the property, and the values
// that pick each object alternative, in the order of the union's
// object alternatives.
type Tag struct {
	Property string
	Values   [][]string
}

// union builds a sum type from alternatives: of different JSON kinds, or
// several objects, which a discriminator, the members' names, or a trial
// of each in turn tell apart.
func (b *builder) union(n *node, variants []*node, hint string) (*Type, error) {
	name, err := b.name(n, hint)
	if err != nil {
		return nil, err
	}
	t := &Type{Kind: Union, Name: name, Loc: n.loc, Description: definitionDescription(n), OneOf: len(n.oneOf) > 0}
	b.byNode[n] = t // before the alternatives, so that a recursive reference finds it
	seen := map[string]string{}
	var objects []*Type
	for i, v := range variants {
		vt, null, err := b.typeOf(v, fmt.Sprintf("%sVariant%d", name, i+1))
		if err != nil {
			return nil, err
		}
		if null {
			return nil, errorf(v.loc, "unsupported: a nullable alternative inside %s; put null beside the alternatives instead", alternativesKeyword(n))
		}
		kind := JSONKind(vt)
		if kind == "" {
			return nil, errorf(v.loc, "unsupported: a %s alternative inside %s", vt.Kind, alternativesKeyword(n))
		}
		if kind == "object" {
			if slices.Contains(objects, vt) {
				return nil, errorf(v.loc, "unsupported: the same object type twice among the alternatives")
			}
			objects = append(objects, vt)
		}
		if prev, ok := seen[kind]; ok && (kind != "object" || vt.Kind != Object || objects[0].Kind != Object) {
			return nil, errorf(v.loc, "unsupported: two %s alternatives (the other at %s); alternatives must differ in JSON kind, or be object types", kind, prev)
		}
		seen[kind] = v.loc
		t.Variants = append(t.Variants, vt)
	}
	if seen["integer"] != "" && seen["number"] != "" {
		for _, v := range t.Variants {
			if (v.Kind == Integer || v.Kind == Number) && !v.Checks.Empty() {
				return nil, errorf(v.Loc, "unsupported: assertions on an integer or number alternative beside the other")
			}
		}
		if t.OneOf {
			return nil, errorf(n.loc, "unsupported: oneOf with both integer and number, which no integer can satisfy; use anyOf")
		}
	}
	if len(objects) > 1 {
		if err := b.dispatch(n, t, objects); err != nil {
			return nil, err
		}
	}
	return b.register(n, t)
}

// dispatch decides how a value finds which of the object alternatives it
// is: by a discriminator the schema names, by a property of values of
// its own in each, by the names of its members, or by trying each.
func (b *builder) dispatch(n *node, t *Type, objects []*Type) error {
	if d := n.discriminator; d != nil {
		tag, err := discriminatorTag(d, objects)
		if err != nil {
			return err
		}
		t.Dispatch, t.Tag = DispatchTag, tag
		return nil
	}
	if tag := implicitTag(objects); tag != nil {
		t.Dispatch, t.Tag = DispatchTag, tag
		return nil
	}
	t.Dispatch = DispatchKeys
	for i, a := range objects {
		for _, o := range objects[i+1:] {
			if !keysApart(a, o) && !keysApart(o, a) {
				t.Dispatch = DispatchTrial
				return nil
			}
		}
	}
	return nil
}

// keysApart reports whether a requires a property that o does not
// allow, so that no object is both.
func keysApart(a, o *Type) bool {
	if o.Open || len(o.Patterns) > 0 || len(a.Patterns) > 0 {
		return false
	}
	for _, f := range a.Fields {
		if f.Required && o.Field(f.Name) == nil {
			return true
		}
	}
	return false
}

// implicitTag finds a property that every object alternative requires,
// as an enum of values no other alternative's has (pydantic's Literal
// fields), or returns nil.
func implicitTag(objects []*Type) *Tag {
	for _, f := range objects[0].Fields {
		tag := &Tag{Property: f.Name}
		taken := map[string]bool{}
		for _, o := range objects {
			of := o.Field(f.Name)
			if of == nil || !of.Required || of.Nullable || of.Type.Kind != Enum || slices.ContainsFunc(of.Type.Values, func(v string) bool { return taken[v] }) {
				tag = nil
				break
			}
			for _, v := range of.Type.Values {
				taken[v] = true
			}
			tag.Values = append(tag.Values, slices.Clone(of.Type.Values))
		}
		if tag != nil {
			return tag
		}
	}
	return nil
}

// discriminatorTag is the tag an OpenAPI discriminator names: each value
// of its mapping picks the alternative it references; an alternative the
// mapping leaves out is picked by its name.
func discriminatorTag(d *discriminatorSpec, objects []*Type) (*Tag, error) {
	tag := &Tag{Property: d.property, Values: make([][]string, len(objects))}
	mapped := map[*Type]bool{}
	for _, m := range d.mapping {
		ref := m[1]
		target := ref[strings.LastIndex(ref, "/")+1:]
		i := slices.IndexFunc(objects, func(o *Type) bool { return o.Name == GoName(target) || o.Name == target })
		if i < 0 {
			return nil, errorf(d.loc+"/mapping/"+escapePointerToken(m[0]), "%s is not one of the object alternatives", ref)
		}
		tag.Values[i] = append(tag.Values[i], m[0])
		mapped[objects[i]] = true
	}
	seen := map[string]bool{}
	for i, o := range objects {
		if !mapped[o] {
			tag.Values[i] = []string{o.Name}
		}
		for _, v := range tag.Values[i] {
			if seen[v] {
				return nil, errorf(d.loc, "the discriminator value %q picks two alternatives", v)
			}
			seen[v] = true
		}
		if f := o.Field(d.property); f != nil && f.Type.Kind != String && f.Type.Kind != Enum {
			return nil, errorf(d.loc, "the discriminator %q of %s is a %s, not a string", d.property, o.Name, f.Type.Kind)
		}
	}
	return tag, nil
}
