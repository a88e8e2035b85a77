package gen

import (
	"fmt"
	"strings"

	"github.com/flightline-dev/flightline/gen/ir"
)

// The generator owns the names it writes: check claims each one, those of
// the runtime first, so that two things that would have one name are
// refused with the place in the schema, instead of making a package that
// does not compile. Object fields are named after the schema's Go names,
// moved aside when a method of the type has the name.

// nameSet records who owns each name: a top-level name of the package, or
// a method (recv.name).
type nameSet map[string]claim

func (n nameSet) claim(c claim) error {
	key := c.name
	if c.recv != "" {
		key = c.recv + "." + c.name
	}
	prev, ok := n[key]
	if !ok {
		n[key] = c
		return nil
	}
	loc := ""
	if c.loc != "" {
		loc = c.loc + ": "
	}
	hint := ""
	if c.typ || prev.typ {
		hint = "; give the type another name (a title or a $defs key)"
	}
	return fmt.Errorf("%s%s and %s would both be named %s%s", loc, prev.what, c.what, key, hint)
}

// check rejects models whose Go code would not compile: names that clash,
// and types that would hold themselves by value.
func (g *generator) check() error {
	declared, err := runtimeDeclared(g.runtimeFiles())
	if err != nil {
		return err
	}
	names := nameSet{}
	for _, d := range declared {
		if err := names.claim(claim{recv: d.recv, name: d.name, what: "the runtime's " + d.name}); err != nil {
			return err
		}
	}
	for _, c := range g.claims() {
		if err := names.claim(c); err != nil {
			return err
		}
	}
	return g.checkRecursion()
}

// A claim is a name the generated code declares: what it is, and where
// the schema asks for it. typ marks a schema type's own name.
type claim struct {
	loc, recv, name, what string
	typ                   bool
}

// claims lists the names the generated code declares, beside the runtime.
func (g *generator) claims() []claim {
	var cs []claim
	add := func(loc, recv, name, what string) {
		cs = append(cs, claim{loc: loc, recv: recv, name: name, what: what})
	}
	add("", "", "Validator", "the Validator")
	if g.p.Uses(ir.IsKind(ir.DateTime)) {
		add("", "Validator", "DateTimes", "the Validator's DateTimes method")
		add("", "Validator", "DateTimeAt", "the Validator's DateTimeAt method")
	}
	for _, t := range g.p.Types {
		typ := t.Kind.String() + " " + t.Name
		cs = append(cs, claim{loc: t.Loc, name: t.Name, what: typ, typ: true})
		switch t.Kind {
		case ir.Struct:
			add(t.Loc, "scanner", "decode"+t.Name, "the decoder of "+typ)
			add(t.Loc, "encoder", "encode"+t.Name, "the encoder of "+typ)
			add(t.Loc, "", "keys"+t.Name, "the member names of "+typ)
			add(t.Loc, "", t.Name+"Properties", "the property list of "+typ)
		case ir.Enum:
			add(t.Loc, "scanner", "decode"+t.Name, "the decoder of "+typ)
			for _, v := range t.Values {
				add(t.Loc, "", v.Const, fmt.Sprintf("value %q of %s", v.JSON, t.Name))
			}
			add(t.Loc, "", t.Name+"s", "the list of "+t.Name+" values")
			add(t.Loc, "", "Parse"+t.Name, "the parser of "+typ)
		case ir.Union:
			add(t.Loc, "scanner", "decode"+t.Name, "the decoder of "+typ)
			add(t.Loc, "encoder", "encode"+t.Name, "the encoder of "+typ)
			add(t.Loc, "", t.KindType, "the kind type of "+t.Name)
			for _, v := range t.Variants {
				add(t.Loc, "", v.Const, "a kind of "+t.Name)
				add(t.Loc, "", v.Ctor, "a constructor of "+t.Name)
			}
			if len(t.Objects) > 0 {
				add(t.Loc, "", alternativesVar(t), "the object alternatives of "+typ)
			}
		}
	}
	for _, t := range g.p.Documents {
		add(t.Loc, "", "Validate"+t.Name, "the validation function of "+t.Name)
		add(t.Loc, "Validator", t.Name, "the Validator's method for "+t.Name)
	}
	if o := g.p.Order; o != nil {
		for _, name := range []string{"SortKey", "MakeSortKey", "CompareSortKeys", "Compare", "Sort", "IsSorted", "Merge", "compareBool", viewName(o.Type)} {
			add(o.Type.Loc, "", name, "the merge helper "+name)
		}
	}
	for _, l := range g.p.Lifts {
		name := "Lift" + l.From.Name
		for _, n := range []string{name, name + "JSON", name + "Sources", "lift" + l.From.Name + "Steps"} {
			add(l.From.Loc, "", n, "the lift helper "+n)
		}
	}
	return cs
}

// checkRecursion refuses an object or union that would hold itself by
// value, which Go cannot represent ("invalid recursive type"). Through
// required properties alone, no document of the type can end; through a
// union alternative, one can, but the property must be optional or
// nullable to be held through a pointer.
func (g *generator) checkRecursion() error {
	// held lists what a value of t holds by value.
	held := func(t *ir.Type) []heldEdge {
		var out []heldEdge
		switch t.Kind {
		case ir.Struct:
			for _, f := range t.Fields {
				if f.Storage != ir.Pointer && (f.Value.Is(ir.Struct) || f.Value.Is(ir.Union)) {
					out = append(out, heldEdge{f.Value.Type, f})
				}
			}
		case ir.Union:
			for _, v := range t.Variants {
				if v.Value.Is(ir.Struct) && !v.Ptr {
					out = append(out, heldEdge{v.Value.Type, nil})
				}
			}
		}
		return out
	}
	state := map[*ir.Type]int{} // 1 on the path, 2 done
	var path []heldEdge
	var visit func(t *ir.Type) error
	visit = func(t *ir.Type) error {
		state[t] = 1
		for _, e := range held(t) {
			path = append(path, e)
			switch state[e.to] {
			case 0:
				if err := visit(e.to); err != nil {
					return err
				}
			case 1:
				return recursionError(path, e.to)
			}
			path = path[:len(path)-1]
		}
		state[t] = 2
		return nil
	}
	for _, t := range g.p.Types {
		if state[t] == 0 {
			if err := visit(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// A heldEdge is a type that another holds by value: the type of a field,
// or (field nil) the object alternative of a union.
type heldEdge struct {
	to    *ir.Type
	field *ir.Field
}

// recursionError describes the cycle that path ends, back to t.
func recursionError(path []heldEdge, t *ir.Type) error {
	start := 0
	for i, e := range path[:len(path)-1] {
		if e.to == t {
			start = i + 1
			break
		}
	}
	cycle := path[start:]
	var steps []string
	loc := t.Loc
	viaUnion := false
	for _, e := range cycle {
		if e.field == nil {
			viaUnion = true
			steps = append(steps, "alternative "+e.to.Name)
			continue
		}
		if loc == t.Loc {
			loc = e.field.Loc
		}
		steps = append(steps, "property "+e.field.JSON)
	}
	chain := t.Name + " holds itself through " + strings.Join(steps, ", ")
	if !viaUnion {
		return fmt.Errorf("%s: %s, each required: no document of %s can end; make one of them optional or nullable", loc, chain, t.Name)
	}
	return fmt.Errorf("%s: %s, which Go cannot hold by value; make one of the properties optional or nullable", loc, chain)
}
