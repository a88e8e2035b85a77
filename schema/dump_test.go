package schema

import (
	"fmt"
	"strings"
)

// dump renders a Model as text for golden files and comparisons; it leaves
// out locations, which differ between frontends.
func dump(m *Model) string {
	var b strings.Builder
	for _, t := range m.Types {
		fmt.Fprintf(&b, "%s %s", t.Kind, t.Name)
		if t.Open {
			b.WriteString(" open")
		}
		b.WriteString("\n")
		if t.Description != "" {
			fmt.Fprintf(&b, "  doc %q\n", t.Description)
		}
		for _, v := range t.Values {
			fmt.Fprintf(&b, "  value %q\n", v)
		}
		for _, v := range t.Variants {
			fmt.Fprintf(&b, "  variant %s\n", typeRef(v))
		}
		for _, f := range t.Fields {
			fmt.Fprintf(&b, "  field %s %s %s", f.Name, f.GoName, typeRef(f.Type))
			if f.Required {
				b.WriteString(" required")
			}
			if f.Nullable {
				b.WriteString(" nullable")
			}
			if f.Default != "" {
				fmt.Fprintf(&b, " default=%s", f.Default)
			}
			fmt.Fprintf(&b, " doc=%q\n", f.Description)
		}
	}
	if m.Order != nil {
		fmt.Fprintf(&b, "order %s by", m.Order.Type.Name)
		for _, k := range m.Order.Keys {
			fmt.Fprintf(&b, " %s", k.Name)
		}
		b.WriteString("\n")
	}
	for _, l := range m.Lifts {
		fmt.Fprintf(&b, "lift %s into %s", l.From.Name, l.Into.Name)
		for _, s := range l.Set {
			var path []string
			for _, p := range s.Path {
				path = append(path, p.Name)
			}
			fmt.Fprintf(&b, " %s=%s", s.Field.Name, strings.Join(path, "."))
		}
		for _, d := range l.Drop {
			fmt.Fprintf(&b, " -%s", d.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func typeRef(t *Type) string {
	switch {
	case t.Kind.Named():
		return t.Name
	case t.Kind == Array || t.Kind == Map:
		s := t.Kind.String() + "[" + typeRef(t.Elem)
		if t.ElemNullable {
			s += "?"
		}
		return s + "]"
	case t.Format != "":
		return t.Kind.String() + "(" + t.Format + ")"
	}
	return t.Kind.String()
}
