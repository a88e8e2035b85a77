package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// openAPIReader reads component schemas of an OpenAPI 3.0 or 3.1 document,
// loaded and resolved by kin-openapi, into nodes.
type openAPIReader struct {
	file string
	doc  *openapi3.T
	// text is the document as JSON text, or nil for a YAML document:
	// numbers and defaults are read from it as written.
	text *jsonNode
	// components are the members of the text's components/schemas, by
	// name: a schema's text is found from its component, not by scanning
	// all components again from the root.
	components map[string]*jsonNode
	is31       bool
	nodes      map[*openapi3.Schema]*node
}

// loadOpenAPI loads and validates the document in file.
func loadOpenAPI(file string, overlays []*Overlay) (*openAPIReader, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if len(overlays) > 0 {
		if data, err = applyOverlays(file, data, overlays); err != nil {
			return nil, err
		}
	}
	// kin-openapi turns text that is not valid Unicode into U+FFFD and
	// takes the last of duplicate members: a JSON document is read here
	// first, so that it is refused with the place instead.
	var text *jsonNode
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		if text, err = parseJSONDoc(data); err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
	} else if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: line %d: not valid UTF-8", file, lineAt(data, int64(invalidUTF8(data))))
	}
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true // property order and $ref siblings come from it
	// From the bytes read above: LoadFromFile would read the file again,
	// through a cache kin-openapi keeps for the whole process.
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(file)})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if v := doc.OpenAPI; !strings.HasPrefix(v, "3.0.") && !strings.HasPrefix(v, "3.1.") {
		return nil, fmt.Errorf("%s: openapi version %q is not supported; flightline reads OpenAPI 3.0.x and 3.1.x", file, v)
	}
	// Examples are annotations, and the builder checks defaults itself
	// (checkDefault): kin-openapi's check of each compiles a validator,
	// which takes a second for a document of Skulk's 200 models.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation()); err != nil {
		return nil, fmt.Errorf("%s: not a valid OpenAPI document: %v", file, err)
	}
	r := &openAPIReader{file: file, doc: doc, text: text, is31: doc.IsOpenAPI31OrLater(), nodes: map[*openapi3.Schema]*node{}}
	if cs := text.lookup("/components/schemas"); cs != nil && cs.kind == '{' {
		r.components = make(map[string]*jsonNode, len(cs.members))
		for _, m := range cs.members {
			r.components[m.key] = m.val
		}
	}
	return r, nil
}

// textAt returns the JSON text of the value at loc in the document, or nil
// when the document is not JSON or has nothing there.
func (r *openAPIReader) textAt(loc string) *jsonNode {
	if r.text == nil {
		return nil
	}
	_, pointer, _ := strings.Cut(loc, "#")
	rest, ok := strings.CutPrefix(pointer, "/components/schemas/")
	if !ok {
		return r.text.lookup(pointer)
	}
	name, sub, more := strings.Cut(rest, "/")
	c := r.components[pointerUnescaper.Replace(name)]
	if c == nil || !more {
		return c
	}
	return c.lookup("/" + sub)
}

// invalidUTF8 returns the offset of the first byte of data that is not
// UTF-8.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// component returns the node of the component schema name.
func (r *openAPIReader) component(name string) (*node, error) {
	var sr *openapi3.SchemaRef
	if r.doc.Components != nil {
		sr = r.doc.Components.Schemas[name]
	}
	if sr == nil || sr.Value == nil {
		return nil, fmt.Errorf("%s: no component schema %q; the document has %s", r.file, name, strings.Join(r.componentNames(), ", "))
	}
	return r.schema(sr.Value, r.file+"#/components/schemas/"+escapePointerToken(name), name)
}

func (r *openAPIReader) componentNames() []string {
	if r.doc.Components == nil {
		return nil
	}
	return sortedKeys(r.doc.Components.Schemas)
}

