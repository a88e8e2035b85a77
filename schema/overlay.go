package schema

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// An Overlay is a set of changes to a schema document made before it is
// loaded, so that a schema one does not own (Skulk's published
// openapi.json, which has no x-flightline annotations) gets the
// annotations that ask for helpers. It is an OpenAPI Overlay 1.0 document
// (actions whose target is a JSONPath, each an update merged into what it
// selects or a remove), or a JSON merge patch by JSON pointer: an object
// whose members are pointers, each with a merge patch (RFC 7386) of the
// value there.
type Overlay struct {
	file    string
	actions []*overlayAction
}

type overlayAction struct {
	loc     string // file#/pointer of the action, for messages
	target  string // a JSONPath, or a JSON pointer for a merge patch
	pointer bool
	update  *jsonNode
	remove  bool
	matched int
}

// ReadOverlay reads the overlay in file.
func ReadOverlay(file string) (*Overlay, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	d, err := parseJSONDoc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	o := &Overlay{file: file}
	if d.kind != '{' {
		return nil, errorf(file+"#", "an overlay is a JSON object: an OpenAPI Overlay, or JSON merge patches by JSON pointer")
	}
	if v := d.get("overlay"); v != nil {
		if v.kind != '"' || !strings.HasPrefix(v.str, "1.0") {
			return nil, errorf(file+"#/overlay", "Overlay version %s is not supported; flightline reads Overlay 1.0", v.text())
		}
		actions := d.get("actions")
		if actions == nil || actions.kind != '[' {
			return nil, errorf(file+"#/actions", "an Overlay needs an array of actions")
		}
		for i, a := range actions.items {
			loc := fmt.Sprintf("%s#/actions/%d", file, i)
			t := a.get("target")
			if t == nil || t.kind != '"' || !strings.HasPrefix(t.str, "$") {
				return nil, errorf(loc+"/target", "an action needs a target, a JSONPath starting with $")
			}
			if _, err := parseJSONPath(t.str); err != nil {
				return nil, errorf(loc+"/target", "%v", err)
			}
			act := &overlayAction{loc: loc, target: t.str, update: a.get("update")}
			if r := a.get("remove"); r != nil && r.kind == 't' && r.boolean {
				act.remove = true
			}
			if act.update == nil && !act.remove {
				return nil, errorf(loc, "an action needs an update or remove: true")
			}
			o.actions = append(o.actions, act)
		}
		return o, nil
	}
	for _, m := range d.members {
		if !strings.HasPrefix(m.key, "/") && m.key != "" {
			return nil, errorf(file+"#/"+escapePointerToken(m.key), "%q is not a JSON pointer: an overlay without \"overlay\" maps JSON pointers to merge patches", m.key)
		}
		o.actions = append(o.actions, &overlayAction{loc: file + "#/" + escapePointerToken(m.key), target: m.key, pointer: true, update: m.val})
	}
	return o, nil
}

// apply makes the overlay's changes to the document d of file.
func (o *Overlay) apply(d *jsonNode) error {
	for _, a := range o.actions {
		if a.pointer {
			parent, key, ok := parentOf(d, a.target)
			if !ok {
				continue
			}
			if parent == nil { // the whole document
				*d = *mergePatch(d, a.update)
			} else if old := parent.get(key); old != nil || a.update.kind != 'n' {
				parent.set(key, mergePatch(old, a.update))
			}
			a.matched++
			continue
		}
		path, _ := parseJSONPath(a.target)
		slots := path.selectFrom(d)
		if a.remove {
			slices.Reverse(slots) // so that removing an item leaves the others' indexes
		}
		for _, s := range slots {
			a.matched++
			switch {
			case a.remove:
				s.remove()
			case s.node.kind == '[':
				if a.update.kind == '[' {
					s.node.items = append(s.node.items, a.update.items...)
				} else {
					s.node.items = append(s.node.items, a.update)
				}
			case s.node.kind == '{' && a.update.kind == '{':
				merge(s.node, a.update)
			default:
				return errorf(a.loc+"/update", "the update, %s, cannot be merged into the %s that %s selects", kindWord(a.update), kindWord(s.node), a.target)
			}
		}
	}
	return nil
}

// Unmatched is the error for an action of o that changed nothing in the
// documents it was applied to (docs names them): its target is likely
// wrong.
func (o *Overlay) Unmatched(docs string) error {
	for _, a := range o.actions {
		if a.matched == 0 {
			return errorf(a.loc, "the target %s selects nothing in %s", a.target, docs)
		}
	}
	return nil
}

func kindWord(n *jsonNode) string {
	return map[byte]string{'{': "an object", '[': "an array", '"': "a string", '0': "a number", 't': "a boolean", 'n': "null"}[n.kind]
}

// merge merges the object u into the object d, as an Overlay update: a
// member of both that is an object in both is merged, another replaced,
// and a new one added at the end.
func merge(d, u *jsonNode) {
	for _, m := range u.members {
		if old := d.get(m.key); old != nil && old.kind == '{' && m.val.kind == '{' {
			merge(old, m.val)
			continue
		}
		d.set(m.key, m.val)
	}
}

// mergePatch is target with the JSON merge patch p applied (RFC 7386).
func mergePatch(target, p *jsonNode) *jsonNode {
	if p.kind != '{' {
		return p
	}
	out := &jsonNode{kind: '{'}
	if target != nil && target.kind == '{' {
		out.members = append(out.members, target.members...)
	}
	for _, m := range p.members {
		if m.val.kind == 'n' {
			out.del(m.key)
			continue
		}
		out.set(m.key, mergePatch(out.get(m.key), m.val))
	}
	return out
}

