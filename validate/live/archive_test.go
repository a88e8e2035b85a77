package live

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
)

func archiveEntry(runner string, second int) []byte {
	return []byte(fmt.Sprintf(`{"at":"2026-04-24T22:%02d:%02d+00:00","nodeId":"node-%s","runnerId":"%s","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}`,
		second/60, second%60, runner, runner))
}

// ring is what a runner's flight recorder of size 4 shows after n entries.
func ring(runner string, n int) [][]byte {
	var out [][]byte
	for i := max(0, n-4); i < n; i++ {
		out = append(out, archiveEntry(runner, i))
	}
	return out
}

// readArchive reads every segment as validate would, in order.
func readArchive(t *testing.T, dir string) (entries []string) {
	t.Helper()
	segs, err := Segments(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range segs {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		dump.NewReader(f, 0).Read(func(it dump.Item) bool {
			if it.Problem != nil {
				t.Errorf("%s: %v", name, it.Problem)
				return true
			}
			entries = append(entries, string(it.Entry.Raw))
			return true
		})
		f.Close()
	}
	return entries
}

// TestArchiveKeepsWhatRingsDrop polls rings that roll over: the archive
// holds every entry once, in segments that read as they are.
func TestArchiveKeepsWhatRingsDrop(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 4, 24, 22, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	for n := 1; n <= 20; n++ {
		batch := append(ring("a", n), ring("b", n)...)
		if n == 10 {
			batch = ring("a", n) // runner b's node did not answer this time
		}
		if _, err := a.Add(batch); err != nil {
			t.Fatal(err)
		}
	}
	// A runner that shows again what it showed before, after a restart.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a, err = OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := a.Add(append(ring("a", 20), ring("b", 21)...)); err != nil || n != 1 {
		t.Errorf("after reopening: %d new, %v; want 1", n, err)
	}
	a.Close()
	got := readArchive(t, dir)
	want := 20 + 21
	if len(got) != want {
		t.Errorf("%d entries archived, want %d:\n%s", len(got), want, strings.Join(got, "\n"))
	}
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e] {
			t.Errorf("archived twice: %s", e)
		}
		seen[e] = true
	}
}

// TestArchiveRotatesRatherThanGoBack starts a new segment for a batch that
// would go back in time, so each segment stays in order.
func TestArchiveRotatesRatherThanGoBack(t *testing.T) {
	dir := t.TempDir()
	a, _ := OpenArchive(dir)
	a.Add([][]byte{archiveEntry("a", 30)})
	a.Add([][]byte{archiveEntry("b", 10)}) // a node answering late
	a.Add([][]byte{archiveEntry("b", 40)})
	a.Close()
	segs, _ := Segments(dir)
	if len(segs) != 2 {
		t.Fatalf("%d segments, want 2", len(segs))
	}
	for _, s := range segs {
		data, _ := os.ReadFile(s)
		if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			t.Errorf("%s is not gzip", s)
		}
	}
	if got := readArchive(t, dir); len(got) != 3 {
		t.Errorf("%d entries, want 3", len(got))
	}
}

// TestArchiveRotatesBySizeAndAge: a segment that is full, or old, is
// followed by a new one; every entry is read back, in order.
func TestArchiveRotatesBySizeAndAge(t *testing.T) {
	for _, c := range []struct {
		name     string
		maxBytes int64
		maxAge   time.Duration
		step     time.Duration // the clock between batches
		want     int           // segments for 10 batches
	}{
		{"neither", segmentBytes, segmentAge, time.Second, 1},
		{"size", 2 * int64(len(archiveEntry("a", 0))+1), segmentAge, time.Second, 5},
		{"age", segmentBytes, time.Hour, 30 * time.Minute, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			a, err := OpenArchive(dir)
			if err != nil {
				t.Fatal(err)
			}
			a.maxBytes, a.maxAge = c.maxBytes, c.maxAge
			clock := time.Date(2026, 4, 24, 22, 0, 0, 0, time.UTC)
			a.Now = func() time.Time { clock = clock.Add(c.step); return clock }
			for i := range 10 {
				if _, err := a.Add([][]byte{archiveEntry("a", i)}); err != nil {
					t.Fatal(err)
				}
			}
			a.Close()
			if segs, _ := Segments(dir); len(segs) != c.want {
				t.Errorf("%d segments, want %d: %v", len(segs), c.want, segs)
			}
			got := readArchive(t, dir)
			for i, e := range got {
				if e != string(archiveEntry("a", i)) {
					t.Fatalf("entry %d is %s", i, e)
				}
			}
			if len(got) != 10 {
				t.Errorf("%d entries, want 10", len(got))
			}
		})
	}
}

