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
	leafViolations(ve, v, &out)
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

func leafViolations(e *jsonschema.ValidationError, instance any, out *[]schemaViolation) {
	kw := keyword(e.KeywordLocation)
	if len(e.Causes) == 0 {
		ptr := pointerOf(e.InstanceLocation)
		switch kw {
		case "required":
			for _, name := range quotedNames(e.Message) {
				*out = append(*out, schemaViolation{Violation: dump.Violation{Pointer: ptr + "/" + escapeToken(name), Rule: rule.Schema, Message: "missing required property"}})
			}
		case "additionalProperties":
			for _, name := range unknownNames(instance, ptr, e.Message) {
				*out = append(*out, schemaViolation{dump.Violation{Pointer: ptr + "/" + escapeToken(name), Rule: rule.Schema, Message: "unknown property"}, true})
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
			leafViolations(fitting[0], instance, out)
			return
		}
		*out = append(*out, schemaViolation{Violation: dump.Violation{Pointer: pointerOf(e.InstanceLocation), Rule: rule.Schema, Message: alternativesMessage(e)}})
		return
	}
	for _, c := range e.Causes {
		leafViolations(c, instance, out)
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

func escapeToken(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// unknownNames are the members of the object at ptr in the instance that
// an additionalProperties message of jsonschema/v5 names ("additionalProperties
// 'a', 'b' not allowed"). v5 quotes a name that holds a backslash or a quote
// ambiguously, so the list is matched against the quoted forms of the
// object's own member names; quotedNames reads it otherwise.
func unknownNames(instance any, ptr, msg string) []string {
	obj, _ := valueAt(instance, ptr).(map[string]any)
	list, prefixed := strings.CutPrefix(msg, "additionalProperties ")
	list, suffixed := strings.CutSuffix(list, " not allowed")
	if obj == nil || !prefixed || !suffixed {
		return quotedNames(msg)
	}
	quoted := make(map[string]string, len(obj)) // v5's quoted form -> name
	for k := range obj {
		quoted[v5Quote(k)] = k
	}
	var names []string
	for list != "" {
		best := ""
		for q := range quoted {
			if len(q) > len(best) && strings.HasPrefix(list, q) && (len(list) == len(q) || strings.HasPrefix(list[len(q):], ", ")) {
				best = q
			}
		}
		if best == "" {
			return quotedNames(msg)
		}
		names = append(names, quoted[best])
		list = strings.TrimPrefix(list[len(best):], ", ")
	}
	return names
}

// v5Quote quotes a name as jsonschema/v5 (v5.3.1) does in its messages.
func v5Quote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, `\"`, `"`)
	q = strings.ReplaceAll(q, "'", `\'`)
	return "'" + q[1:len(q)-1] + "'"
}

// valueAt is the value at the JSON pointer ptr in v (its tokens as
// pointerOf leaves them), or nil.
func valueAt(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

var quotedName = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

// quotedNames extracts the property names jsonschema/v5 quotes in a
// message such as "missing properties: 'at', 'nodeId'".
func quotedNames(msg string) []string {
	var names []string
	for _, m := range quotedName.FindAllStringSubmatch(msg, -1) {
		inner := strings.ReplaceAll(m[1], `\'`, `'`)
		inner = strings.ReplaceAll(inner, `"`, `\"`)
		if s, err := strconv.Unquote(`"` + inner + `"`); err == nil {
			names = append(names, s)
		} else {
			names = append(names, m[1])
		}
	}
	return names
}
