package validate

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// A Schema validates entries with github.com/santhosh-tekuri/jsonschema/v5,
// the general path: any JSON Schema, compiled once. Without one, Dump
// validates the built-in schema with the generated validator, which is
// much faster and reports the same violations.
type Schema struct {
	compiled *jsonschema.Schema
	// maxEntry bounds the entries it checks, in bytes.
	maxEntry int
	// dateTimes are the property paths of the entry's date-time values.
	dateTimes [][]string
	identity  string
}

// DefaultMaxSchemaEntryBytes bounds the entries a Schema checks: about
// 330 MB of memory for jsonschema/v5 on the largest.
const DefaultMaxSchemaEntryBytes = 4 << 20

// SetMaxEntryBytes sets the largest entry s checks; 0 means
// DefaultMaxSchemaEntryBytes. A larger entry is a too-large finding.
func (s *Schema) SetMaxEntryBytes(n int) {
	if n <= 0 {
		n = DefaultMaxSchemaEntryBytes
	}
	s.maxEntry = n
}

// Identity names the schema's content: the schema.Identity of the files
// compiling it read, the file given first.
func (s *Schema) Identity() string { return s.identity }

// LoadSchema compiles the JSON Schema file for validating entries.
func LoadSchema(file string) (*Schema, error) {
	return loadSchema(os.ReadFile, file)
}

// BuiltinSchema compiles the built-in ClusterTimelineEntry schema for the
// general path, which the tests use as the oracle of the generated one.
func BuiltinSchema() (*Schema, error) {
	return loadSchema(schema.ReadBuiltin, schema.EntryFile)
}

func loadSchema(readFile func(string) ([]byte, error), file string) (*Schema, error) {
	read := map[string][]byte{}
	var order []string
	recorded := func(name string) ([]byte, error) {
		data, err := readFile(name)
		// Named by base name: the identity must not depend on where the
		// command runs from.
		if base := filepath.Base(name); err == nil && read[base] == nil {
			read[base] = data
			order = append(order, base)
		}
		return data, err
	}
	c, err := schema.Compile(recorded, file)
	if err != nil {
		return nil, err // it names the file
	}
	s := &Schema{compiled: c, maxEntry: DefaultMaxSchemaEntryBytes, dateTimes: [][]string{{"at"}}, identity: schema.Identity(read, order...)}
	// The timestamps to check are the schema's date-time properties, when
	// the generator's loader understands the schema.
	if m, err := schema.LoadJSONSchema(readFile, file); err == nil && len(m.Roots) > 0 {
		s.dateTimes = dateTimePaths(m.Roots[0], nil, map[*schema.Type]bool{})
	}
	return s, nil
}

// dateTimePaths lists the paths to the date-time properties of t, through
// nested objects.
func dateTimePaths(t *schema.Type, prefix []string, seen map[*schema.Type]bool) [][]string {
	if seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	var paths [][]string
	for _, f := range t.Fields {
		p := append(append([]string(nil), prefix...), f.Name)
		switch {
		case f.Type.Timestamp():
			paths = append(paths, p)
		case f.Type.Kind == schema.Object:
			paths = append(paths, dateTimePaths(f.Type, p, seen)...)
		}
	}
	return paths
}

// validate reports how v breaks the schema, as the generated validator
// reports it: one violation per offending value, a missing or unknown
// property named by its own pointer, and an alternative that fails as a
// whole reported where it stands unless one alternative fits the value's
// kind, whose own violations are reported instead.
func (s *Schema) validate(v any) []schemaViolation {
	v, tamed := tameNumbers(v, "")
	err := s.compiled.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []schemaViolation{{Violation: dump.Violation{Rule: rule.Schema, Message: err.Error()}}}
	}
	var out []schemaViolation
	leafViolations(ve, &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	untame(out, tamed)
	return out
}

// A schemaViolation is a violation the general path found. ofName marks
// one of a member's name rather than its value (an unknown property),
// which every occurrence of a repeated member shares.
type schemaViolation struct {
	dump.Violation
	ofName bool
}

