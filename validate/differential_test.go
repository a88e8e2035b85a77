package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// richEntry uses every property and every kind of attrs value.
const richEntry = `{"at":"2026-04-24T22:03:51.508000+00:00","nodeId":"node-a","runnerId":"runner-0","deviceRank":0,` +
	`"worldSize":2,"phase":"decode_barrier","event":"barrier_wait","detail":"waiting for rank 1",` +
	`"attrs":{"rank":0,"tps":41.5,"ok":true,"mode":"pipeline","stages":["prefill","decode"],"big":12345678901234567890},` +
	`"taskId":"task-1","commandId":"cmd-1","mlxMemory":{"generatedAt":"2026-04-24T22:03:51.500000+00:00",` +
	`"active":{"inBytes":1024},"cache":{"inBytes":0},"peak":null,"wiredLimit":null,"source":"mlx.core"}}`

// paths differ compares what the generated validator and the jsonschema/v5
// path find in one entry: the same verdict and the same JSON pointers.
func checkBothPaths(t *testing.T, raw []byte) {
	t.Helper()
	fast, slow := bothPaths(raw)
	if !slices.Equal(fast, slow) {
		t.Errorf("the validators disagree on %s\n generated: %q\n jsonschema: %q", raw, fast, slow)
	}
}

// bothPaths returns the findings of the generated validator and of the
// jsonschema/v5 one on one entry. It may run on any goroutine.
func bothPaths(raw []byte) (fast, slow []string) {
	general := builtinSchema()
	fast, slow = generatedFindings(raw, nil), generatedFindings(raw, general)
	if v, _ := dump.DecodeValue(raw); hasEmptyKey(v) {
		// jsonschema/v5 leaves an empty property name out of the instance
		// location ("/attrs" where RFC 6901 says "/attrs/"): compare the
		// verdicts only.
		fast, slow = []string{fmt.Sprint(len(fast) > 0)}, []string{fmt.Sprint(len(slow) > 0)}
	}
	return fast, slow
}

// builtinSchema is the built-in schema on the general path, compiled once.
var builtinSchema = sync.OnceValue(func() *Schema {
	s, err := BuiltinSchema()
	if err != nil {
		panic("the built-in schema does not compile: " + err.Error())
	}
	return s
})

// generatedFindings checks one entry with the generated validator (s nil)
// or the jsonschema/v5 one, and returns its findings as "rule pointer",
// sorted: a multiset, since both report each occurrence of a repeated
// member's bad value. When the entry is not well-formed JSON only that is compared,
// with its pointer: the generated validator reports what it found before
// the syntax error, the other cannot read the entry at all.
func generatedFindings(raw []byte, s *Schema) []string {
	c := &entryChecker{schema: s, seed: testSeed}
	var f facts
	var arena []byte
	found := c.check(&dump.Entry{Raw: raw}, nil, &f, &arena)
	var out, syntax []string
	for _, fi := range found {
		item := fi.Rule.String() + " " + fi.Pointer
		out = append(out, item)
		switch fi.Rule {
		case rule.JSONSyntax, rule.JSONTruncated, rule.JSONTrailing:
			syntax = append(syntax, item)
		}
	}
	if syntax != nil {
		out = syntax
	}
	slices.Sort(out)
	return out
}

