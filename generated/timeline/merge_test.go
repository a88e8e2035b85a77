package timeline_test

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/flightline-dev/flightline/generated/timeline"
)

func mk(at, node string, rank int64, runner string) timeline.ClusterTimelineEntry {
	return timeline.ClusterTimelineEntry{At: timeline.DateTime(at), NodeID: node, RunnerID: runner, DeviceRank: timeline.IntOf(rank),
		WorldSize: timeline.IntOf(2), Phase: timeline.PhaseDecodeStream, Event: "enter"}
}

// mkRank is mk with a rank of any size, written as text.
func mkRank(rank string) timeline.ClusterTimelineEntry {
	e := mk("2026-04-24T22:03:50Z", "a", 0, "r")
	r, err := timeline.ParseInt(rank)
	if err != nil {
		panic(err)
	}
	e.DeviceRank = r
	return e
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name string
		a, b timeline.ClusterTimelineEntry
		want int
	}{
		{"earlier instant", mk("2026-04-24T22:03:50+00:00", "b", 1, "r"), mk("2026-04-24T22:03:51+00:00", "a", 0, "r"), -1},
		{"Z equals +00:00, then nodeId", mk("2026-04-24T22:03:50Z", "a", 0, "r"), mk("2026-04-24T22:03:50+00:00", "b", 0, "r"), -1},
		{"Z equals +00:00 exactly", mk("2026-04-24T22:03:50Z", "a", 0, "r"), mk("2026-04-24T22:03:50.000000+00:00", "a", 0, "r"), 0},
		{"offset: 22:03:51+01:00 is before 22:03:50+00:00", mk("2026-04-24T22:03:51+01:00", "z", 9, "z"), mk("2026-04-24T22:03:50+00:00", "a", 0, "a"), -1},
		{"not string order: .5 after no fraction", mk("2026-04-24T22:03:50.500000+00:00", "a", 0, "r"), mk("2026-04-24T22:03:50+00:00", "a", 0, "r"), 1},
		{"tie on at: nodeId", mk("2026-04-24T22:03:50Z", "node-b", 0, "r"), mk("2026-04-24T22:03:50Z", "node-a", 1, "r"), 1},
		{"ranks beyond int64, exactly", mkRank("18446744073709551617"), mkRank("18446744073709551616"), 1},
		{"rank 2^63 after MaxInt64", mkRank("9223372036854775808"), mkRank("9223372036854775807"), 1},
		{"rank 1e20 after 99999999999999999999", mkRank("1e20"), mkRank("99999999999999999999"), 1},
		{"rank 1.0e1 equals 10", mkRank("1.0e1"), mkRank("10"), 0},
		{"rank below MinInt64", mkRank("-9223372036854775809"), mkRank("-9223372036854775808"), -1},
		{"tie on at and node: deviceRank", mk("2026-04-24T22:03:50Z", "n", 2, "a"), mk("2026-04-24T22:03:50Z", "n", 10, "a"), -1},
		{"runnerId is no key: a tie, as in Skulk", mk("2026-04-24T22:03:50Z", "n", 0, "runner-b"), mk("2026-04-24T22:03:50Z", "n", 0, "runner-a"), 0},
		{"unparsable after parsable", mk("yesterday", "a", 0, "r"), mk("2099-01-01T00:00:00Z", "z", 0, "r"), 1},
		{"naive time is unparsable", mk("2026-04-24T22:03:50", "a", 0, "r"), mk("2099-01-01T00:00:00Z", "z", 0, "r"), 1},
		{"unparsable among themselves by text", mk("aaa", "z", 0, "r"), mk("bbb", "a", 0, "r"), -1},
	}
	for _, c := range cases {
		if got := timeline.Compare(&c.a, &c.b); got != c.want {
			t.Errorf("%s: Compare = %d, want %d", c.name, got, c.want)
		}
		if got := timeline.Compare(&c.b, &c.a); got != -c.want {
			t.Errorf("%s: reversed Compare = %d, want %d", c.name, got, -c.want)
		}
	}
}

// TestSortKeepsTies: entries equal on (at, nodeId, deviceRank) keep their
// order, as Skulk's stable sort keeps them, whatever their runnerId.
func TestSortKeepsTies(t *testing.T) {
	b := mk("2026-04-24T22:03:50Z", "n", 0, "runner-b")
	a := mk("2026-04-24T22:03:50+00:00", "n", 0, "runner-a")
	early := mk("2026-04-24T22:03:49Z", "n", 0, "runner-c")
	s := []timeline.ClusterTimelineEntry{b, a, early}
	timeline.Sort(s)
	if s[0].RunnerID != "runner-c" || s[1].RunnerID != "runner-b" || s[2].RunnerID != "runner-a" {
		t.Errorf("sorted: %s %s %s, want runner-c runner-b runner-a", s[0].RunnerID, s[1].RunnerID, s[2].RunnerID)
	}
	var got []string
	for e, err := range timeline.Merge(seqOf(b), seqOf(a)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.RunnerID)
	}
	if len(got) != 2 || got[0] != "runner-b" {
		t.Errorf("merged ties %v, want the first source's first", got)
	}
}

// skulkExample is the merged timeline of Skulk's own test (DOMAIN.md).
func skulkExample() []timeline.ClusterTimelineEntry {
	return []timeline.ClusterTimelineEntry{
		mk("2026-04-24T22:03:50.000000+00:00", "local-node", 0, "runner-0"),
		mk("2026-04-24T22:03:50.500000+00:00", "peer-node", 1, "runner-1"),
		mk("2026-04-24T22:03:51.508000+00:00", "local-node", 0, "runner-0"),
		mk("2026-04-24T22:03:52.000000+00:00", "peer-node", 1, "runner-1"),
	}
}