func leafViolations(e *jsonschema.ValidationError, out *[]schemaViolation) {
	kw := keyword(e.KeywordLocation)
	if len(e.Causes) == 0 {
		ptr := pointerOf(e.InstanceLocation)
		switch kw {
		case "required":
			for _, name := range quotedNames(e.Message) {
				*out = append(*out, schemaViolation{Violation: dump.Violation{Pointer: ptr + "/" + dump.EscapeToken(name), Rule: rule.Schema, Message: "missing required property"}})
			}
		case "additionalProperties":
			for _, name := range quotedNames(e.Message) {
				*out = append(*out, schemaViolation{dump.Violation{Pointer: ptr + "/" + dump.EscapeToken(name), Rule: rule.Schema, Message: "unknown property"}, true})
			}
		default:
			*out = append(*out, schemaViolation{Violation: dump.Violation{Pointer: ptr, Rule: rule.Schema, Message: e.Message}})
		}
		return
	}
	if kw == "anyOf" || kw == "oneOf" {
		var fitting []*jsonschema.ValidationError
		for _, c := range e.Causes {
			if !kindMismatch(c, e.InstanceLocation) {
				fitting = append(fitting, c)
			}
		}
		if len(fitting) == 1 {
			leafViolations(fitting[0], out)
			return
		}
		*out = append(*out, schemaViolation{Violation: dump.Violation{Pointer: pointerOf(e.InstanceLocation), Rule: rule.Schema, Message: alternativesMessage(e)}})
		return
	}
	for _, c := range e.Causes {
		leafViolations(c, out)
	}
}

var typeMessage = regexp.MustCompile(`^expected (.+), but got (\w+)$`)

// alternativesMessage says what a value that fits none of its
// alternatives is, and what they want: "got object, want string, integer
// or boolean".
func alternativesMessage(e *jsonschema.ValidationError) string {
	var wants []string
	got := ""
	for _, c := range e.Causes {
		for len(c.Causes) == 1 {
			c = c.Causes[0]
		}
		if m := typeMessage.FindStringSubmatch(c.Message); m != nil {
			wants = append(wants, m[1])
			got = m[2]
			continue
		}
		wants = append(wants, "another value")
	}
	if got == "" || len(wants) == 0 {
		return "the value fits none of the alternatives"
	}
	return "got " + got + ", want " + joinList(wants)
}

// kindMismatch reports an alternative that failed only because the value
// at loc is of another JSON kind.
func kindMismatch(e *jsonschema.ValidationError, loc string) bool {
	for len(e.Causes) == 1 {
		e = e.Causes[0]
	}
	if len(e.Causes) > 0 {
		return false
	}
	return e.InstanceLocation == loc && keyword(e.KeywordLocation) == "type"
}

func keyword(loc string) string { return loc[strings.LastIndex(loc, "/")+1:] }

// pointerOf turns an instance location of jsonschema/v5, whose tokens are
// URL-path-escaped, into a plain JSON pointer.
func pointerOf(loc string) string {
	if loc == "" {
		return ""
	}
	tokens := strings.Split(loc, "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			tokens[i] = u
		}
	}
	return strings.Join(tokens, "/")
}

// quotedNames extracts the property names jsonschema/v5 quotes in a
// message such as "missing properties: 'at', 'nodeId'" or
// "additionalProperties 'a', 'b' not allowed". v5 writes each name as Go's
// %q would, between single quotes instead of double ones: a ' inside is
// escaped (\'), a " is not, and the escape of a final backslash is lost
// ('a\' for a\). So "', '" only ever separates two names.
func quotedNames(msg string) []string {
	first, last := strings.IndexByte(msg, '\''), strings.LastIndexByte(msg, '\'')
	if first < 0 || last <= first {
		return nil
	}
	var names []string
	for _, q := range strings.Split(msg[first+1:last], "', '") {
		names = append(names, unquoteV5(q))
	}
	return names
}

// unquoteV5 reads one name as v5 quotes it (see quotedNames), or returns
// the text as it is when it cannot.
func unquoteV5(q string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\' && i+1 == len(q): // a final backslash, its escape lost
			b.WriteString(`\\`)
		case c == '\\' && q[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\\':
			b.WriteByte(c)
			b.WriteByte(q[i+1]) // an escape of %q, such as \\ or \n
			i++
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	if s, err := strconv.Unquote(b.String()); err == nil {
		return s
	}
	return q
}