// mutations returns variants of the entry: every value deleted, set to
// null, retyped, given an unknown key, or given an out-of-place value.
func mutations(t *testing.T, entry string) []string {
	var doc any
	dec := json.NewDecoder(strings.NewReader(entry))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	replacements := []any{nil, "s", json.Number("1"), json.Number("1.5"), json.Number("1.0"), json.Number("-0"),
		json.Number("1e2"), json.Number("99999999999999999999999"), json.Number("1e400"), true, map[string]any{},
		[]any{}, []any{"a"}, []any{json.Number("1")}, "2026-04-24T22:03:51", "2026-04-24T23:03:51+01:00", "bogus"}
	var out []string
	emit := func() {
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			v["zzUnknown"] = json.Number("1")
			emit()
			delete(v, "zzUnknown")
			for _, k := range sortedKeys(v) {
				old := v[k]
				delete(v, k)
				emit()
				for _, r := range replacements {
					v[k] = r
					emit()
				}
				v[k] = old
				walk(old)
			}
		case []any:
			for i, old := range v {
				for _, r := range replacements {
					v[i] = r
					emit()
				}
				v[i] = old
				walk(old)
			}
		}
	}
	walk(doc)
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestDifferentialMutations: for every mutation of a valid entry the two
// validation paths agree on the verdict and the pointers.
func TestDifferentialMutations(t *testing.T) {
	ms := mutations(t, richEntry)
	if len(ms) < 400 {
		t.Fatalf("only %d mutations", len(ms))
	}
	for _, m := range ms {
		checkBothPaths(t, []byte(m))
	}
	// Damage to the text itself: cut short, and a byte replaced.
	for i := 1; i < len(richEntry); i += 7 {
		checkBothPaths(t, []byte(richEntry[:i]))
		for _, c := range []string{"\xff", "\"", "\\", "{", "]", ",", "\x01", "x"} {
			checkBothPaths(t, []byte(richEntry[:i]+c+richEntry[i+1:]))
		}
	}
	for _, extra := range []string{
		`{"attrs":{"a":1,"a":2}}`, `{"at":"x","at":"y"}`, `{"a":1,"a":2}`, `[]`, `"x"`, `null`, `{}`,
		`{"attrs":{"k":"\ud800"}}`, `{"event":"\u00e9\ud83d\ude00"}`, `{"deviceRank":1e999999999}`,
		`{"worldSize":-1.0e1}`, strings.Repeat("[", 600) + strings.Repeat("]", 600),
		`{"attrs":{"a/b~c":{}}}`, `{"attrs":{"sp ace":null,"é":{}}}`,
		// Every occurrence of a repeated property is checked on both paths.
		`{"phase":"bogus","phase":"idle"}`, `{"phase":"idle","phase":"bogus"}`, `{"at":"noon","at":"2026-04-24T22:03:51Z"}`,
		`{"mlxMemory":{"source":"m","generatedAt":"2026-04-24T22:03:51Z","active":{"inBytes":"x"}},"mlxMemory":null}`,
		`{"attrs":{"a":[1],"a":"x","a":{}}}`,
		// Values the generated validator skips (an alternative of no kind
		// of the union's) are read as closely as the others: a key given
		// twice deep inside, and the place of a syntax error.
		`{"attrs":{"a":{"b":1,"b":2}}}`, `{"attrs":{"a":[{"b":[1,}]}]}}`,
		`{"zz":{"a":{"b":[{"c":1,"c":2}]}}}`, `{"zz":[0,{"a":[[],{"b":tru}]}]}`, `{"mlxMemory":{"x":{"y":[1,2`,
	} {
		checkBothPaths(t, []byte(extra))
	}
}

// TestDifferentialCorpus runs both paths on every entry of the test dumps.
func TestDifferentialCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "dumps", "*", "*"))
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".golden") || strings.HasSuffix(file, ".md") {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		dump.NewReader(f, 0).Read(func(it dump.Item) bool {
			if it.Problem == nil && !it.Entry.Runner {
				n++
				checkBothPaths(t, it.Entry.Raw)
			}
			return true
		})
		f.Close()
	}
	// The corpus is the test: without it nothing was compared.
	if len(files) < 50 || n < 200 {
		t.Fatalf("only %d entries from %d files: the corpus in testdata/dumps is missing", n, len(files))
	}
	t.Logf("%d entries from %d files", n, len(files))
}

func FuzzValidators(f *testing.F) {
	f.Add([]byte(richEntry))
	f.Add([]byte(`{"attrs":{"a":[1,"x"]},"mlxMemory":{"peak":{"inBytes":"1"}}}`))
	f.Add([]byte(`{"at":"2026-04-24T22:03:51Z","phase":"idle","x":{"y":[1,2,{"z":null}]}}`))
	f.Add([]byte(`{"x":1,"x":2,"worldSize":"a","worldSize":"b","attrs":{"a":{"b":1,"b":2}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure too: the input is saved. The goroutine only
		// computes; the verdict is given here, on the test's goroutine.
		type result struct{ fast, slow []string }
		done := make(chan result, 1)
		go func() {
			fast, slow := bothPaths(data)
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

var testSeed = maphash.MakeSeed()

func hasEmptyKey(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "" || hasEmptyKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasEmptyKey(x) {
				return true
			}
		}
	}
	return false
}

// FuzzDump validates random bytes as a dump on one goroutine and on four:
// the findings must be the same, in the same order.
func FuzzDump(f *testing.F) {
	f.Add([]byte(richEntry + "\n" + richEntry + "\n"))
	f.Add([]byte("[" + richEntry + "," + richEntry + "]"))
	f.Add([]byte(`{"generatedAt":"2026-04-24T22:03:51Z","timeline":[` + richEntry + `],"unreachableNodes":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var prev []Finding
		for _, jobs := range []int{1, 4} {
			var got []Finding
			Dump("fuzz", bytes.NewReader(data), Options{Jobs: jobs}, func(f Finding) { got = append(got, f) })
			if jobs > 1 && !slices.Equal(got, prev) {
				t.Fatalf("jobs %d and jobs 1 differ on %q:\n%v\n%v", jobs, data, got, prev)
			}
			prev = got
		}
	})
}