// ref converts a schema reference in a property, item or alternative.
func (r *openAPIReader) ref(sr *openapi3.SchemaRef, loc string) (*node, error) {
	if sr == nil || sr.Value == nil {
		return nil, errorf(loc, "unresolved schema")
	}
	if sr.Ref == "" {
		return r.schema(sr.Value, loc, "")
	}
	name, ok := strings.CutPrefix(sr.Ref, "#/components/schemas/")
	if !ok || r.doc.Components.Schemas[name] == nil {
		return nil, errorf(loc, "unsupported reference %q; only references to components/schemas of the same document are supported", sr.Ref)
	}
	target, err := r.component(name)
	if err != nil {
		return nil, err
	}
	n := &node{loc: loc, ref: sr.Ref, target: target}
	// In OpenAPI 3.1 the description beside a $ref describes the property.
	if sr.Origin != nil {
		if _, has := sr.Origin.Fields.Lookup("description"); has {
			n.description = sr.Value.Description
		}
	}
	if len(sr.Value.AllOf) > len(r.doc.Components.Schemas[name].Value.AllOf) {
		n.siblings = append(n.siblings, "assertions")
	}
	// A default beside the $ref is the property's (kin-openapi keeps only
	// the referenced schema): it is read from the document's text.
	if d := r.textAt(loc).get("default"); d != nil {
		n.dflt = d
	}
	return n, nil
}

// schema converts one schema object; defName is its component name.
func (r *openAPIReader) schema(s *openapi3.Schema, loc, defName string) (*node, error) {
	if n, ok := r.nodes[s]; ok {
		return n, nil
	}
	n := &node{loc: loc, defName: defName, title: s.Title, description: s.Description, format: s.Format,
		readOnly: s.ReadOnly, writeOnly: s.WriteOnly}
	n.text = r.textAt(loc)
	r.nodes[s] = n
	for i := range keywords {
		k := &keywords[i]
		if k.openapi == nil {
			continue
		}
		set, err := k.openapi(r, s, n)
		if err != nil {
			return nil, err
		}
		if set && k.role == unsupported {
			n.unsupported = k.name
			return n, nil
		}
	}
	if v, ok := s.Extensions["x-flightline-format"]; ok {
		mode, _ := v.(string)
		if mode != "assert" && mode != "annotate" {
			return nil, errorf(loc+"/x-flightline-format", `want "assert" (check the format) or "annotate" (do not)`)
		}
		n.formatMode = mode
	}
	if s.Type != nil {
		n.types = slices.Clone(*s.Type)
	}
	if s.Nullable && len(n.types) > 0 && !slices.Contains(n.types, "null") {
		n.types = append(n.types, "null") // OpenAPI 3.0 nullable
	}
	if s.Enum != nil {
		n.hasEnum = true
		for _, v := range s.Enum {
			n.enum = append(n.enum, anyNode(v))
		}
		if raw := n.raw("enum"); raw != nil && raw.kind == '[' {
			n.enum = raw.items
		}
	}
	if raw := n.raw("const"); raw != nil || s.Const != nil {
		if raw == nil {
			raw = anyNode(s.Const)
		}
		n.hasEnum = true
		n.enum = []*jsonNode{raw}
	}
	switch {
	case n.raw("default") != nil:
		n.dflt = n.raw("default") // as written: 0.0 stays 0.0
	case s.Default != nil:
		n.dflt = anyNode(s.Default)
	case r.hasField(s, "default"):
		n.dflt = &jsonNode{kind: 'n'} // written as "default": null
	}
	for _, name := range r.propertyOrder(s) {
		c, err := r.ref(s.Properties[name], loc+"/properties/"+escapePointerToken(name))
		if err != nil {
			return nil, err
		}
		n.props = append(n.props, nodeProp{name, c})
	}
	n.required = slices.Clone(s.Required)
	ap := s.AdditionalProperties
	switch {
	case ap.Schema != nil:
		c, err := r.ref(ap.Schema, loc+"/additionalProperties")
		if err != nil {
			return nil, err
		}
		n.additional = c
	case ap.Has != nil && !*ap.Has:
		n.closed = true
	case ap.Has != nil:
		n.open = true
	}
	if s.Items != nil {
		c, err := r.ref(s.Items, loc+"/items")
		if err != nil {
			return nil, err
		}
		n.items = c
	}
	for _, list := range []struct {
		key  string
		refs openapi3.SchemaRefs
		dst  *[]*node
	}{{"anyOf", s.AnyOf, &n.anyOf}, {"oneOf", s.OneOf, &n.oneOf}, {"allOf", s.AllOf, &n.allOf}} {
		for i, sr := range list.refs {
			c, err := r.ref(sr, fmt.Sprintf("%s/%s/%d", loc, list.key, i))
			if err != nil {
				return nil, err
			}
			*list.dst = append(*list.dst, c)
		}
	}
	if err := r.extensions(s, n); err != nil {
		return nil, err
	}
	return n, nil
}