// set gives the object n's member key the value v, in its place, or adds
// it at the end.
func (n *jsonNode) set(key string, v *jsonNode) {
	for i := range n.members {
		if n.members[i].key == key {
			n.members[i].val = v
			return
		}
	}
	n.members = append(n.members, jsonMember{key, v})
}

// del removes the object n's member key.
func (n *jsonNode) del(key string) {
	for i := range n.members {
		if n.members[i].key == key {
			n.members = append(n.members[:i], n.members[i+1:]...)
			return
		}
	}
}

// parentOf finds the object that holds the value a JSON pointer names, or
// nil for the whole document; ok is false when there is no such object.
func parentOf(d *jsonNode, pointer string) (parent *jsonNode, key string, ok bool) {
	if pointer == "" {
		return nil, "", true
	}
	i := strings.LastIndex(pointer, "/")
	parent = d.lookup(pointer[:i])
	if parent == nil || parent.kind != '{' {
		return nil, "", false
	}
	return parent, strings.NewReplacer("~1", "/", "~0", "~").Replace(pointer[i+1:]), true
}

// A jsonPath is a parsed JSONPath: after $, child names (a name, or "*"
// for every child) and index steps, each possibly of a descendant.
type jsonPath []pathStep

type pathStep struct {
	name       string // a member name, or "*"
	index      int    // an item index, when name is ""
	descendant bool   // ..: at any depth below
}

// parseJSONPath reads the JSONPath flightline supports: $ followed by
// .name, ..name, .*, [*], ['name'], ["name"] and [n].
func parseJSONPath(p string) (jsonPath, error) {
	var path jsonPath
	rest := strings.TrimPrefix(p, "$")
	for rest != "" {
		var st pathStep
		if strings.HasPrefix(rest, "..") {
			st.descendant, rest = true, rest[1:]
		}
		switch {
		case strings.HasPrefix(rest, "."):
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			st.name, rest = rest[:end], rest[end:]
			if st.name == "" {
				return nil, fmt.Errorf("JSONPath %s: a name is missing after a dot", p)
			}
		case strings.HasPrefix(rest, "['") || strings.HasPrefix(rest, `["`):
			q := rest[1]
			end := strings.IndexByte(rest[2:], q)
			if end < 0 || !strings.HasPrefix(rest[2+end+1:], "]") {
				return nil, fmt.Errorf("JSONPath %s: a quoted name without its end", p)
			}
			st.name, rest = rest[2:2+end], rest[2+end+2:]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("JSONPath %s: [ without ]", p)
			}
			in := rest[1:end]
			rest = rest[end+1:]
			if in == "*" {
				st.name = "*"
				break
			}
			i, err := strconv.Atoi(in)
			if err != nil || i < 0 {
				return nil, fmt.Errorf("JSONPath %s: [%s] is not supported; flightline reads names, * and indexes, not filters", p, in)
			}
			st.index = i
		default:
			return nil, fmt.Errorf("JSONPath %s: unexpected %q", p, rest[:1])
		}
		path = append(path, st)
	}
	return path, nil
}

// A slot is a value a JSONPath selects, and where it is held.
type slot struct {
	node   *jsonNode
	parent *jsonNode
	key    string
	index  int
}

func (s slot) remove() {
	switch {
	case s.parent == nil:
	case s.parent.kind == '{':
		s.parent.del(s.key)
	default:
		s.parent.items = append(s.parent.items[:s.index], s.parent.items[s.index+1:]...)
	}
}

// selectFrom returns the values the path selects in d.
func (p jsonPath) selectFrom(d *jsonNode) []slot {
	cur := []slot{{node: d}}
	for _, st := range p {
		var next []slot
		for _, s := range cur {
			from := []slot{s}
			if st.descendant {
				from = descendants(s)
			}
			for _, f := range from {
				next = append(next, st.children(f)...)
			}
		}
		cur = next
	}
	return cur
}

// children returns the children of s that the step selects.
func (st pathStep) children(s slot) []slot {
	var out []slot
	switch n := s.node; {
	case n.kind == '{':
		for _, m := range n.members {
			if st.name == "*" || st.name == m.key {
				out = append(out, slot{node: m.val, parent: n, key: m.key})
			}
		}
	case n.kind == '[':
		for i, it := range n.items {
			if st.name == "*" || (st.name == "" && st.index == i) {
				out = append(out, slot{node: it, parent: n, index: i})
			}
		}
	}
	return out
}

// descendants returns s and every value below it.
func descendants(s slot) []slot {
	out := []slot{s}
	for _, c := range (pathStep{name: "*"}).children(s) {
		out = append(out, descendants(c)...)
	}
	return out
}

// Overlaid returns a readFile for LoadJSONSchema that reads documents
// with read (nil means os.ReadFile) and applies the overlays to each.
func Overlaid(read func(string) ([]byte, error), overlays ...*Overlay) func(string) ([]byte, error) {
	if read == nil {
		read = os.ReadFile
	}
	if len(overlays) == 0 {
		return read
	}
	return func(file string) ([]byte, error) {
		data, err := read(file)
		if err != nil {
			return nil, err
		}
		return applyOverlays(file, data, overlays)
	}
}

// applyOverlays applies the overlays to the JSON document data of file.
func applyOverlays(file string, data []byte, overlays []*Overlay) ([]byte, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%s: an overlay applies to a JSON document, and this is not one", file)
	}
	d, err := parseJSONDoc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	for _, o := range overlays {
		if err := o.apply(d); err != nil {
			return nil, err
		}
	}
	return []byte(d.text()), nil
}
