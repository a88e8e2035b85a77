package timeline_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/testdata/shared"
)

// FuzzRoundTrip: for any input, the Validator reports nothing exactly
// when UnmarshalJSON accepts it; what it accepts encodes into a document
// that decodes to the same value and encodes to the same bytes again. The
// seed corpus in testdata/fuzz holds Skulk's edge-case entries; the shared
// data adds every entry Skulk serves, when it is there.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(validEntry))
	if dir := shared.Find(); dir != "" {
		for _, line := range readSkulkEntries(f, dir) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v timeline.Validator
		vs := v.ClusterTimelineEntry(data, nil)
		var e timeline.ClusterTimelineEntry
		err := e.UnmarshalJSON(data)
		if (err == nil) != (len(vs) == 0) {
			t.Fatalf("%q: UnmarshalJSON says %v, the Validator %v", data, err, vs)
		}
		if err != nil {
			return
		}
		out, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("%q: decodes but does not encode: %v", data, err)
		}
		var back timeline.ClusterTimelineEntry
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("%q encodes as %s, which does not decode: %v", data, out, err)
		}
		if !reflect.DeepEqual(e, back) {
			t.Fatalf("%q encodes as %s, which decodes differently:\n%+v\n%+v", data, out, e, back)
		}
		again, err := back.MarshalJSON()
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("%q: the encoding is not stable:\n%s\n%s", data, out, again)
		}
	})
}