// TestArchiveOrdersEntriesOfANewerSkulk: entries this build's schema does
// not know (a new phase, a new member) still order by their time, so polls
// of them append to one segment, in order, rather than each going "back in
// time" behind an entry that sorted last.
func TestArchiveOrdersEntriesOfANewerSkulk(t *testing.T) {
	newer := func(runner string, second int) []byte {
		e := strings.Replace(string(archiveEntry(runner, second)), `"phase":"idle"`, `"phase":"prefill_schedule","batchTokens":7`, 1)
		return []byte(e)
	}
	dir := t.TempDir()
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 5 {
		// Each poll: one known entry and one a newer Skulk wrote, of two runners.
		batch := [][]byte{newer("a", 2*i+1), archiveEntry("b", 2*i)}
		want = append(want, string(batch[1]), string(batch[0]))
		if n, err := a.Add(batch); err != nil || n != 2 {
			t.Fatalf("poll %d: %d added, %v", i, n, err)
		}
	}
	a.Close()
	if segs, _ := Segments(dir); len(segs) != 1 {
		t.Errorf("%d segments, want 1: %v", len(segs), segs)
	}
	if got := readArchive(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("archived:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSortKeyOf: the key is read from what the entry shows, the context of
// a flight-recorder entry included; only an at that is not a timestamp
// orders last.
func TestSortKeyOf(t *testing.T) {
	early := sortKeyOf([]byte(`{"at":"2026-04-24T22:00:00+00:00","context":{"nodeId":"node-b","rank":1},"phase":"unknown_phase"}`))
	late := sortKeyOf([]byte(`{"at":"2026-04-24T22:00:01Z","nodeId":"node-a","deviceRank":"x","phase":"unknown_phase"}`))
	same := timeline.MakeSortKey("2026-04-24T22:00:00Z", "node-b", timeline.IntOf(1))
	noTime := sortKeyOf([]byte(`{"at":"yesterday","nodeId":"node-a"}`))
	broken := sortKeyOf([]byte(`{"at":`))
	if timeline.CompareSortKeys(&early, &same) != 0 {
		t.Error("the context's nodeId and rank are not the key's")
	}
	if timeline.CompareSortKeys(&early, &late) >= 0 || timeline.CompareSortKeys(&late, &noTime) >= 0 || timeline.CompareSortKeys(&late, &broken) >= 0 {
		t.Error("the keys are out of order")
	}
}

// TestArchiveReopensATornSegment: a last segment cut short in its last
// write, as a crash leaves it, reopens with a warning naming it, cut back
// to its whole writes, so that it reads as it is and the archive reopens
// again later; the cut write's entries are archived again, in a new
// segment. A torn segment before the last is an error still.
func TestArchiveReopensATornSegment(t *testing.T) {
	// Cut into the last write's trailer, data or header: cut back to the
	// first write. Cut into the only write: removed.
	for _, c := range []struct{ writes, cut, want int }{{2, 1, 1}, {2, 25, 1}, {2, 40, 1}, {1, 10, 0}} {
		dir := t.TempDir()
		a, _ := OpenArchive(dir)
		a.Add(ring("a", 1))
		if c.writes == 2 {
			a.Add(ring("a", 2)[1:])
		}
		a.Close()
		segs, _ := Segments(dir)
		data, _ := os.ReadFile(segs[0])
		os.WriteFile(segs[0], data[:len(data)-c.cut], 0o644)
		a, err := OpenArchive(dir)
		if err != nil {
			t.Errorf("%d writes cut %d bytes short: %v", c.writes, c.cut, err)
			continue
		}
		if len(a.Warnings()) != 1 {
			t.Errorf("%d writes cut %d bytes short: warnings %q, want one", c.writes, c.cut, a.Warnings())
		}
		if got := readArchive(t, dir); len(got) != c.want {
			t.Errorf("%d writes cut %d bytes short: %d entries left, want %d", c.writes, c.cut, len(got), c.want)
		}
	}

	dir := t.TempDir()
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		if _, err := a.Add(ring("a", n)); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	segs, _ := Segments(dir)
	if len(segs) != 1 {
		t.Fatalf("%d segments, want 1", len(segs))
	}
	data, _ := os.ReadFile(segs[0])
	if err := os.WriteFile(segs[0], data[:len(data)-10], 0o644); err != nil {
		t.Fatal(err)
	}

	a, err = OpenArchive(dir)
	if err != nil {
		t.Fatalf("reopening a torn last segment: %v", err)
	}
	if w := a.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], segs[0]+":") || !strings.Contains(w[0], "cut short") {
		t.Errorf("warnings %q, want one naming %s", w, segs[0])
	}
	// A watch on the archive says so, once.
	var log strings.Builder
	w := &Watcher{Client: &Client{Transport: roundTripper(func(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF })},
		URL: "http://cluster.invalid", Archive: a, Log: &log}
	w.Poll(context.Background())
	w.Poll(context.Background())
	if strings.Count(log.String(), "archive: "+segs[0]+":") != 1 {
		t.Errorf("log:\n%s", log.String())
	}
	// Entries 0 and 1 are in whole writes; 2, of the cut write, and 3 are
	// new.
	if n, err := a.Add(ring("a", 4)); err != nil || n != 2 {
		t.Errorf("after reopening: %d new, %v; want 2", n, err)
	}
	a.Close()
	after, _ := Segments(dir)
	if len(after) != 2 || after[0] != segs[0] {
		t.Fatalf("segments %v, want the cut one and a new one", after)
	}
	if got, want := readArchive(t, dir), ring("a", 4); len(got) != len(want) {
		t.Errorf("%d entries archived, want %d", len(got), len(want))
	}
	// The archive reopens again, with nothing to say.
	if a, err := OpenArchive(dir); err != nil {
		t.Fatalf("reopening once more: %v", err)
	} else if len(a.Warnings()) != 0 {
		t.Errorf("reopening once more: warnings %q", a.Warnings())
	}

	// Torn, but not the last: an error.
	data, _ = os.ReadFile(segs[0])
	os.WriteFile(segs[0], data[:len(data)-10], 0o644)
	if _, err := OpenArchive(dir); err == nil || !strings.Contains(err.Error(), segs[0]) {
		t.Errorf("reopening with a torn segment before the last: %v, want an error naming %s", err, segs[0])
	}
}
