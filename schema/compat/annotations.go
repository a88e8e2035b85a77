package compat

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

// A place is where a type is first met in a walk from the roots: the root
// and the JSON pointer below it.
type place struct {
	root    *schema.Type
	pointer string
}

// locate finds the shallowest place of target below roots.
func locate(roots []*schema.Type, target *schema.Type) (place, bool) {
	type item struct {
		t *schema.Type
		place
	}
	var queue []item
	for _, r := range roots {
		queue = append(queue, item{r, place{r, ""}})
	}
	seen := map[*schema.Type]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if it.t == target {
			return it.place, true
		}
		if seen[it.t] {
			continue
		}
		seen[it.t] = true
		for _, f := range it.t.Fields {
			queue = append(queue, item{f.Type, place{it.root, childPointer(it.pointer, f.Name)}})
		}
		for _, v := range it.t.Variants {
			queue = append(queue, item{v, it.place})
		}
		if it.t.Elem != nil {
			queue = append(queue, item{it.t.Elem, place{it.root, childPointer(it.pointer, itemsToken)}})
		}
	}
	return place{}, false
}

// samePlace reports whether a place in OLD and one in NEW are the same:
// paired roots and the same pointer. It returns the root's name.
func samePlace(o, n place, roots []rootPair) (string, bool) {
	for _, p := range roots {
		if p.old == o.root && p.new == n.root {
			return p.name(), o.pointer == n.pointer
		}
	}
	return "", false
}

// rootName names the root of a place in OLD (old) or NEW.
func rootName(pl place, roots []rootPair, old bool) string {
	for _, p := range roots {
		if (old && p.old == pl.root) || (!old && p.new == pl.root) {
			return p.name()
		}
	}
	return pl.root.Name
}

// compareOrders compares the x-flightline-order annotations. Dumps sorted
// by OLD's keys stay sorted under NEW only when NEW's keys are a prefix of
// OLD's; code from OLD accepts NEW's dumps only when OLD's keys are a prefix
// of NEW's. A key compared as an instant under one and as text under the
// other is a different key.
func compareOrders(old, new *schema.Model, roots []rootPair) []Change {
	o, n := old.Order, new.Order
	var op, np place
	var oOK, nOK bool
	if o != nil {
		op, oOK = locate(old.Roots, o.Type)
	}
	if n != nil {
		np, nOK = locate(new.Roots, n.Type)
	}
	if oOK && nOK {
		if root, ok := samePlace(op, np, roots); ok {
			return orderChange(o, n, root, np.pointer)
		}
	}
	var out []Change
	if oOK {
		out = append(out, Change{Root: rootName(op, roots, true), Pointer: op.pointer, Kind: OrderRemoved, Breaks: Forward,
			OldLoc:  o.Type.Loc + "/x-flightline-order",
			Message: fmt.Sprintf("the merge order by %s is no longer declared here: code from the old schema still expects it", orderKeys(o))})
	}
	if nOK {
		out = append(out, Change{Root: rootName(np, roots, false), Pointer: np.pointer, Kind: OrderAdded, Breaks: Backward,
			NewLoc:  n.Type.Loc + "/x-flightline-order",
			Message: fmt.Sprintf("a merge order by %s is declared: dumps that are not sorted that way fail", orderKeys(n))})
	}
	return out
}

// orderChange compares two orders declared at the same place.
func orderChange(o, n *schema.Order, root, pointer string) []Change {
	oKeys, nKeys := o.KeyNames(), n.KeyNames()
	var breaks Direction
	switch {
	case slices.Equal(oKeys, nKeys):
		return nil
	case isPrefix(nKeys, oKeys):
		breaks = Forward
	case isPrefix(oKeys, nKeys):
		breaks = Backward
	default:
		breaks = Both
	}
	return []Change{{Root: root, Pointer: pointer, Kind: OrderChanged, Breaks: breaks,
		OldLoc: o.Type.Loc + "/x-flightline-order", NewLoc: n.Type.Loc + "/x-flightline-order",
		Message: fmt.Sprintf("the merge order changes from %s to %s", orderKeys(o), orderKeys(n))}}
}

