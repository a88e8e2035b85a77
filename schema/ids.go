package schema

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// A schema with an $id names a resource: the references inside it resolve
// against that URI, not against the file it was read from. The reader
// indexes the $ids of the documents it is given, and a reference that
// resolves to a URI none of them has is refused: flightline reads only
// the files it is given and the files they reference by relative path.

// schemaMembers are the keywords whose value is a schema, schemaMaps
// those whose value is an object of schemas and schemaLists those whose
// value is an array of them: where $ids can be.
var (
	schemaMembers = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains",
		"propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema"}
	schemaMaps  = []string{"$defs", "definitions", "properties", "patternProperties", "dependentSchemas"}
	schemaLists = []string{"prefixItems", "allOf", "anyOf", "oneOf"}
)

// idTarget is where the schema of an $id is.
type idTarget struct{ file, pointer string }

// indexIDs records the $ids of the schemas in the document d of file.
func (r *jsonSchemaReader) indexIDs(file string, d *jsonNode) error {
	var visit func(j *jsonNode, pointer, base string) error
	visit = func(j *jsonNode, pointer, base string) error {
		if j.kind != '{' {
			return nil
		}
		if id := j.get("$id"); id != nil && id.kind == '"' {
			abs, err := resolveURI(base, id.str)
			if err != nil || abs == "" {
				return errorf(file+"#"+pointer+"/$id", "$id %q is not a URI", id.str)
			}
			if strings.Contains(id.str, "#") && !strings.HasSuffix(id.str, "#") {
				return errorf(file+"#"+pointer+"/$id", "$id %q has a fragment; name a plain URI", id.str)
			}
			abs = strings.TrimSuffix(abs, "#")
			if prev, ok := r.ids[abs]; ok && prev != (idTarget{file, pointer}) {
				return errorf(file+"#"+pointer+"/$id", "$id %s is also the $id of %s#%s", abs, prev.file, prev.pointer)
			}
			r.ids[abs] = idTarget{file, pointer}
			r.bases[file+"#"+pointer] = abs
			base = abs
		}
		for _, name := range schemaMembers {
			if v := j.get(name); v != nil {
				if err := visit(v, pointer+"/"+name, base); err != nil {
					return err
				}
			}
		}
		for _, name := range schemaMaps {
			for _, m := range j.get(name).objectMembers() {
				if err := visit(m.val, pointer+"/"+name+"/"+escapePointerToken(m.key), base); err != nil {
					return err
				}
			}
		}
		for _, name := range schemaLists {
			if v := j.get(name); v != nil && v.kind == '[' {
				for i, it := range v.items {
					if err := visit(it, fmt.Sprintf("%s/%s/%d", pointer, name, i), base); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return visit(d, "", "")
}

func (n *jsonNode) objectMembers() []jsonMember {
	if n == nil || n.kind != '{' {
		return nil
	}
	return n.members
}

// resolveURI resolves ref against base; a base of "" leaves ref as it is,
// when it is absolute.
func resolveURI(base, ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	if base == "" {
		if !u.IsAbs() {
			return "", nil
		}
		return u.String(), nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(u).String(), nil
}

// baseOf returns the $id that the schema at file#pointer is inside of, or
// "" when it is inside none: its references are then relative to file.
func (r *jsonSchemaReader) baseOf(file, pointer string) string {
	for {
		if b, ok := r.bases[file+"#"+pointer]; ok {
			return b
		}
		if pointer == "" {
			return ""
		}
		pointer = pointer[:strings.LastIndex(pointer, "/")]
	}
}

// resolveRef resolves ref, written in the schema at file#pointer, to a
// file and a JSON pointer in it.
func (r *jsonSchemaReader) resolveRef(file, pointer, ref string) (string, string, error) {
	base := r.baseOf(file, pointer)
	if base == "" {
		if target, ok := r.ids[strings.TrimSuffix(ref, "#")]; ok { // an absolute $id of a document given
			return target.file, target.pointer, nil
		}
		if u, err := url.Parse(ref); err == nil && u.IsAbs() {
			if t, ok := r.ids[strings.TrimSuffix(strings.Split(ref, "#")[0], "#")]; ok {
				return refInResource(t, u.Fragment, ref)
			}
		}
		return splitRef(file, ref)
	}
	abs, err := resolveURI(base, ref)
	if err != nil {
		return "", "", fmt.Errorf("reference %q: %v", ref, err)
	}
	resource, fragment, _ := strings.Cut(abs, "#")
	t, ok := r.ids[resource]
	if !ok {
		return "", "", fmt.Errorf("reference %q resolves to %s, which no schema given has as its $id; flightline reads only the files it is given", ref, resource)
	}
	if u, err := url.Parse(abs); err == nil {
		fragment = u.Fragment
	}
	return refInResource(t, fragment, ref)
}

// refInResource is the place of fragment, a JSON pointer, inside the
// schema resource t.
func refInResource(t idTarget, fragment, ref string) (string, string, error) {
	if fragment != "" && !strings.HasPrefix(fragment, "/") {
		return "", "", fmt.Errorf("reference %q: anchors are not supported; use a JSON pointer", ref)
	}
	return t.file, t.pointer + fragment, nil
}

// splitRef resolves ref, written in file, to a file and a JSON pointer.
func splitRef(file, ref string) (string, string, error) {
	target, pointer, _ := strings.Cut(ref, "#")
	if strings.Contains(target, "://") || strings.HasPrefix(target, "urn:") {
		return "", "", fmt.Errorf("reference %q: only references to local files, or to the $id of a schema given, are supported", ref)
	}
	if pointer != "" && !strings.HasPrefix(pointer, "/") {
		return "", "", fmt.Errorf("reference %q: anchors are not supported; use a JSON pointer", ref)
	}
	if u, err := url.PathUnescape(pointer); err == nil {
		pointer = u
	}
	if target == "" {
		return file, pointer, nil
	}
	return path.Join(path.Dir(file), target), pointer, nil
}
