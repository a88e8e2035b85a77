package ops

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"example.com/clusterops/internal/timeline"
)

// line is one NDJSON entry of runner r (rank rank) at time at in phase.
func line(at string, rank int, phase, event string) string {
	return fmt.Sprintf(`{"at":%q,"nodeId":"node-%d","runnerId":"runner-%d","deviceRank":%d,"worldSize":3,"phase":%q,"event":%q}`,
		at, rank, rank, rank, phase, event)
}

func dump(lines ...string) iter.Seq2[timeline.Entry, error] {
	return ReadNDJSON(strings.NewReader(strings.Join(lines, "\n") + "\n"))
}

func TestReadNDJSON(t *testing.T) {
	ok := line("2026-04-24T22:00:00+00:00", 0, "created", "enter")
	cases := []struct {
		name    string
		lines   []string
		n       int
		wantErr string // "" for none
	}{
		{"entries and a blank line", []string{ok, "", line("2026-04-24T22:00:01Z", 0, "idle", "enter")}, 2, ""},
		{"the downstream's own field", []string{strings.Replace(ok, `}`, `,"cluster":"eu-1"}`, 1)}, 1, ""},
		{"unknown field", []string{ok, strings.Replace(ok, `}`, `,"rack":"r7"}`, 1)}, 1, "line 2: decode Entry: /rack"},
		{"missing field", []string{strings.Replace(ok, `,"event":"enter"`, "", 1)}, 0, "line 1: decode Entry: /event"},
		{"wrong type", []string{strings.Replace(ok, `"deviceRank":0`, `"deviceRank":"0"`, 1)}, 0, "/deviceRank"},
		{"unknown phase", []string{line("2026-04-24T22:00:00Z", 0, "napping", "enter")}, 0, `/phase: "napping" is not a Phase`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := 0, error(nil)
			for _, e := range dump(c.lines...) {
				if e != nil {
					err = e
					break
				}
				n++
			}
			if n != c.n {
				t.Errorf("got %d entries, want %d", n, c.n)
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("error %v, want one containing %q", err, c.wantErr)
			case c.wantErr != "" && !errors.As(err, new(*timeline.ValidationError)):
				t.Errorf("error %v is not a *timeline.ValidationError", err)
			}
		})
	}
}

func TestCompareInstants(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"2026-04-24T22:03:50Z", "2026-04-24T22:03:50+00:00", 0},
		{"2026-04-24T22:03:50.500000+00:00", "2026-04-24T22:03:50.5Z", 0},
		{"2026-04-24T22:03:51+01:00", "2026-04-24T22:03:50+00:00", -1},
		{"2026-04-24T22:03:50+00:00", "2026-04-24T22:03:49.999999+00:00", +1},
	}
	for _, c := range cases {
		a := timeline.Entry{At: timeline.DateTime(c.a), NodeID: "n", RunnerID: "r"}
		b := timeline.Entry{At: timeline.DateTime(c.b), NodeID: "n", RunnerID: "r"}
		if got := timeline.Compare(&a, &b); got != c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMergeRanks(t *testing.T) {
	ranks := func() []iter.Seq2[timeline.Entry, error] {
		return []iter.Seq2[timeline.Entry, error]{
			dump(line("2026-04-24T22:00:00Z", 0, "prefill_barrier", "enter"), line("2026-04-24T22:00:03Z", 0, "decode_barrier", "enter")),
			dump(line("2026-04-24T22:00:01+00:00", 1, "prefill_barrier", "enter"), line("2026-04-24T22:00:05+00:00", 1, "decode_stream", "enter")),
			dump(line("2026-04-24T23:00:00+01:00", 2, "prefill_stream", "enter"), line("2026-04-24T22:00:04Z", 2, "decode_barrier", "enter")),
		}
	}
	cases := []struct {
		phases string
		want   []string // rank:phase in merged order
	}{
		{"", []string{"0:prefill_barrier", "2:prefill_stream", "1:prefill_barrier", "0:decode_barrier", "2:decode_barrier", "1:decode_stream"}},
		{"decode_barrier,decode_stream", []string{"0:decode_barrier", "2:decode_barrier", "1:decode_stream"}},
	}
	for _, c := range cases {
		var phases []timeline.Phase
		if c.phases != "" {
			phases, _ = ParsePhases(c.phases)
		}
		var out bytes.Buffer
		n, err := MergeRanks(&out, phases, ranks()...)
		if err != nil || n != len(c.want) {
			t.Fatalf("MergeRanks(%q) = %d, %v; want %d entries", c.phases, n, err, len(c.want))
		}
		var merged []timeline.Entry
		var got []string
		for e, err := range ReadNDJSON(&out) {
			if err != nil {
				t.Fatal(err)
			}
			merged = append(merged, e)
			got = append(got, fmt.Sprintf("%s:%s", e.DeviceRank, e.Phase))
		}
		if !slices.Equal(got, c.want) || !timeline.IsSorted(merged) {
			t.Errorf("MergeRanks(%q) order:\n got %v\nwant %v", c.phases, got, c.want)
		}
	}
}

func TestMergeRanksOutOfOrder(t *testing.T) {
	late, early := line("2026-04-24T22:00:02Z", 1, "idle", "enter"), line("2026-04-24T22:00:01Z", 1, "idle", "exit")
	_, err := MergeRanks(new(bytes.Buffer), nil, dump(line("2026-04-24T22:00:00Z", 0, "idle", "enter")), dump(late, early))
	var me *timeline.MergeError
	if !errors.As(err, &me) || me.Source != 1 || me.Element != 1 {
		t.Fatalf("merge of an unsorted rank: %v; want a *MergeError for source 1, element 1", err)
	}
	s, err := Sorted(dump(late, early))
	if err != nil || !timeline.IsSorted(s) || s[0].Event != "exit" {
		t.Errorf("Sorted did not sort: %v %v", s, err)
	}
}

func TestParsePhases(t *testing.T) {
	if p, err := ParsePhases("prefill_barrier, decode_barrier"); err != nil || len(p) != 2 || p[1] != timeline.Phase("decode_barrier") {
		t.Errorf("ParsePhases = %v, %v", p, err)
	}
	if _, err := ParsePhases("decode_barrier,bogus"); err == nil || !strings.Contains(err.Error(), `"bogus" is not a Phase; want one of created, idle`) {
		t.Errorf("ParsePhases of an unknown phase: %v", err)
	}
}

func TestPhaseHistogram(t *testing.T) {
	h, err := PhaseHistogram(dump(
		line("2026-04-24T22:00:00Z", 0, "decode_stream", "enter"),
		line("2026-04-24T22:00:01Z", 0, "created", "enter"),
		line("2026-04-24T22:00:02Z", 0, "decode_stream", "exit"),
	))
	want := []PhaseCount{{"created", 1}, {"decode_stream", 2}}
	if err != nil || !slices.Equal(h, want) {
		t.Errorf("PhaseHistogram = %v, %v; want %v (in lifecycle order)", h, err, want)
	}
	bad := func(yield func(timeline.Entry, error) bool) { yield(timeline.Entry{Phase: "napping"}, nil) }
	if _, err := PhaseHistogram(bad); err == nil {
		t.Error("PhaseHistogram accepted an invalid phase")
	}
	if timeline.Phase("napping").Valid() || len(timeline.Phases()) != 22 {
		t.Error("the Phase helpers do not match the schema's 22 phases")
	}
}
