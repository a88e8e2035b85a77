package validate

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/generated/keywords"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
)

// The assertions (minimum, pattern, uniqueItems, patternProperties, ...)
// are compared the same way as the built-in schema: the Validator
// generated from testdata/codegen/keywords.schema.json (generated/keywords)
// against jsonschema/v5 on the same file, on mutations of a document that
// uses them all.

// richKeywords is valid and uses every property of the keywords schema.
const richKeywords = `{"count":5,"ratio":0.5,"step":0.25,"big":-9223372036854775809,"name":"abc","code":"AB-12","line":"x",` +
	`"space":" \t","tags":["a","b"],"set":[1,"1",[1],{"a":1}],"labels":{"x":1,"y":9},"level":2,"mixed":{"k":[1]},` +
	`"fixed":{"x":1.0},"answer":42,"maybe":null,"either":"ab","loose":[1],"shape":{"w":0.5},` +
	`"extra":{"id":"i","n-1":1,"n-x":7,"flag":true},"closedPatterns":{"abc":"d"},"typedExtra":{"id":"x","must":"m","o":"p"}}`

var keywordsSchema = sync.OnceValue(func() *Schema {
	s, err := LoadSchema(filepath.Join("..", "testdata", "codegen", "keywords.schema.json"))
	if err != nil {
		panic("the keywords schema does not compile: " + err.Error())
	}
	return s
})

