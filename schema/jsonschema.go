package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// jsonSchemaReader reads JSON Schema (draft 2020-12) documents into nodes,
// following $ref between definitions and across files.
type jsonSchemaReader struct {
	readFile func(string) ([]byte, error)
	docs     map[string]*jsonNode
	nodes    map[string]*node
}

func newJSONSchemaReader(readFile func(string) ([]byte, error)) *jsonSchemaReader {
	return &jsonSchemaReader{readFile: readFile, docs: map[string]*jsonNode{}, nodes: map[string]*node{}}
}

func (r *jsonSchemaReader) doc(file string) (*jsonNode, error) {
	if d, ok := r.docs[file]; ok {
		return d, nil
	}
	data, err := r.readFile(file)
	if err != nil {
		return nil, err
	}
	d, err := parseJSONDoc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if d.kind != '{' {
		return nil, errorf(file+"#", "a schema document must be a JSON object")
	}
	if s := d.get("$schema"); s != nil && s.kind == '"' && !strings.Contains(s.str, "2020-12") {
		return nil, errorf(file+"#/$schema", "dialect %q is not supported; use https://json-schema.org/draft/2020-12/schema", s.str)
	}
	r.docs[file] = d
	return d, nil
}

// metaValidate compiles every document read with the project's JSON
// Schema validator, which checks them against the 2020-12 meta-schema. It
// runs after reading, so that a problem the reader can locate exactly is
// reported that way.
func (r *jsonSchemaReader) metaValidate() error {
	for _, file := range sortedKeys(r.docs) {
		if _, err := Compile(r.readFile, file); err != nil {
			return err
		}
	}
	return nil
}

// Compile compiles the JSON Schema document file, reading it and the
// documents it references with readFile, for validating values with
// github.com/santhosh-tekuri/jsonschema/v5. The error names the file at
// fault as readFile knows it, and for a document that breaks the
// meta-schema the JSON pointer of the offending value.
func Compile(readFile func(string) ([]byte, error), file string) (*jsonschema.Schema, error) {
	var loaded []string
	c := newCompiler(readFile, &loaded)
	s, err := c.Compile(urlOfFile(file))
	if err == nil {
		return s, nil
	}
	var se *jsonschema.SchemaError
	var ve *jsonschema.ValidationError
	if !errors.As(err, &se) {
		return nil, fmt.Errorf("%s: %s", file, fileNames(err.Error()))
	}
	if !errors.As(se.Err, &ve) {
		return nil, fmt.Errorf("%s: %s", file, fileNames(se.Err.Error()))
	}
	// The library blames the document it was asked to compile, even when
	// a document it references breaks the meta-schema: find that one.
	for _, other := range loaded {
		if other == file {
			continue
		}
		if _, err := newCompiler(readFile, new([]string)).Compile(urlOfFile(other)); errors.As(err, &se) && errors.As(se.Err, &ve) {
			file = other
			break
		}
	}
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	return nil, fmt.Errorf("%s#%s: not a valid JSON Schema: %s", file, leaf.InstanceLocation, fileNames(leaf.Message))
}

// newCompiler returns a 2020-12 compiler that reads documents with
// readFile, recording in loaded the names of those it reads.
func newCompiler(readFile func(string) ([]byte, error), loaded *[]string) *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		name, ok := fileOfURL(u)
		if !ok {
			return nil, fmt.Errorf("reference %s is not to a local file", u)
		}
		data, err := readFile(name)
		if err != nil {
			return nil, err
		}
		*loaded = append(*loaded, name)
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return c
}

// virtualURL matches the URL of a file under the compiler's virtual root.
var virtualURL = regexp.MustCompile(`file:///flightline/((?:_/)*)`)

// fileNames rewrites the file URLs in a message of the compiler into the
// file names they stand for.
func fileNames(msg string) string {
	msg = virtualURL.ReplaceAllStringFunc(msg, func(m string) string {
		depth := strings.Count(m[len(urlRoot):], "_/")
		return strings.Repeat("../", max(rootDepth-depth, 0))
	})
	return strings.ReplaceAll(msg, "file:///", "/")
}

