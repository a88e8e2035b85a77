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
	// ids are the schemas of the documents read by $id, and bases the
	// $id of each schema that has one, by file#pointer (see ids.go).
	ids   map[string]idTarget
	bases map[string]string
}

func newJSONSchemaReader(readFile func(string) ([]byte, error)) *jsonSchemaReader {
	return &jsonSchemaReader{readFile: readFile, docs: map[string]*jsonNode{}, nodes: map[string]*node{},
		ids: map[string]idTarget{}, bases: map[string]string{}}
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
	if d.kind != '{' && d.kind != 't' {
		return nil, errorf(file+"#", "a schema document must be a JSON object or a boolean")
	}
	if s := d.get("$schema"); s != nil && s.kind == '"' && !strings.Contains(s.str, "2020-12") {
		return nil, errorf(file+"#/$schema", "dialect %q is not supported; use https://json-schema.org/draft/2020-12/schema", s.str)
	}
	if err := r.indexIDs(file, d); err != nil {
		return nil, err
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

// convert fills n from the JSON Schema object j found at file#pointer,
// reading each keyword as the table of keywords says.
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
		k := keywordsByName[m.key]
		switch {
		case k != nil && k.json != nil:
			if err := k.json(&readCtx{r: r, file: file, pointer: kp, loc: file + "#" + kp}, m.val, n); err != nil {
				return err
			}
		case k != nil && k.role == annotation, strings.HasPrefix(m.key, "x-"):
		case n.unsupported == "":
			n.unsupported = m.key
		}
	}
	if n.ref != "" {
		for _, m := range j.members {
			if k := keywordsByName[m.key]; m.key != "$ref" && m.key != "default" && (k == nil || k.role != annotation) &&
				!strings.HasPrefix(m.key, "x-") {
				n.siblings = append(n.siblings, m.key)
			}
		}
	}
	return nil
}

// child reads the schema v at the keyword's place, or below it at the
// tokens given.
func (c *readCtx) child(v *jsonNode, tokens ...string) (*node, error) {
	pointer := c.pointer
	for _, t := range tokens {
		pointer += "/" + escapePointerToken(t)
	}
	return c.r.child(c.file, pointer, v)
}

func readRef(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '"' {
		return errorf(c.loc, "$ref must be a string")
	}
	tf, tp, err := c.r.resolveRef(c.file, strings.TrimSuffix(c.pointer, "/$ref"), v.str)
	if err != nil {
		return errorf(c.loc, "%v", err)
	}
	t, err := c.r.node(tf, tp)
	if err != nil {
		return err
	}
	n.ref, n.target = tf+"#"+tp, t
	return nil
}

func readType(c *readCtx, v *jsonNode, n *node) error {
	switch v.kind {
	case '"':
		n.types = []string{v.str}
	case '[':
		for _, it := range v.items {
			n.types = append(n.types, it.str)
		}
	}
	return nil
}

func readTitle(_ *readCtx, v *jsonNode, n *node) error       { n.title = v.str; return nil }
func readDescription(_ *readCtx, v *jsonNode, n *node) error { n.description = v.str; return nil }
func readFormat(_ *readCtx, v *jsonNode, n *node) error      { n.format = v.str; return nil }
func readDefault(_ *readCtx, v *jsonNode, n *node) error     { n.dflt = v; return nil }

func readEnum(_ *readCtx, v *jsonNode, n *node) error {
	n.enum, n.hasEnum = v.items, true
	return nil
}

func readConst(_ *readCtx, v *jsonNode, n *node) error {
	n.enum, n.hasEnum = []*jsonNode{v}, true
	return nil
}

func readAccess(c *readCtx, v *jsonNode, n *node) error {
	if v.kind == 't' && v.boolean {
		if strings.HasSuffix(c.pointer, "/readOnly") {
			n.readOnly = true
		} else {
			n.writeOnly = true
		}
	}
	return nil
}

func readProperties(c *readCtx, v *jsonNode, n *node) error {
	return c.children(v, func(name string, child *node) { n.props = append(n.props, nodeProp{name, child}) })
}