// keywordFindings returns what the generated Validator (general false) or
// jsonschema/v5 finds in doc, as sorted pointers; for a document that is
// not well-formed JSON, the rule and pointer of that alone.
func keywordFindings(doc []byte, general bool) []string {
	v, vs, shadowed := dump.DecodeDocument(doc)
	var out []string
	if !dump.WellFormed(vs) {
		if general {
			for _, x := range vs {
				if x.Rule != 0 && x.Rule.String() != "json-duplicate-key" {
					out = append(out, x.Rule.String()+" "+x.Pointer)
				}
			}
			return out
		}
		for _, x := range keywords.ValidateKeywords(doc) {
			if x.Keyword.Malformed() {
				// The same runtime: the keywords have the same numbers.
				out = append(out, dump.KeywordRule(timeline.Keyword(x.Keyword)).String()+" "+x.Pointer)
			}
		}
		return out
	}
	if general {
		for _, x := range vs { // keys given twice
			out = append(out, "duplicate "+x.Pointer)
		}
		for _, x := range keywordsSchema().validate(v) {
			out = append(out, x.Pointer)
		}
		// Every occurrence of a key given twice is checked, as the
		// generated validator checks them (see entryChecker.checkGeneral).
		for _, sh := range shadowed {
			prefix := pointerOfPath(sh.Path)
			for _, x := range keywordsSchema().validate(substitute(v, sh.Path, sh.Value)) {
				if x.Pointer == prefix || strings.HasPrefix(x.Pointer, prefix+"/") {
					out = append(out, x.Pointer)
				}
			}
		}
	} else {
		for _, x := range keywords.ValidateKeywords(doc) {
			if x.Keyword == keywords.KeywordDuplicate {
				out = append(out, "duplicate "+x.Pointer)
			} else {
				out = append(out, x.Pointer)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// bothKeywords returns what the two validators find in doc, comparable.
func bothKeywords(doc []byte) (fast, slow []string) {
	fast, slow = keywordFindings(doc, false), keywordFindings(doc, true)
	v, _ := dump.DecodeValue(doc)
	if hasEmptyKey(v) {
		return []string{verdict(fast)}, []string{verdict(slow)}
	}
	if m, ok := v.(map[string]any); ok {
		// jsonschema/v5 checks patterns with Go's regexp as written, where
		// ECMA-262's . leaves out line terminators and its \s takes in
		// Unicode's white space; the generated code checks what the
		// pattern means.
		for _, name := range []string{"line", "space"} {
			if s, ok := m[name].(string); ok && strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f || r == '\r' || r == '\v' }) {
				fast = slices.DeleteFunc(fast, func(p string) bool { return p == "/"+name })
				slow = slices.DeleteFunc(slow, func(p string) bool { return p == "/"+name })
			}
		}
	}
	return fast, slow
}

func checkKeywords(t *testing.T, doc []byte) {
	t.Helper()
	if fast, slow := bothKeywords(doc); !slices.Equal(fast, slow) {
		t.Errorf("the validators disagree on %s\n generated: %q\n jsonschema: %q", doc, fast, slow)
	}
}

// TestKeywordsECMA: a pattern means what ECMA-262 says, where RE2 (and so
// jsonschema/v5) reads it otherwise.
func TestKeywordsECMA(t *testing.T) {
	for doc, want := range map[string]string{
		`{"count":1,"line":"\u2028"}`: "/line", `{"count":1,"line":"\r"}`: "/line", `{"count":1,"line":"é"}`: "",
		`{"count":1,"space":"\u3000\ufeff\u00a0"}`: "", `{"count":1,"space":"\u200b"}`: "/space",
	} {
		got := strings.Join(keywordFindings([]byte(doc), false), " ")
		if got != want {
			t.Errorf("%s: got %q, want %q", doc, got, want)
		}
	}
}

func verdict(findings []string) string {
	if len(findings) == 0 {
		return "valid"
	}
	return "invalid"
}

// TestKeywordsDifferential: on every mutation of a document that uses all
// the assertions, the two validators find the same places at fault.
func TestKeywordsDifferential(t *testing.T) {
	if got := keywordFindings([]byte(richKeywords), false); len(got) > 0 {
		t.Fatalf("the rich document is not valid: %q", got)
	}
	ms := mutations(t, richKeywords)
	if len(ms) < 500 {
		t.Fatalf("only %d mutations", len(ms))
	}
	for _, m := range ms {
		checkKeywords(t, []byte(m))
	}
	for _, extra := range []string{
		`{"count":1e2}`, `{"count":100.0}`, `{"count":-0}`, `{"count":1,"ratio":1.5}`, `{"count":1,"ratio":1.4999999999999999999}`,
		`{"count":1,"step":19.99}`, `{"count":1,"step":0.001}`, `{"count":1,"big":-9223372036854775810}`, `{"count":1,"big":3e30}`,
		`{"count":1,"name":"日本"}`, `{"count":1,"name":"😀😀😀😀😀😀"}`, `{"count":1,"code":"AB-1\n"}`, `{"count":1,"line":"\u2028"}`,
		`{"count":1,"line":"😀"}`, `{"count":1,"space":"\u3000\ufeff"}`, `{"count":1,"tags":["a","\u0061"]}`,
		`{"count":1,"set":[{"a":1,"b":2},{"b":2,"a":1.0}]}`, `{"count":1,"set":[0,false,null,"",[],{}]}`,
		`{"count":1,"labels":{"a":1,"a":2}}`, `{"count":1,"mixed":{"k":[1.0e0]}}`, `{"count":1,"fixed":{"x":1,"x":1}}`,
		`{"count":1,"extra":{"n-x":4,"n-xy":5}}`, `{"count":1,"extra":{"n-":1.5}}`, `{"count":1,"closedPatterns":{"":"x"}}`,
		`{"count":1,"typedExtra":{"id":"x"}}`, `{"count":1,"loose":"abc"}`, `{"count":1,"loose":{}}`, `{"count":1,"shape":[]}`,
		`{"count":1,"either":true}`, `{"count":1,"either":4}`, `{"count":1,"tags":[]}`, `{"count":1,"tags":["a","b","c","d"]}`,
		`{"count":1,"extra":{"a":{"b":1,"b":2}}}`, `{"count":1,"loose":[{"b":[1,}]}]}`,
		`{"count":1,"\\":[],"a'b":1,"\"":2,"\\'":3,"x', 'y":4,"x":5}`,
	} {
		checkKeywords(t, []byte(extra))
	}
}

func FuzzKeywords(f *testing.F) {
	f.Add([]byte(richKeywords))
	f.Add([]byte(`{"count":1,"extra":{"n-x":4},"set":[1,1.0]}`))
	f.Add([]byte(`{"count":1,"code":"AB-1","tags":["a","a"],"labels":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct{ fast, slow []string }
		done := make(chan result, 1)
		go func() {
			fast, slow := bothKeywords(data)
			done <- result{fast, slow}
		}()
		select {
		case r := <-done:
			if !slices.Equal(r.fast, r.slow) {
				t.Errorf("the validators disagree on %s\n generated: %q\n jsonschema: %q", data, r.fast, r.slow)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("validating %q took more than 10s", data)
		}
	})
}
