package schema

import (
	"fmt"
	"slices"
	"strings"
)

// The merge annotations: x-flightline-order and x-flightline-lift, which
// are resolved once every type is built.

func (b *builder) resolveOrders() error {
	for _, o := range b.orders {
		loc := o.n.loc + "/x-flightline-order"
		if b.model.Order != nil {
			return errorf(loc, "a second x-flightline-order (the first is on %s); one merge order per package is supported", b.model.Order.Type.Name)
		}
		if len(o.n.order) == 0 {
			return errorf(loc, "name at least one property to order by")
		}
		order := &Order{Type: o.t}
		for _, name := range o.n.order {
			f := o.t.Field(name)
			switch {
			case f == nil:
				return errorf(loc, "%q is not a property of %s", name, o.t.Name)
			case !f.Required || f.Nullable:
				return errorf(loc, "%q must be required and not nullable to order by it", name)
			case f.Type.Kind != String && f.Type.Kind != Integer && f.Type.Kind != Number && f.Type.Kind != Enum && f.Type.Kind != Boolean:
				return errorf(loc, "%q is a %s; order keys must be strings, numbers or booleans", name, f.Type.Kind)
			case slices.Contains(order.Keys, f):
				return errorf(loc, "%q is listed twice", name)
			}
			order.Keys = append(order.Keys, f)
		}
		b.model.Order = order
	}
	return nil
}

func (b *builder) resolveLifts() error {
	for _, pl := range b.lifts {
		from, spec := pl.from, pl.spec
		into := b.named[GoName(spec.into)]
		if into == nil || into.Kind != Object {
			return errorf(spec.loc+"/into", "no object type %s among the loaded schemas: load the schema that defines it too (flightline gen --schema this.json --schema that.json), as a lift's target is named, not referenced", spec.into)
		}
		l := &Lift{From: from, Into: into}
		for _, s := range spec.set {
			target := into.Field(s[0])
			if target == nil {
				return errorf(spec.loc+"/set", "%s has no property %q", into.Name, s[0])
			}
			path, err := fieldPath(from, s[1])
			if err != nil {
				return errorf(spec.loc+"/set/"+escapePointerToken(s[0]), "%v", err)
			}
			if err := liftable(path[len(path)-1], target); err != nil {
				return errorf(spec.loc+"/set/"+escapePointerToken(s[0]), "%v", err)
			}
			l.Set = append(l.Set, LiftSet{Field: target, Path: path})
		}
		slices.SortFunc(l.Set, func(a, b LiftSet) int {
			return slices.Index(into.Fields, a.Field) - slices.Index(into.Fields, b.Field)
		})
		for _, name := range spec.drop {
			f := from.Field(name)
			if f == nil {
				return errorf(spec.loc+"/drop", "%s has no property %q", from.Name, name)
			}
			l.Drop = append(l.Drop, f)
		}
		for _, target := range into.Fields {
			if slices.ContainsFunc(l.Set, func(s LiftSet) bool { return s.Field == target }) {
				continue
			}
			src := from.Field(target.Name)
			if src == nil {
				return errorf(spec.loc, "%s.%s has no source: %s has no property %q; add it to set", into.Name, target.Name, from.Name, target.Name)
			}
			if slices.Contains(l.Drop, src) {
				return errorf(spec.loc+"/drop", "%q is dropped but %s needs it", src.Name, into.Name)
			}
			if err := liftable(src, target); err != nil {
				return errorf(spec.loc, "%v", err)
			}
		}
		for _, f := range from.Fields {
			if into.Field(f.Name) == nil && !slices.Contains(l.Drop, f) {
				return errorf(spec.loc, "the lift would lose %s.%s; list it in drop", from.Name, f.Name)
			}
		}
		b.model.Lifts = append(b.model.Lifts, l)
	}
	return nil
}

// fieldPath follows a JSON pointer of property names from t. Every step
// must be required and not nullable, so that the lift cannot fail.
func fieldPath(t *Type, pointer string) ([]*Field, error) {
	if !strings.HasPrefix(pointer, "/") {
		return nil, fmt.Errorf("%q is not a JSON pointer", pointer)
	}
	var path []*Field
	for _, tok := range strings.Split(pointer[1:], "/") {
		if t == nil || t.Kind != Object {
			return nil, fmt.Errorf("%s: %s is not an object", pointer, t.Name)
		}
		f := t.Field(strings.NewReplacer("~1", "/", "~0", "~").Replace(tok))
		if f == nil {
			return nil, fmt.Errorf("%s: %s has no property %q", pointer, t.Name, tok)
		}
		if !f.Required || f.Nullable {
			return nil, fmt.Errorf("%s: %s.%s may be absent or null", pointer, t.Name, f.Name)
		}
		path = append(path, f)
		t = f.Type
	}
	return path, nil
}

// liftable reports whether every value of src fits target.
func liftable(src, target *Field) error {
	if !sameType(src.Type, target.Type, map[[2]*Type]bool{}) {
		return fmt.Errorf("%s and %s have different types", src.Name, target.Name)
	}
	if src.Nullable && !target.Nullable {
		return fmt.Errorf("%s may be null but %s may not", src.Name, target.Name)
	}
	if !src.Required && target.Required && src.Default == "" {
		return fmt.Errorf("%s may be absent but %s is required", src.Name, target.Name)
	}
	if !src.Required && !target.Required && src.Default != target.Default && (strings.HasPrefix(target.Default, "{") || strings.HasPrefix(target.Default, "[")) {
		return fmt.Errorf("%s is absent with another value than %s's default, an object or array the lift cannot write", src.Name, target.Name)
	}
	return nil
}