// The compiler resolves references between documents as URLs. A relative
// file name becomes a URL under a deep virtual root, so that references
// that climb out of the working directory (../x.json) resolve to URLs that
// map back to the right relative name.
const (
	urlRoot   = "file:///flightline/"
	rootDepth = 64
)

var virtualRoot = urlRoot + strings.Repeat("_/", rootDepth)

func urlOfFile(file string) string {
	if path.IsAbs(file) {
		return "file://" + path.Clean(file)
	}
	return virtualRoot + path.Clean(file)
}

func fileOfURL(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, urlRoot)
	if !ok {
		abs, ok := strings.CutPrefix(u, "file://")
		return path.Clean(abs), ok
	}
	rest = path.Clean(rest)
	depth := 0
	for strings.HasPrefix(rest, "_/") && depth < rootDepth {
		rest = rest[2:]
		depth++
	}
	return path.Clean(strings.Repeat("../", rootDepth-depth) + rest), true
}

// node returns the schema at pointer in file.
func (r *jsonSchemaReader) node(file, pointer string) (*node, error) {
	loc := file + "#" + pointer
	if n, ok := r.nodes[loc]; ok {
		return n, nil
	}
	d, err := r.doc(file)
	if err != nil {
		return nil, err
	}
	j := d.lookup(pointer)
	if j == nil {
		return nil, errorf(loc, "no schema at this location")
	}
	n := &node{loc: loc, defName: defName(file, pointer, j)}
	r.nodes[loc] = n // before converting, so that recursive references end
	return n, r.convert(file, pointer, j, n)
}

func (r *jsonSchemaReader) child(file, pointer string, j *jsonNode) (*node, error) {
	loc := file + "#" + pointer
	if n, ok := r.nodes[loc]; ok {
		return n, nil
	}
	n := &node{loc: loc}
	r.nodes[loc] = n
	return n, r.convert(file, pointer, j, n)
}

// convert fills n from the JSON Schema object j found at file#pointer.
func (r *jsonSchemaReader) convert(file, pointer string, j *jsonNode, n *node) error {
	if j.kind == 't' {
		if j.boolean {
			return nil // true accepts anything
		}
		n.unsupported = "false schema"
		return nil
	}
	if j.kind != '{' {
		return errorf(n.loc, "a schema must be an object or a boolean")
	}
	for _, m := range j.members {
		kp := pointer + "/" + escapePointerToken(m.key)
		v := m.val
		switch m.key {
		case "$ref":
			if v.kind != '"' {
				return errorf(n.loc+"/$ref", "$ref must be a string")
			}
			tf, tp, err := splitRef(file, v.str)
			if err != nil {
				return errorf(n.loc+"/$ref", "%v", err)
			}
			t, err := r.node(tf, tp)
			if err != nil {
				return err
			}
			n.ref, n.target = tf+"#"+tp, t
		case "type":
			switch v.kind {
			case '"':
				n.types = []string{v.str}
			case '[':
				for _, it := range v.items {
					n.types = append(n.types, it.str)
				}
			}
		case "title":
			n.title = v.str
		case "description":
			n.description = v.str
		case "format":
			n.format = v.str
		case "enum":
			n.enum, n.hasEnum = v.items, true
		case "const":
			n.enum, n.hasEnum = []*jsonNode{v}, true
		case "default":
			n.dflt = v
		case "properties":
			for _, p := range v.members {
				c, err := r.child(file, kp+"/"+escapePointerToken(p.key), p.val)
				if err != nil {
					return err
				}
				n.props = append(n.props, nodeProp{p.key, c})
			}
		case "required":
			for _, it := range v.items {
				n.required = append(n.required, it.str)
			}
		case "additionalProperties":
			switch {
			case v.kind == 't' && !v.boolean:
				n.closed = true
			case v.kind == 't':
				n.open = true
			default:
				c, err := r.child(file, kp, v)
				if err != nil {
					return err
				}
				n.additional = c
			}
		case "items":
			c, err := r.child(file, kp, v)
			if err != nil {
				return err
			}
			n.items = c
		case "anyOf", "oneOf", "allOf":
			var list []*node
			for i, it := range v.items {
				c, err := r.child(file, fmt.Sprintf("%s/%d", kp, i), it)
				if err != nil {
					return err
				}
				list = append(list, c)
			}
			switch m.key {
			case "anyOf":
				n.anyOf = list
			case "oneOf":
				n.oneOf = list
			default:
				n.allOf = list
			}
		case "x-flightline-order":
			if v.kind != '[' {
				return errorf(n.loc+"/x-flightline-order", "want an array of property names")
			}
			for _, it := range v.items {
				if it.kind != '"' {
					return errorf(n.loc+"/x-flightline-order", "want an array of property names")
				}
				n.order = append(n.order, it.str)
			}
		case "x-flightline-lift":
			l, err := readLiftSpec(n.loc+"/x-flightline-lift", v)
			if err != nil {
				return err
			}
			n.lift = l
		default:
			if annotationKeywords[m.key] || strings.HasPrefix(m.key, "x-") {
				continue
			}
			if n.unsupported == "" {
				n.unsupported = m.key
			}
		}
	}
	if n.ref != "" {
		for _, m := range j.members {
			switch {
			case m.key == "$ref" || m.key == "default" || annotationKeywords[m.key]:
			default:
				if !strings.HasPrefix(m.key, "x-") {
					n.siblings = append(n.siblings, m.key)
				}
			}
		}
	}
	return nil
}

