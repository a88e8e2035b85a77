package schema

import (
	"fmt"
	"slices"
	"strings"
)

// builder turns nodes into a Model.
type builder struct {
	model  *Model
	named  map[string]*Type // named types by Go name
	byNode map[*node]*Type  // named types by the node that defines them
	orders []pendingOrder
	lifts  []pendingLift
	// path holds the nodes typeOf is inside of, to find a schema that
	// refers to itself before a named type stands on the way.
	path   []*node
	onPath map[*node]bool
	// holders are the object types being built, innermost last; inline
	// are the named types without a definition name, with the object
	// that holds each; clashes are the inline types that have the name
	// of another type, to be named apart (see nameApart).
	holders []string
	inline  map[*Type]string
	clashes map[string][]*Type
}

type pendingOrder struct {
	t *Type
	n *node
}

type pendingLift struct {
	from *Type
	spec *liftSpec
}

// build loads the types reachable from roots.
func build(roots []*node) (*Model, error) {
	b := &builder{model: &Model{}, named: map[string]*Type{}, byNode: map[*node]*Type{}, onPath: map[*node]bool{},
		inline: map[*Type]string{}, clashes: map[string][]*Type{}}
	for _, r := range roots {
		t, _, err := b.typeOf(r, "")
		if err != nil {
			return nil, err
		}
		if t.Kind != Object {
			return nil, errorf(r.loc, "a root schema must be an object with properties, not %s", t.Kind)
		}
		if !slices.Contains(b.model.Roots, t) {
			b.model.Roots = append(b.model.Roots, t)
		}
	}
	b.nameApart()
	b.model.Types = namedTypes(b.model.Roots)
	if err := b.resolveOrders(); err != nil {
		return nil, err
	}
	if err := b.resolveLifts(); err != nil {
		return nil, err
	}
	return b.model, nil
}

