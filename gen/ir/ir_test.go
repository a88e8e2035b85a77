package ir_test

import (
	"testing"

	"github.com/flightline-dev/flightline/gen/ir"
	"github.com/flightline-dev/flightline/schema"
)

func load(t *testing.T, doc string) *ir.Package {
	t.Helper()
	m, err := schema.LoadJSONSchema(func(string) ([]byte, error) { return []byte(doc), nil }, "s.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ir.Build(m, ir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFieldStorage: how each kind of property is held, left out and
// defaulted, decided once for every emitter.
func TestFieldStorage(t *testing.T) {
	p := load(t, `{"title": "R", "type": "object", "properties": {
		"req": {"type": "string"},
		"opt": {"type": "string"},
		"null": {"anyOf": [{"type": "string"}, {"type": "null"}]},
		"def": {"type": "integer", "default": 3},
		"list": {"type": "array", "items": {"type": "string"}},
		"reqList": {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
		"any": {},
		"at": {"type": "string", "format": "date-time"},
		"marshalJSON": {"type": "boolean"}
	}, "required": ["req", "reqList", "at"]}`)
	want := map[string]struct {
		goName  string
		storage ir.Storage
		omit    bool
		def     string
		kind    ir.Kind
	}{
		"req":         {"Req", ir.Direct, false, "", ir.String},
		"opt":         {"Opt", ir.Pointer, true, "", ir.String},
		"null":        {"Null", ir.Pointer, false, "", ir.String},
		"def":         {"Def", ir.Direct, false, "3", ir.Int},
		"list":        {"List", ir.Nilable, true, "", ir.Slice},
		"reqList":     {"ReqList", ir.Nilable, false, "", ir.Slice},
		"any":         {"Any", ir.Nilable, true, "", ir.Raw},
		"at":          {"At", ir.Direct, false, "", ir.DateTime},
		"marshalJSON": {"MarshalJSONField", ir.Pointer, true, "", ir.Bool},
	}
	r := p.Types[0]
	if len(r.Fields) != len(want) {
		t.Fatalf("%d fields, want %d", len(r.Fields), len(want))
	}
	for _, f := range r.Fields {
		w := want[f.JSON]
		if f.GoName != w.goName || f.Storage != w.storage || f.Omit != w.omit || f.Default != w.def || f.Value.Kind != w.kind {
			t.Errorf("%s: got %s storage %d omit %v default %q kind %d, want %+v", f.JSON, f.GoName, f.Storage, f.Omit, f.Default, f.Value.Kind, w)
		}
	}
	if l := r.Fields[5].Value; !l.ElemNullable || !l.ElemPtr {
		t.Errorf("reqList items: nullable %v, pointer %v; want both", l.ElemNullable, l.ElemPtr)
	}
	if !p.Uses(ir.IsKind(ir.DateTime)) || p.Uses(ir.IsKind(ir.Float)) {
		t.Error("Uses: want date-times and no floats")
	}
}
