package explain

import (
	"testing"
	"time"
)

func TestParseEntry(t *testing.T) {
	cases := []struct {
		name, raw string
		want      Entry
		err       bool
	}{
		{"an entry", `{"at":"2026-04-24T22:03:50+00:00","nodeId":"n","runnerId":"r","deviceRank":1,"worldSize":2,"phase":"decode_stream","event":"enter","detail":"d","taskId":"t"}`,
			Entry{NodeID: "n", RunnerID: "r", Rank: 1, WorldSize: 2, Phase: "decode_stream", Event: "enter", Detail: "d", TaskID: "t"}, false},
		{"a newer Skulk's phase and field", `{"at":"2026-04-24T22:03:50Z","nodeId":"n","runnerId":"r","deviceRank":0,"worldSize":1,"phase":"prefill_schedule","event":"enter","spanId":"s"}`,
			Entry{NodeID: "n", RunnerID: "r", WorldSize: 1, Phase: "prefill_schedule", Event: "enter"}, false},
		{"values of the wrong type are left out", `{"at":"2026-04-24T22:03:50Z","runnerId":"r","deviceRank":0,"worldSize":"two","phase":"idle","event":5,"detail":{"a":1},"taskId":null}`,
			Entry{RunnerID: "r", Phase: "idle"}, false},
		{"a flight-recorder entry, by its context", `{"at":"2026-04-24T22:03:50Z","phase":"idle","event":"e","context":{"nodeId":"n","runnerId":"r","rank":3,"worldSize":4}}`,
			Entry{NodeID: "n", RunnerID: "r", Rank: 3, WorldSize: 4, Phase: "idle", Event: "e"}, false},
		{"escapes", `{"at":"2026-04-24T22:03:50Z","runnerId":"r\u00e9","deviceRank":0,"phase":"idle","detail":"a\nb"}`,
			Entry{RunnerID: "ré", Phase: "idle", Detail: "a\nb"}, false},
		{"no at", `{"runnerId":"r","deviceRank":0,"phase":"idle"}`, Entry{}, true},
		{"at not a timestamp", `{"at":"noon","runnerId":"r","deviceRank":0,"phase":"idle"}`, Entry{}, true},
		{"a rank beyond 64 bits", `{"at":"2026-04-24T22:03:50Z","runnerId":"r","deviceRank":18446744073709551616,"phase":"idle"}`, Entry{}, true},
		{"no phase", `{"at":"2026-04-24T22:03:50Z","runnerId":"r","deviceRank":0}`, Entry{}, true},
		{"not an object", `[1]`, Entry{}, true},
		{"not JSON", `{"at":`, Entry{}, true},
	}
	for _, c := range cases {
		got, err := ParseEntry([]byte(c.raw))
		if (err != nil) != c.err {
			t.Errorf("%s: error %v", c.name, err)
			continue
		}
		if c.err {
			continue
		}
		got.At, got.AtText = time.Time{}, ""
		if got != c.want {
			t.Errorf("%s: got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// FuzzParseEntry: whatever the input, ParseEntry returns an entry or an
// error, and an entry it returns has what the analysis needs.
func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(`{"at":"2026-04-24T22:03:50+00:00","nodeId":"n","runnerId":"r","deviceRank":1,"worldSize":2,"phase":"decode_stream","event":"enter"}`))
	f.Add([]byte(`{"at":"2026-04-24T22:03:50Z","phase":"idle","context":{"nodeId":"n","runnerId":"r","rank":3}}`))
	f.Add([]byte(`{"at":"x","deviceRank":1e3}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := ParseEntry(raw)
		if err == nil && e.AtText == "" {
			t.Errorf("%q: an entry without its time: %+v", raw, e)
		}
		if err == nil {
			a := New(Options{})
			a.Add(&e, Location{Path: "f", Line: 1})
			a.Analyze(nil)
		}
	})
}