func seqOf(es ...timeline.ClusterTimelineEntry) iter.Seq2[timeline.ClusterTimelineEntry, error] {
	return func(yield func(timeline.ClusterTimelineEntry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func collect(t *testing.T, seq iter.Seq2[timeline.ClusterTimelineEntry, error]) ([]timeline.ClusterTimelineEntry, error) {
	t.Helper()
	var out []timeline.ClusterTimelineEntry
	for e, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// sameEntries compares entries by identity and event, which the tests
// make unique.
func sameEntries(a, b []timeline.ClusterTimelineEntry) bool {
	return slices.EqualFunc(a, b, func(x, y timeline.ClusterTimelineEntry) bool {
		return x.At == y.At && x.NodeID == y.NodeID && x.DeviceRank.Cmp(y.DeviceRank) == 0 && x.RunnerID == y.RunnerID && x.Event == y.Event
	})
}

func TestSkulkExample(t *testing.T) {
	want := skulkExample()
	if !timeline.IsSorted(want) {
		t.Fatal("the Skulk example is not sorted")
	}
	shuffled := []timeline.ClusterTimelineEntry{want[3], want[1], want[2], want[0]}
	timeline.Sort(shuffled)
	if !sameEntries(shuffled, want) {
		t.Errorf("Sort gave %v", shuffled)
	}
	// The two node dumps merge back into Skulk's order.
	got, err := collect(t, timeline.Merge(seqOf(want[0], want[2]), seqOf(want[1], want[3])))
	if err != nil || !sameEntries(got, want) {
		t.Errorf("Merge gave %v, %v", got, err)
	}
}

func TestSortIsStable(t *testing.T) {
	s := []timeline.ClusterTimelineEntry{
		mk("2026-04-24T22:03:51Z", "n", 0, "r"),
		mk("2026-04-24T22:03:50Z", "n", 0, "r"),
		mk("2026-04-24T22:03:51.000+00:00", "n", 0, "r"), // the same instant as the first
		mk("2026-04-24T22:03:50+00:00", "n", 0, "r"),
	}
	for i := range s {
		s[i].Event = fmt.Sprint(i)
	}
	timeline.Sort(s)
	var order []string
	for _, e := range s {
		order = append(order, e.Event)
	}
	if want := []string{"1", "3", "0", "2"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	if !timeline.IsSorted([]timeline.ClusterTimelineEntry{s[3], s[2]}) {
		t.Error("equal entries reported unsorted")
	}
	if timeline.IsSorted([]timeline.ClusterTimelineEntry{s[2], s[0]}) {
		t.Error("descending entries reported sorted")
	}
}

// TestMergeEqualsSort: merging sorted per-rank streams gives the same
// sequence as sorting their concatenation (Sort being stable and Merge
// taking equal entries in source order).
func TestMergeEqualsSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		k := 1 + r.IntN(6)
		sources := make([][]timeline.ClusterTimelineEntry, k)
		var all []timeline.ClusterTimelineEntry
		for i := range sources {
			n := r.IntN(40)
			for j := range n {
				zone := []string{"Z", "+00:00", "+01:00", "-02:30"}[r.IntN(4)]
				at := fmt.Sprintf("2026-04-24T%02d:%02d:%02d.%06d%s", 10+r.IntN(3), r.IntN(60), r.IntN(60), r.IntN(3)*250000, zone)
				e := mk(at, fmt.Sprintf("node-%d", r.IntN(3)), int64(r.IntN(4)), fmt.Sprintf("runner-%d", r.IntN(3)))
				e.Event = fmt.Sprintf("%d.%d", i, j)
				sources[i] = append(sources[i], e)
			}
			timeline.Sort(sources[i])
			all = append(all, sources[i]...)
		}
		timeline.Sort(all)
		var seqs []iter.Seq2[timeline.ClusterTimelineEntry, error]
		for _, s := range sources {
			seqs = append(seqs, seqOf(s...))
		}
		got, err := collect(t, timeline.Merge(seqs...))
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !sameEntries(got, all) {
			t.Fatalf("round %d: merge differs from sort", round)
		}
	}
}

func TestMergeErrors(t *testing.T) {
	a := mk("2026-04-24T22:03:50Z", "n", 0, "r")
	b := mk("2026-04-24T22:03:51Z", "n", 0, "r")
	bad := mk("not a time", "n", 0, "r")
	sourceErr := errors.New("disk on fire")
	failing := func(yield func(timeline.ClusterTimelineEntry, error) bool) {
		if yield(a, nil) {
			yield(timeline.ClusterTimelineEntry{}, sourceErr)
		}
	}
	cases := []struct {
		name    string
		sources []iter.Seq2[timeline.ClusterTimelineEntry, error]
		src     int
		elem    int
		is      error
	}{
		{"unsorted source", []iter.Seq2[timeline.ClusterTimelineEntry, error]{seqOf(a), seqOf(b, a)}, 1, 1, nil},
		{"unparsable timestamp", []iter.Seq2[timeline.ClusterTimelineEntry, error]{seqOf(a, b), seqOf(a, bad)}, 1, 1, nil},
		{"source error", []iter.Seq2[timeline.ClusterTimelineEntry, error]{seqOf(b), failing}, 1, 1, sourceErr},
	}
	for _, c := range cases {
		_, err := collect(t, timeline.Merge(c.sources...))
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.is)
		}
		var me *timeline.MergeError
		if !errors.As(err, &me) || me.Source != c.src || me.Element != c.elem {
			t.Errorf("%s: got %v, want a MergeError at source %d element %d", c.name, err, c.src, c.elem)
		}
	}
	// Stopping early is fine and stops the sources.
	for range timeline.Merge(seqOf(a, b), seqOf(a, b)) {
		break
	}
}