func orderKeys(o *schema.Order) string { return strings.Join(o.KeyNames(), ", ") }

// isPrefix reports whether a is a proper prefix of b.
func isPrefix(a, b []string) bool { return len(a) < len(b) && slices.Equal(a, b[:len(a)]) }

// compareLifts compares the x-flightline-lift annotations, paired by the
// place of their source type. A lift decides how per-runner entries become
// timeline entries, not which dumps are valid, so its changes break no
// reader; they are reported so that the review sees them.
func compareLifts(old, new *schema.Model, roots []rootPair) []Change {
	var out []Change
	matched := map[*schema.Lift]bool{}
	for _, ol := range old.Lifts {
		op, ok := locate(old.Roots, ol.From)
		if !ok {
			continue
		}
		var nl *schema.Lift
		var root string
		for _, l := range new.Lifts {
			if np, ok := locate(new.Roots, l.From); ok && !matched[l] {
				if r, same := samePlace(op, np, roots); same {
					nl, root = l, r
					break
				}
			}
		}
		if nl == nil {
			out = append(out, Change{Root: rootName(op, roots, true), Pointer: op.pointer, Kind: LiftRemoved,
				OldLoc: ol.From.Loc + "/x-flightline-lift", Message: fmt.Sprintf("the lift into %s is removed", ol.Into.Name)})
			continue
		}
		matched[nl] = true
		if diff := liftDiff(ol, nl); diff != "" {
			out = append(out, Change{Root: root, Pointer: op.pointer, Kind: LiftChanged,
				OldLoc: ol.From.Loc + "/x-flightline-lift", NewLoc: nl.From.Loc + "/x-flightline-lift",
				Message: "the lift changes: " + diff})
		}
	}
	for _, nl := range new.Lifts {
		if np, ok := locate(new.Roots, nl.From); ok && !matched[nl] {
			out = append(out, Change{Root: rootName(np, roots, false), Pointer: np.pointer, Kind: LiftAdded,
				NewLoc: nl.From.Loc + "/x-flightline-lift", Message: fmt.Sprintf("a lift into %s is added", nl.Into.Name)})
		}
	}
	return out
}

// liftDiff says how two lifts differ, or "" when they do not.
func liftDiff(o, n *schema.Lift) string {
	var diffs []string
	if o.Into.Name != n.Into.Name {
		diffs = append(diffs, fmt.Sprintf("into %s instead of %s", n.Into.Name, o.Into.Name))
	}
	olds, news := liftSets(o), liftSets(n)
	for _, target := range sortedKeys(news) {
		if olds[target] != news[target] {
			diffs = append(diffs, fmt.Sprintf("%s from %s (was %s)", target, news[target], orNone(olds[target])))
		}
	}
	for _, target := range sortedKeys(olds) {
		if _, ok := news[target]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s no longer set (was %s)", target, olds[target]))
		}
	}
	od, nd := liftDrops(o), liftDrops(n)
	if dropped := without(nd, od); len(dropped) > 0 {
		diffs = append(diffs, "drops "+strings.Join(dropped, ", "))
	}
	if kept := without(od, nd); len(kept) > 0 {
		diffs = append(diffs, "no longer drops "+strings.Join(kept, ", "))
	}
	return strings.Join(diffs, "; ")
}

// liftSets maps each field a lift sets to the JSON pointer it reads.
func liftSets(l *schema.Lift) map[string]string {
	sets := map[string]string{}
	for _, s := range l.Set {
		var p strings.Builder
		for _, f := range s.Path {
			p.WriteString(childPointer("", f.Name))
		}
		sets[s.Field.Name] = p.String()
	}
	return sets
}

func liftDrops(l *schema.Lift) []string {
	var names []string
	for _, f := range l.Drop {
		names = append(names, f.Name)
	}
	return names
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