// namedTypes lists the named types reachable from roots: the roots first,
// then the others as a depth-first walk of the fields first meets them.
func namedTypes(roots []*Type) []*Type {
	types := slices.Clone(roots)
	seen := map[*Type]bool{}
	var walk func(t *Type)
	walk = func(t *Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		if t.Kind.Named() && !slices.Contains(types, t) {
			types = append(types, t)
		}
		walk(t.Elem)
		for _, v := range t.Variants {
			walk(v)
		}
		for _, f := range t.Fields {
			walk(f.Type)
		}
		for _, g := range t.Guards {
			walk(g)
		}
		for _, p := range t.Prefix {
			walk(p)
		}
		for _, p := range t.Patterns {
			walk(p.Type)
		}
		for _, a := range append(slices.Clip(t.Alternatives), t.All...) {
			walk(a)
		}
		for _, a := range []*Type{t.Not, t.If, t.Then, t.Else} {
			walk(a)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return types
}

// typeOf returns the type of n and whether n admits null. hint names a
// named type that has neither a definition name nor a title.
func (b *builder) typeOf(n *node, hint string) (*Type, bool, error) {
	if t, ok := b.byNode[n]; ok {
		return t, false, nil
	}
	if b.onPath[n] {
		return nil, false, b.cycle(n)
	}
	b.onPath[n] = true
	b.path = append(b.path, n)
	defer func() {
		b.path = b.path[:len(b.path)-1]
		delete(b.onPath, n)
	}()
	switch n.unsupported {
	case "":
	case "false schema": // no value fits
		return &Type{Kind: Any, Loc: n.loc, Checks: &Checks{Values: []string{}}}, false, nil
	default:
		return nil, false, unsupportedKeyword(n.loc, n.unsupported)
	}
	if n.target != nil {
		if len(n.siblings) > 0 {
			return nil, false, errorf(n.loc, "unsupported: %s next to $ref; put constraints on the referenced schema", strings.Join(n.siblings, ", "))
		}
		return b.typeOf(n.target, hint)
	}
	if len(n.allOf) > 0 {
		if len(n.allOf) == 1 && !hasValueKeywords(n) && len(n.anyOf)+len(n.oneOf) == 0 {
			return b.typeOf(n.allOf[0], hint)
		}
		return b.allOf(n, hint)
	}
	if len(n.anyOf) > 0 && len(n.oneOf) > 0 {
		return nil, false, errorf(n.loc, "unsupported: anyOf and oneOf in one schema")
	}
	if variants := append(slices.Clip(n.anyOf), n.oneOf...); len(variants) > 0 {
		if t, ok, err := b.anyAlternatives(n, variants, hint); ok || err != nil {
			return t, false, err
		}
		if hasValueKeywords(n) {
			return nil, false, errorf(n.loc, "unsupported: %s next to type keywords", alternativesKeyword(n))
		}
		var rest []*node
		nullable := false
		for _, v := range variants {
			if isNullSchema(v) {
				nullable = true
				continue
			}
			rest = append(rest, v)
		}
		switch len(rest) {
		case 0:
			return onlyNull(n), false, nil
		case 1:
			t, null, err := b.typeOf(rest[0], hint)
			return t, nullable || null, err
		}
		t, err := b.union(n, rest, hint)
		return t, nullable, err
	}

	types, nullable := withoutNull(n.types)
	if len(types) == 0 && len(n.types) == 0 {
		return b.untyped(n, hint)
	}
	if n.not != nil || n.ifNode != nil {
		return nil, false, errorf(n.loc, "unsupported: not, if, then or else beside type; write them on a schema of no type")
	}
	if len(types) == 0 {
		return onlyNull(n), false, nil
	}
	if len(types) > 1 {
		if hasValueKeywords(&node{props: n.props, items: n.items, enum: n.enum, additional: n.additional, closed: n.closed}) {
			return nil, false, errorf(n.loc, "unsupported: a list of types together with properties, items or enum")
		}
		var variants []*node
		for i, ty := range types {
			v := assertionsOf(n)
			v.loc, v.types = fmt.Sprintf("%s/type/%d", n.loc, i), []string{ty}
			variants = append(variants, v)
		}
		t, err := b.union(n, variants, hint)
		return t, nullable, err
	}
	t, err := b.typed(n, types[0], hint)
	return t, nullable, err
}

// typed builds the type of n, of the one JSON type ty.
func (b *builder) typed(n *node, ty, hint string) (*Type, error) {
	kind := ty
	if ty == "integer" {
		kind = "number"
	}
	c, err := checksOf(n, kind)
	if err != nil {
		return nil, err
	}
	enum := ty == "string" && n.hasEnum && len(valuesOf(n, "string")) > 0
	if n.hasEnum && !enum {
		kinds := []string{ty}
		if ty == "number" {
			kinds = append(kinds, "integer")
		}
		values := valuesOf(n, kinds...)
		if len(values) == 0 {
			return nil, errorf(n.loc, "no value fits: none of the values of %s is of type %s", enumKeyword(n), ty)
		}
		if c == nil {
			c = &Checks{}
		}
		c.Values = values
	}
	switch ty {
	case "string":
		if enum {
			return b.enum(n, hint, c)
		}
		return &Type{Kind: String, Format: n.format, Loc: n.loc, Checks: c}, nil
	case "integer", "number", "boolean":
		return &Type{Kind: map[string]Kind{"integer": Integer, "number": Number, "boolean": Boolean}[ty], Loc: n.loc, Checks: c}, nil
	case "array":
		return b.array(n, hint, c)
	case "object":
		return b.object(n, hint, c)
	}
	return nil, errorf(n.loc, "unknown type %q", ty)
}

// untyped builds the type of a schema that says no type. An enum of
// strings is a string enum; a schema that constrains values of some kinds
// (minimum, properties, items, ...) is any value that, when of such a
// kind, fits it; the others are any value.
func (b *builder) untyped(n *node, hint string) (*Type, bool, error) {
	if n.hasEnum {
		strs, all := valuesOf(n, "string"), valuesOf(n)
		nulls := valuesOf(n, "null")
		if len(strs) > 0 && len(strs)+len(nulls) == len(all) {
			t, err := b.typed(n, "string", hint)
			return t, len(nulls) > 0, err
		}
	}
	t := &Type{Kind: Any, Loc: n.loc}
	if n.hasEnum {
		t.Checks = &Checks{Values: valuesOf(n)}
		if len(t.Checks.Values) == 0 {
			return nil, false, errorf(n.loc+"/enum", "an enum needs at least one value")
		}
	}
	kinds := constrainedKinds(n)
	if len(kinds) == 0 && n.not == nil && n.ifNode == nil {
		return t, false, nil
	}
	b.byNode[n] = t // before the guards, which may refer back to n
	for _, a := range []struct {
		n   *node
		dst **Type
	}{{n.not, &t.Not}, {n.ifNode, &t.If}, {n.thenNode, &t.Then}, {n.elseNode, &t.Else}} {
		if a.n == nil || (a.n != n.not && n.ifNode == nil) { // then and else mean nothing without if
			continue
		}
		at, null, err := b.typeOf(a.n, hint)
		if err != nil {
			return nil, false, err
		}
		*a.dst = orNull(at, null)
	}
	for _, k := range kinds {
		g := assertionsOf(n)
		g.types, g.props, g.required, g.additional, g.closed, g.open = []string{k}, n.props, n.required, n.additional, n.closed, n.open
		g.items, g.noItems, g.prefixItems, g.patternProps = n.items, n.noItems, n.prefixItems, n.patternProps
		g.defName, g.title, g.description, g.order, g.lift = n.defName, n.title, n.description, n.order, n.lift
		gt, err := b.typed(g, k, hint)
		if err != nil {
			return nil, false, err
		}
		t.Guards = append(t.Guards, gt)
	}
	return t, false, nil
}

// anyAlternatives builds the type of a schema with anyOf or oneOf of
// which an alternative says no type: any value, that fits the
// alternatives as anyOf or oneOf says, and the schema's other keywords.
// ok is false when no alternative is of no type.
func (b *builder) anyAlternatives(n *node, variants []*node, hint string) (*Type, bool, error) {
	if !slices.ContainsFunc(variants, func(v *node) bool { return saysNoType(v, map[*node]bool{}) }) {
		return nil, false, nil
	}
	var alts []*Type
	for i, v := range variants {
		vt, null, err := b.typeOf(v, fmt.Sprintf("%sVariant%d", hint, i+1))
		if err != nil {
			return nil, false, err
		}
		alts = append(alts, orNull(vt, null))
	}
	base := *n
	base.anyOf, base.oneOf = nil, nil
	t, null, err := b.typeOf(&base, hint)
	if err != nil {
		return nil, true, err
	}
	if t.Kind != Any || null {
		return nil, true, errorf(n.loc, "unsupported: %s of which an alternative has no type, beside a type", alternativesKeyword(n))
	}
	t.Alternatives, t.OneOf = alts, len(n.oneOf) > 0
	return t, true, nil
}

// allOf builds the type of a schema with allOf: when it and each of the
// schemas of allOf say no type, any value that fits every one of them.
func (b *builder) allOf(n *node, hint string) (*Type, bool, error) {
	refuse := errorf(n.loc, "unsupported allOf: flightline can check allOf of several schemas, or beside other keywords, only when none of them says a type")
	base := *n
	base.allOf = nil
	t, null, err := b.typeOf(&base, hint)
	if err != nil {
		return nil, false, err
	}
	if t.Kind != Any || null {
		return nil, false, refuse
	}
	for i, a := range n.allOf {
		at, null, err := b.typeOf(a, fmt.Sprintf("%sPart%d", hint, i+1))
		if err != nil {
			return nil, false, err
		}
		if at.Kind != Any {
			return nil, false, refuse
		}
		t.All = append(t.All, orNull(at, null))
	}
	return t, false, nil
}

// saysNoType reports a schema that is any value: one that says no type,
// through references and alternatives, and is not an enum of strings.
func saysNoType(v *node, seen map[*node]bool) bool {
	for ; v.target != nil; v = v.target {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	switch {
	case v.unsupported == "false schema":
		return true
	case v.unsupported != "", isNullSchema(v), len(v.types) > 0:
		return false
	case len(v.allOf) == 1 && !hasValueKeywords(v) && len(v.anyOf)+len(v.oneOf) == 0:
		return saysNoType(v.allOf[0], seen)
	case len(v.allOf) > 0:
		return true
	case len(v.anyOf)+len(v.oneOf) > 0:
		return slices.ContainsFunc(append(slices.Clip(v.anyOf), v.oneOf...), func(a *node) bool { return saysNoType(a, seen) })
	case v.hasEnum:
		return len(valuesOf(v, "string"))+len(valuesOf(v, "null")) != len(valuesOf(v))
	}
	return true
}

// orNull is t, or, when null is allowed too, any value that is null or
// fits t.
func orNull(t *Type, null bool) *Type {
	if !null || t.Kind == Any {
		return t
	}
	return &Type{Kind: Any, Loc: t.Loc, Alternatives: []*Type{onlyNull(&node{loc: t.Loc}), t}}
}

// onlyNull is the type of a schema that admits only null: any value that
// is null.
func onlyNull(n *node) *Type {
	return &Type{Kind: Any, Loc: n.loc, Checks: &Checks{Values: []string{"null"}}}
}

// constrainedKinds lists the JSON kinds that the keywords of n constrain.
func constrainedKinds(n *node) []string {
	var kinds []string
	if n.minimum != nil || n.maximum != nil || n.exclusiveMinimum != nil || n.exclusiveMaximum != nil || n.multipleOf != nil {
		kinds = append(kinds, "number")
	}
	if n.counts["minLength"] != nil || n.counts["maxLength"] != nil || n.pattern != nil ||
		AssertableFormat(n.format) && n.formatMode != "annotate" {
		kinds = append(kinds, "string")
	}
	if n.items != nil || n.noItems || len(n.prefixItems) > 0 || n.uniqueItems || n.counts["minItems"] != nil || n.counts["maxItems"] != nil {
		kinds = append(kinds, "array")
	}
	if len(n.props) > 0 || len(n.required) > 0 || n.additional != nil || n.closed || len(n.patternProps) > 0 ||
		n.counts["minProperties"] != nil || n.counts["maxProperties"] != nil {
		kinds = append(kinds, "object")
	}
	return kinds
}

// assertionsOf returns a node with the assertions of n and nothing else.
func assertionsOf(n *node) *node {
	return &node{loc: n.loc, minimum: n.minimum, maximum: n.maximum, exclusiveMinimum: n.exclusiveMinimum,
		exclusiveMaximum: n.exclusiveMaximum, multipleOf: n.multipleOf, counts: n.counts, pattern: n.pattern,
		uniqueItems: n.uniqueItems, format: n.format, formatMode: n.formatMode, enum: n.enum, hasEnum: n.hasEnum}
}

func enumKeyword(n *node) string {
	if len(n.enum) == 1 {
		return "const"
	}
	return "enum"
}

// array builds an array type.
func (b *builder) array(n *node, hint string, c *Checks) (*Type, error) {
	t := &Type{Kind: Array, Loc: n.loc, Elem: &Type{Kind: Any, Loc: n.loc}, Checks: c, NoMore: n.noItems}
	for i, p := range n.prefixItems {
		pt, null, err := b.typeOf(p, fmt.Sprintf("%sItem%d", hint, i+1))
		if err != nil {
			return nil, err
		}
		t.Prefix, t.PrefixNullable = append(t.Prefix, pt), append(t.PrefixNullable, null)
	}
	if n.items != nil {
		elem, null, err := b.typeOf(n.items, hint+"Item")
		if err != nil {
			return nil, err
		}
		t.Elem, t.ElemNullable = elem, null
	}
	return t, nil
}

// cycle is the error for n, met again inside itself before any named
// type (an object or a union, which may be recursive) stands between: a
// chain of references that never reaches a schema, or an array or map
// that holds itself.
func (b *builder) cycle(n *node) error {
	start := slices.Index(b.path, n)
	file, _, _ := strings.Cut(n.loc, "#")
	var locs []string
	refsOnly := true
	for _, p := range append(b.path[start:], n) {
		loc := p.loc
		if f, pointer, _ := strings.Cut(loc, "#"); f == file {
			loc = "#" + pointer // the file is named once, in front
		}
		locs = append(locs, loc)
		refsOnly = refsOnly && (p.target != nil || len(p.allOf) > 0 || len(p.anyOf)+len(p.oneOf) > 0)
	}
	if refsOnly {
		return errorf(n.loc, "$ref cycle: the schema refers to itself without ever saying what it is (%s)", strings.Join(locs, " -> "))
	}
	return errorf(n.loc, "unsupported: an array or map that contains itself (%s); recursion is supported through an object", strings.Join(locs, " -> "))
}

// object builds a struct type, or a map type for an object that only
// constrains its values.
func (b *builder) object(n *node, hint string, c *Checks) (*Type, error) {
	if len(n.props) == 0 && !n.closed && len(n.required) == 0 && len(n.patternProps) == 0 {
		t := &Type{Kind: Map, Loc: n.loc, Elem: &Type{Kind: Any, Loc: n.loc}, Checks: c}
		if n.additional != nil {
			elem, null, err := b.typeOf(n.additional, hint+"Value")
			if err != nil {
				return nil, err
			}
			t.Elem, t.ElemNullable = elem, null
		}
		return t, nil
	}
	name, err := b.name(n, hint)
	if err != nil {
		return nil, err
	}
	t := &Type{Kind: Object, Name: name, Loc: n.loc, Description: definitionDescription(n), Open: !n.closed, Checks: c}
	b.byNode[n] = t // before the fields, so that a recursive reference finds it
	b.holders = append(b.holders, name)
	defer func() { b.holders = b.holders[:len(b.holders)-1] }()
	if n.additional != nil {
		elem, null, err := b.typeOf(n.additional, name+"Value")
		if err != nil {
			return nil, err
		}
		t.Elem, t.ElemNullable = elem, null
	}
	if err := b.patterns(n, t, name); err != nil {
		return nil, err
	}
	goNames := map[string]string{}
	for _, p := range n.props {
		ft, nullable, err := b.typeOf(p.n, GoName(p.name))
		if err != nil {
			return nil, err
		}
		f := &Field{
			Name:        p.name,
			GoName:      GoName(p.name),
			Description: p.n.description,
			Type:        ft,
			Required:    slices.Contains(n.required, p.name),
			Nullable:    nullable,
			ReadOnly:    p.n.readOnly || p.n.target != nil && p.n.target.readOnly,
			WriteOnly:   p.n.writeOnly || p.n.target != nil && p.n.target.writeOnly,
			Loc:         p.n.loc,
		}
		if other, ok := goNames[f.GoName]; ok {
			return nil, errorf(p.n.loc, "properties %q and %q both become the Go field %s", other, p.name, f.GoName)
		}
		goNames[f.GoName] = p.name
		for _, pp := range t.Patterns {
			if pp.Regexp().MatchString(p.name) {
				return nil, errorf(p.n.loc, "unsupported: property %q also matches patternProperties %q; a property is checked against one schema", p.name, pp.Pattern)
			}
		}
		if p.n.dflt != nil {
			if err := checkDefault(f, p.n.dflt); err != nil {
				return nil, err
			}
			f.Default = p.n.dflt.text()
		}
		t.Fields = append(t.Fields, f)
	}
	// A required property the schema does not declare may be any value
	// the undeclared ones may be.
	for _, r := range n.required {
		if t.Field(r) != nil {
			continue
		}
		loc := n.loc + "/required"
		if n.closed && !slices.ContainsFunc(t.Patterns, func(p *PatternProperty) bool { return p.Regexp().MatchString(r) }) {
			return nil, errorf(loc, "required property %q is not declared in properties, and the object allows no other", r)
		}
		f := &Field{Name: r, GoName: GoName(r), Type: &Type{Kind: Any, Loc: loc}, Required: true, Loc: loc}
		if t.Elem != nil {
			f.Type, f.Nullable = t.Elem, t.ElemNullable
		}
		if other, ok := goNames[f.GoName]; ok {
			return nil, errorf(loc, "properties %q and %q both become the Go field %s", other, r, f.GoName)
		}
		goNames[f.GoName] = r
		t.Fields = append(t.Fields, f)
	}
	if n.order != nil {
		b.orders = append(b.orders, pendingOrder{t, n})
	}
	if n.lift != nil {
		b.lifts = append(b.lifts, pendingLift{t, n.lift})
	}
	b.holders = b.holders[:len(b.holders)-1] // t is not its own holder
	defer func() { b.holders = append(b.holders, name) }()
	return b.register(n, t)
}

// patterns builds the patternProperties of the object or map t.
func (b *builder) patterns(n *node, t *Type, hint string) error {
	for i, p := range n.patternProps {
		re, err := ecmaToRE2(p.pattern)
		if err != nil {
			return errorf(n.loc+"/patternProperties", "%v", err)
		}
		pt, null, err := b.typeOf(p.n, fmt.Sprintf("%sPattern%d", hint, i+1))
		if err != nil {
			return err
		}
		t.Patterns = append(t.Patterns, &PatternProperty{Pattern: p.pattern, PatternRE2: re.String(), Type: pt, Nullable: null, Loc: p.n.loc, re: re})
	}
	return nil
}

// enum builds a string enum type.
func (b *builder) enum(n *node, hint string, c *Checks) (*Type, error) {
	name, err := b.name(n, hint)
	if err != nil {
		return nil, err
	}
	t := &Type{Kind: Enum, Name: name, Loc: n.loc, Description: definitionDescription(n), Checks: c}
	seen := make(map[string]bool, len(n.enum))
	for i, v := range n.enum {
		if v.kind != '"' {
			continue // a value of another kind than the type's is never met
		}
		if seen[v.str] {
			return nil, errorf(fmt.Sprintf("%s/enum/%d", n.loc, i), "enum value %q appears twice", v.str)
		}
		seen[v.str] = true
		t.Values = append(t.Values, v.str)
	}
	if len(t.Values) == 0 {
		return nil, errorf(n.loc+"/enum", "an enum needs at least one value")
	}
	return b.register(n, t)
}

// JSONKind is the JSON kind of values of t as a union alternative: string,
// integer, number, boolean, array or object; "" for kinds a union cannot hold.
func JSONKind(t *Type) string {
	switch t.Kind {
	case String, Enum:
		return "string"
	case Integer:
		return "integer"
	case Number:
		return "number"
	case Boolean:
		return "boolean"
	case Array:
		return "array"
	case Object, Map:
		return "object"
	}
	return ""
}
