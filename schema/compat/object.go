package compat

import (
	"fmt"
	"slices"

	"github.com/flightline-dev/flightline/schema"
)

// object compares two object types: open or closed, then their fields,
// paired by JSON name.
func (w *walk) object(old, new *schema.Type) {
	switch {
	case !old.Open && new.Open:
		w.add(BecameOpen, Forward, old.Loc, new.Loc, "%s now accepts undeclared properties", new.Name)
	case old.Open && !new.Open:
		w.add(BecameClosed, Backward, old.Loc, new.Loc, "%s no longer accepts undeclared properties", new.Name)
	}
	var removed, added []*schema.Field
	for _, of := range old.Fields {
		if new.Field(of.Name) == nil {
			removed = append(removed, of)
		}
	}
	for _, nf := range new.Fields {
		if old.Field(nf.Name) == nil {
			added = append(added, nf)
		}
	}
	for _, of := range removed {
		w.fieldRemoved(of, new, renameHint(removed, added))
	}
	for _, nf := range added {
		w.fieldAdded(old, nf)
	}
	var oldOrder, newOrder []string
	for _, of := range old.Fields {
		if nf := new.Field(of.Name); nf != nil {
			w.field(of, nf)
			oldOrder = append(oldOrder, of.Name)
		}
	}
	for _, nf := range new.Fields {
		if old.Field(nf.Name) != nil {
			newOrder = append(newOrder, nf.Name)
		}
	}
	if !slices.Equal(oldOrder, newOrder) {
		w.add(FieldsReordered, None, old.Loc, new.Loc, "the fields of %s change order (generated encoders write the new order)", new.Name)
	}
	if old.Open && new.Open && old.Elem != nil && new.Elem != nil {
		w.below(itemsToken, old.Elem, new.Elem) // the undeclared members' values
	}
	w.patterns(old, new)
}

// patterns compares the patternProperties of two objects, paired by
// pattern: a new pattern checks members it did not, and a removed one
// no longer does.
func (w *walk) patterns(old, new *schema.Type) {
	find := func(ps []*schema.PatternProperty, pattern string) *schema.PatternProperty {
		for _, p := range ps {
			if p.Pattern == pattern {
				return p
			}
		}
		return nil
	}
	for _, o := range old.Patterns {
		if n := find(new.Patterns, o.Pattern); n != nil {
			w.below(itemsToken, o.Type, n.Type)
		} else {
			w.add(AssertionRemoved, Forward, o.Loc, new.Loc, "patternProperties %s is removed: the members it matched are no longer checked against it", o.Pattern)
		}
	}
	for _, n := range new.Patterns {
		if find(old.Patterns, n.Pattern) == nil {
			w.add(AssertionAdded, Backward, old.Loc, n.Loc, "patternProperties %s is added: the members it matches are checked against it", n.Pattern)
		}
	}
}

// renameHint suggests the added field as the new name of the removed one
// when one field goes and one comes.
func renameHint(removed, added []*schema.Field) string {
	if len(removed) == 1 && len(added) == 1 {
		return fmt.Sprintf(" (renamed to %q?)", added[0].Name)
	}
	return ""
}

// fieldRemoved reports a field of OLD that NEW lacks. Dumps that carry it
// break unless NEW's object is open; code from OLD breaks when it required
// the field.
func (w *walk) fieldRemoved(of *schema.Field, new *schema.Type, hint string) {
	breaks := Backward
	if new.Open {
		breaks = None
	}
	if of.Required {
		breaks |= Forward
	}
	what := "optional"
	if of.Required {
		what = "required"
	}
	w.out = append(w.out, under([]Change{{Kind: FieldRemoved, Breaks: breaks, OldLoc: of.Loc, NewLoc: new.Loc,
		Message: fmt.Sprintf("%s field %q is removed%s", what, of.Name, hint)}}, of.Name)...)
}

// fieldAdded reports a field of NEW that OLD lacks. Code from OLD rejects it
// unless OLD's object was open; OLD dumps break when it is required, or
// when OLD's open object may have carried the name with another type.
func (w *walk) fieldAdded(old *schema.Type, nf *schema.Field) {
	breaks := Forward
	if old.Open {
		breaks = None
		if nf.Type.Kind != schema.Any {
			breaks = Backward
		}
	}
	what := "optional"
	if nf.Required {
		what = "required"
		breaks |= Backward
	}
	typ := describe(nf.Type)
	if nf.Nullable {
		typ += " or null"
	}
	w.out = append(w.out, under([]Change{{Kind: FieldAdded, Breaks: breaks, OldLoc: old.Loc, NewLoc: nf.Loc,
		Message: fmt.Sprintf("%s field %q (%s) is added", what, nf.Name, typ)}}, nf.Name)...)
}

// field compares a field present in both versions.
func (w *walk) field(of, nf *schema.Field) {
	var changes []Change
	add := func(kind Kind, breaks Direction, format string, args ...any) {
		changes = append(changes, Change{Kind: kind, Breaks: breaks, OldLoc: of.Loc, NewLoc: nf.Loc, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case !of.Required && nf.Required:
		add(BecameRequired, Backward, "field %q becomes required", nf.Name)
	case of.Required && !nf.Required:
		add(BecameOptional, Forward, "field %q becomes optional", nf.Name)
	}
	switch {
	case of.Nullable && !nf.Nullable:
		add(BecameNonNullable, Backward, "field %q may no longer be null", nf.Name)
	case !of.Nullable && nf.Nullable:
		add(BecameNullable, Forward, "field %q may now be null", nf.Name)
	}
	if of.Description != nf.Description {
		add(DescriptionChanged, None, "the description of field %q changes", nf.Name)
	}
	if of.Default != nf.Default {
		add(DefaultChanged, None, "the default of field %q changes from %s to %s", nf.Name, orNone(of.Default), orNone(nf.Default))
	}
	w.out = append(w.out, under(changes, nf.Name)...)
	w.below(nf.Name, of.Type, nf.Type)
}

// orNone names a default, or its absence.
func orNone(s string) string {
	if s == "" {
		return "no default"
	}
	return s
}