// hasField reports whether the schema object was written with key, which
// tells "default": null from no default at all.
func (r *openAPIReader) hasField(s *openapi3.Schema, key string) bool {
	if s.Origin == nil {
		return false
	}
	_, ok := s.Origin.Fields.Lookup(key)
	return ok
}

// propertyOrder returns the property names of s in document order. Go maps
// forget it, so it comes from the position of each property's key.
func (r *openAPIReader) propertyOrder(s *openapi3.Schema) []string {
	names := sortedKeys(s.Properties)
	pos := func(name string) [2]int {
		sr := s.Properties[name]
		if sr.Origin != nil && sr.Origin.Key != nil {
			return [2]int{sr.Origin.Key.Line, sr.Origin.Key.Column}
		}
		return [2]int{}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		pa, pb := pos(a), pos(b)
		if pa[0] != pb[0] {
			return pa[0] - pb[0]
		}
		return pa[1] - pb[1]
	})
	return names
}

// extensions reads the x-flightline annotations of s.
func (r *openAPIReader) extensions(s *openapi3.Schema, n *node) error {
	if v, ok := s.Extensions["x-flightline-order"]; ok {
		list, ok := v.([]any)
		if !ok {
			return errorf(n.loc+"/x-flightline-order", "want an array of property names")
		}
		for _, it := range list {
			name, ok := it.(string)
			if !ok {
				return errorf(n.loc+"/x-flightline-order", "want an array of property names")
			}
			n.order = append(n.order, name)
		}
	}
	if v, ok := s.Extensions["x-flightline-lift"]; ok {
		l, err := readLiftSpec(n.loc+"/x-flightline-lift", anyNode(v))
		if err != nil {
			return err
		}
		n.lift = l
	}
	return nil
}

// anyNode converts a value decoded by encoding/json into a jsonNode.
func anyNode(v any) *jsonNode {
	switch v := v.(type) {
	case nil:
		return &jsonNode{kind: 'n'}
	case bool:
		return &jsonNode{kind: 't', boolean: v}
	case string:
		return &jsonNode{kind: '"', str: v}
	case float64:
		b, _ := json.Marshal(v)
		return &jsonNode{kind: '0', str: string(b)}
	case json.Number:
		return &jsonNode{kind: '0', str: string(v)}
	case int:
		return &jsonNode{kind: '0', str: fmt.Sprint(v)}
	case []any:
		n := &jsonNode{kind: '['}
		for _, it := range v {
			n.items = append(n.items, anyNode(it))
		}
		return n
	case map[string]any:
		n := &jsonNode{kind: '{'}
		for _, k := range sortedKeys(v) {
			n.members = append(n.members, jsonMember{k, anyNode(v[k])})
		}
		return n
	}
	return &jsonNode{kind: '"', str: fmt.Sprint(v)}
}
