package rule

import (
	"encoding/json"
	"testing"
)

func TestVocabulary(t *testing.T) {
	for i, r := range All {
		if int(r.ID) != i+1 {
			t.Errorf("All[%d] is %s with id %d; All must be in id order", i, r.Name, r.ID)
		}
		if r.Severity != Warning && r.Severity != Error {
			t.Errorf("%s has no severity", r.Name)
		}
		id, ok := Parse(r.Name)
		if !ok || id != r.ID || id.String() != r.Name || id.Severity() != r.Severity {
			t.Errorf("%s does not round-trip: Parse gives %v, %v", r.Name, id, ok)
		}
		text, err := json.Marshal(r.ID)
		if err != nil || string(text) != `"`+r.Name+`"` {
			t.Errorf("json.Marshal(%s) = %s, %v", r.Name, text, err)
		}
		var back ID
		if err := json.Unmarshal(text, &back); err != nil || back != r.ID {
			t.Errorf("json.Unmarshal(%s) = %v, %v", text, back, err)
		}
	}
	if _, ok := Parse("no-such-rule"); ok {
		t.Error("Parse accepts an unknown rule")
	}
	if _, err := json.Marshal(ID(0)); err == nil {
		t.Error("the zero ID marshals")
	}
	var id ID
	if err := json.Unmarshal([]byte(`"bogus"`), &id); err == nil {
		t.Error("an unknown rule unmarshals")
	}
}