// readLiftSpec reads an x-flightline-lift annotation.
func readLiftSpec(loc string, v *jsonNode) (*liftSpec, error) {
	if v.kind != '{' {
		return nil, errorf(loc, "want an object with into, set and drop")
	}
	l := &liftSpec{loc: loc}
	for _, m := range v.members {
		switch m.key {
		case "into":
			if m.val.kind != '"' {
				return nil, errorf(loc+"/into", "want a type name")
			}
			l.into = m.val.str
		case "set":
			if m.val.kind != '{' {
				return nil, errorf(loc+"/set", "want an object of field: JSON pointer")
			}
			for _, s := range m.val.members {
				if s.val.kind != '"' {
					return nil, errorf(loc+"/set/"+escapePointerToken(s.key), "want a JSON pointer")
				}
				l.set = append(l.set, [2]string{s.key, s.val.str})
			}
		case "drop":
			if m.val.kind != '[' {
				return nil, errorf(loc+"/drop", "want an array of field names")
			}
			for _, it := range m.val.items {
				l.drop = append(l.drop, it.str)
			}
		default:
			return nil, errorf(loc+"/"+escapePointerToken(m.key), "unknown lift setting; want into, set or drop")
		}
	}
	if l.into == "" {
		return nil, errorf(loc, "missing into")
	}
	return l, nil
}

// splitRef resolves ref, written in file, to a file and a JSON pointer.
func splitRef(file, ref string) (string, string, error) {
	target, pointer, _ := strings.Cut(ref, "#")
	if strings.Contains(target, "://") || strings.HasPrefix(target, "urn:") {
		return "", "", fmt.Errorf("reference %q: only references to local files are supported", ref)
	}
	if pointer != "" && !strings.HasPrefix(pointer, "/") {
		return "", "", fmt.Errorf("reference %q: anchors are not supported; use a JSON pointer", ref)
	}
	if target == "" {
		return file, pointer, nil
	}
	return path.Join(path.Dir(file), target), pointer, nil
}

// defName names the schema at file#pointer when it is a definition: a
// document root is named by its title, or else its file name; a schema
// under $defs or definitions by its key. Other schemas have no name.
func defName(file, pointer string, j *jsonNode) string {
	if pointer == "" {
		if t := j.get("title"); t != nil && t.kind == '"' && t.str != "" {
			return t.str
		}
		base := path.Base(file)
		return strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".schema")
	}
	i := strings.LastIndex(pointer, "/")
	switch pointer[:i] {
	case "/$defs", "/definitions":
		return strings.NewReplacer("~1", "/", "~0", "~").Replace(pointer[i+1:])
	}
	return ""
}

// sortedKeys returns the keys of m in sorted order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