func readPatternProperties(c *readCtx, v *jsonNode, n *node) error {
	return c.children(v, func(p string, child *node) { n.patternProps = append(n.patternProps, nodePatternProp{p, child}) })
}

// children reads the schemas that are the members of v, in order.
func (c *readCtx) children(v *jsonNode, add func(name string, child *node)) error {
	for _, p := range v.members {
		child, err := c.child(p.val, p.key)
		if err != nil {
			return err
		}
		add(p.key, child)
	}
	return nil
}

func readRequired(_ *readCtx, v *jsonNode, n *node) error {
	for _, it := range v.items {
		n.required = append(n.required, it.str)
	}
	return nil
}

func readAdditional(c *readCtx, v *jsonNode, n *node) error {
	switch {
	case v.kind == 't' && !v.boolean:
		n.closed = true
	case v.kind == 't':
		n.open = true
	default:
		child, err := c.child(v)
		if err != nil {
			return err
		}
		n.additional = child
	}
	return nil
}

func readItems(c *readCtx, v *jsonNode, n *node) error {
	if v.kind == 't' && !v.boolean {
		n.noItems = true // items: false, beside prefixItems
		return nil
	}
	child, err := c.child(v)
	if err != nil {
		return err
	}
	n.items = child
	return nil
}

func readPrefixItems(c *readCtx, v *jsonNode, n *node) error {
	for i, it := range v.items {
		child, err := c.child(it, fmt.Sprint(i))
		if err != nil {
			return err
		}
		n.prefixItems = append(n.prefixItems, child)
	}
	return nil
}

func readAlternatives(c *readCtx, v *jsonNode, n *node) error {
	var list []*node
	for i, it := range v.items {
		child, err := c.child(it, fmt.Sprint(i))
		if err != nil {
			return err
		}
		list = append(list, child)
	}
	switch c.pointer[strings.LastIndex(c.pointer, "/")+1:] {
	case "anyOf":
		n.anyOf = list
	case "oneOf":
		n.oneOf = list
	default:
		n.allOf = list
	}
	return nil
}

// readApplicator reads not, if, then or else: a schema the value is
// checked against as a whole.
func readApplicator(c *readCtx, v *jsonNode, n *node) error {
	child, err := c.child(v)
	if err != nil {
		return err
	}
	switch keywordOf(c) {
	case "not":
		n.not = child
	case "if":
		n.ifNode = child
	case "then":
		n.thenNode = child
	default:
		n.elseNode = child
	}
	return nil
}

func readDiscriminator(c *readCtx, v *jsonNode, n *node) error {
	d := &discriminatorSpec{loc: c.loc}
	if p := v.get("propertyName"); p != nil && p.kind == '"' {
		d.property = p.str
	}
	if d.property == "" {
		return errorf(c.loc, "a discriminator needs a propertyName")
	}
	if m := v.get("mapping"); m != nil {
		for _, e := range m.members {
			if e.val.kind != '"' {
				return errorf(c.loc+"/mapping/"+escapePointerToken(e.key), "want a reference or a schema name")
			}
			d.mapping = append(d.mapping, [2]string{e.key, e.val.str})
		}
	}
	n.discriminator = d
	return nil
}

func readOrder(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '[' {
		return errorf(c.loc, "want an array of property names")
	}
	for _, it := range v.items {
		if it.kind != '"' {
			return errorf(c.loc, "want an array of property names")
		}
		n.order = append(n.order, it.str)
	}
	return nil
}

func readLift(c *readCtx, v *jsonNode, n *node) error {
	l, err := readLiftSpec(c.loc, v)
	n.lift = l
	return err
}

func readFormatMode(c *readCtx, v *jsonNode, n *node) error {
	if v.kind != '"' || (v.str != "assert" && v.str != "annotate") {
		return errorf(c.loc, `want "assert" (check the format) or "annotate" (do not)`)
	}
	n.formatMode = v.str
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
