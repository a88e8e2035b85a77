package live

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/merge"
)

// An Archive keeps every timeline entry a cluster has shown, beyond the
// 128 entries each runner's flight recorder holds, in a directory of
// gzipped NDJSON segments. Each segment is in the timeline's merge order
// and is a sequence of complete gzip members, one per batch added, so that
// validate, merge and explain read it as it is, even while it grows. A
// batch that would go back in time starts a new segment, as do size and
// age. An entry is new when its runner's last entries in the archive do not
// hold it: entries are the same when their text is.
type Archive struct {
	dir     string
	seed    maphash.Seed
	recent  map[string]*window // by runner id
	seg     *os.File
	segSize int64
	segFrom time.Time
	last    timeline.SortKey // the last entry written to seg
	hasLast bool
	seq     int
	// warnings are what OpenArchive forgave: a torn last segment.
	warnings []string
	// maxBytes and maxAge bound a segment: segmentBytes and segmentAge,
	// but in tests.
	maxBytes int64
	maxAge   time.Duration
	// Now tells the time for segment names and ages; nil means time.Now.
	Now func() time.Time
}

const (
	// segmentBytes and segmentAge bound one segment, before it rotates.
	segmentBytes = 64 << 20
	segmentAge   = time.Hour
	// windowSize is how many of a runner's archived entries are
	// remembered: twice the ring, so that whatever the ring shows was
	// archived within it.
	windowSize = 256
)

// A window is a runner's last archived entries, as hashes.
type window struct {
	hashes []uint64
	next   int
}

func (w *window) count(h uint64) int {
	n := 0
	for _, x := range w.hashes {
		if x == h {
			n++
		}
	}
	return n
}

func (w *window) add(h uint64) {
	if len(w.hashes) < windowSize {
		w.hashes = append(w.hashes, h)
		return
	}
	w.hashes[w.next] = h
	w.next = (w.next + 1) % windowSize
}

// OpenArchive opens the archive in dir, creating it if needed. The entries
// of the segments already there count as archived; new ones go to a new
// segment. A last segment whose last gzip member is cut short, as a crash
// in the middle of a write leaves it, is cut back to its whole members (or
// removed, when it has none), and Warnings says so: the entries of the cut
// write do not count as archived, so that they are archived again, in the
// new segment, if the cluster still shows them. Any other damage, or a cut
// segment before the last, is an error.
func OpenArchive(dir string) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	a := &Archive{dir: dir, seed: maphash.MakeSeed(), recent: map[string]*window{}, maxBytes: segmentBytes, maxAge: segmentAge}
	segments, err := Segments(dir)
	if err != nil {
		return nil, err
	}
	for i, name := range segments {
		if err := a.remember(name, i == len(segments)-1); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Warnings are what OpenArchive found wrong with the archive and went on
// from, one line each.
func (a *Archive) Warnings() []string { return a.warnings }

// Segments lists the archive's segments in dir, oldest first.
func Segments(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "timeline-*.ndjson.gz"))
	slices.Sort(names)
	return names, err
}

// remember reads a segment's entries into the runners' windows. The last
// segment is first cut back to its whole members, if its last is torn.
func (a *Archive) remember(name string, last bool) error {
	if last {
		end, torn, err := tornEnd(name)
		if err != nil {
			return err
		}
		if torn {
			if end == 0 {
				err = os.Remove(name)
			} else {
				err = os.Truncate(name, end)
			}
			if err != nil {
				return fmt.Errorf("%s: its last write was cut short, and cutting it back failed: %w", name, err)
			}
			if end == 0 {
				a.warnings = append(a.warnings, fmt.Sprintf("%s: its only write was cut short (a crash?): removed", name))
				return nil
			}
			a.warnings = append(a.warnings, fmt.Sprintf("%s: its last write was cut short (a crash?): cut back to its whole writes, %d bytes", name, end))
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	var failure error
	dump.NewReader(f, 0).Read(func(it dump.Item) bool {
		if p := it.Problem; p != nil && p.Fatal {
			failure = fmt.Errorf("%s:%d: %s", name, p.Line, p.Message)
			return false
		}
		if it.Problem == nil {
			a.window(runnerOf(it.Entry.Raw)).add(maphash.Bytes(a.seed, it.Entry.Raw))
		}
		return true
	})
	return failure
}

// tornEnd reads the gzip members of a segment: torn tells whether the
// file ends in the middle of one, every member before it whole, and end is
// where the last whole member ends. Any other damage is left to the
// segment's reader to report.
func tornEnd(name string) (end int64, torn bool, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	cr := &countingReader{r: bufio.NewReader(f)}
	// A flate.Reader (a ByteReader) is read no further than the member.
	var zr gzip.Reader
	for {
		if err := zr.Reset(cr); err != nil {
			return end, errors.Is(err, io.ErrUnexpectedEOF), nil // io.EOF: no more members
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, &zr); err != nil {
			return end, errors.Is(err, io.ErrUnexpectedEOF), nil
		}
		end = cr.n
	}
}

// A countingReader counts the bytes read through it.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

func (a *Archive) window(runner string) *window {
	w := a.recent[runner]
	if w == nil {
		w = &window{}
		a.recent[runner] = w
	}
	return w
}

// runnerOf is the runnerId of an entry's text, or "".
func runnerOf(raw []byte) string {
	var e struct {
		RunnerID string `json:"runnerId"`
	}
	json.Unmarshal(raw, &e)
	return e.RunnerID
}

// sortKeyOf is the merge key of an entry's text, read as merge's lenient
// path reads it: at, nodeId and deviceRank from the entry or, for a
// flight-recorder entry, from its context, whatever else the entry holds.
// An entry a newer Skulk wrote, with a phase or a member this build does
// not know, so orders by its time like any other; only one whose at is not
// a timestamp orders after every one that is.
func sortKeyOf(raw []byte) timeline.SortKey {
	var v struct {
		At      *string     `json:"at"`
		NodeID  *string     `json:"nodeId"`
		Rank    json.Number `json:"deviceRank"`
		Context *struct {
			NodeID *string     `json:"nodeId"`
			Rank   json.Number `json:"rank"`
		} `json:"context"`
	}
	json.Unmarshal(raw, &v) // what a member of the wrong type leaves unset orders as missing
	if v.Context != nil && v.NodeID == nil && v.Rank == "" {
		v.NodeID, v.Rank = v.Context.NodeID, v.Context.Rank
	}
	var at, node string
	if v.At != nil {
		at = *v.At
	}
	if v.NodeID != nil {
		node = *v.NodeID
	}
	rank, err := timeline.ParseInt(v.Rank)
	if err != nil {
		rank = timeline.IntOf(0)
	}
	return timeline.MakeSortKey(at, node, rank)
}

// An archived entry is one entry of a batch, with its merge key.
type archived struct {
	raw []byte
	key timeline.SortKey
}

// Add archives the entries of one look at the cluster (each a timeline
// entry's text, in any order) that the archive does not hold yet, and
// returns how many that was, in merge order. Entries that break the schema
// are archived too, by the merge key they still show (sortKeyOf): nothing
// seen is lost.
func (a *Archive) Add(entries [][]byte) (int, error) {
	seen := map[string]map[uint64]int{} // this batch's entries, by runner and hash
	var fresh []archived
	for _, raw := range entries {
		raw = bytes.TrimSpace(raw)
		runner := runnerOf(raw)
		h := maphash.Bytes(a.seed, raw)
		counts := seen[runner]
		if counts == nil {
			counts = map[uint64]int{}
			seen[runner] = counts
		}
		counts[h]++
		// New when the batch holds more copies than the runner's window.
		if counts[h] <= a.window(runner).count(h) {
			continue
		}
		fresh = append(fresh, archived{bytes.Clone(raw), sortKeyOf(raw)})
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	slices.SortStableFunc(fresh, func(x, y archived) int { return timeline.CompareSortKeys(&x.key, &y.key) })
	if err := a.write(fresh); err != nil {
		return 0, err
	}
	for _, e := range fresh {
		a.window(runnerOf(e.raw)).add(maphash.Bytes(a.seed, e.raw))
	}
	return len(fresh), nil
}

// write appends the entries, in order, to the segment as one gzip member,
// starting a new segment first when they would go back in time or the
// segment is full or old.
func (a *Archive) write(entries []archived) error {
	now := a.now()
	backwards := a.hasLast && timeline.CompareSortKeys(&entries[0].key, &a.last) < 0
	if a.seg == nil || backwards || a.segSize >= a.maxBytes || now.Sub(a.segFrom) >= a.maxAge {
		if err := a.rotate(now); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	var size int64
	for _, e := range entries {
		zw.Write(e.raw)
		zw.Write([]byte{'\n'})
		size += int64(len(e.raw)) + 1
	}
	if err := zw.Close(); err != nil {
		return err
	}
	// One write: a member is in the file whole or, after a crash in the
	// middle of it, at its end only.
	if _, err := a.seg.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("archive %s: %w", a.seg.Name(), err)
	}
	if err := a.seg.Sync(); err != nil {
		return fmt.Errorf("archive %s: %w", a.seg.Name(), err)
	}
	a.segSize += size
	a.last, a.hasLast = entries[len(entries)-1].key, true
	return nil
}

// rotate closes the segment and starts the next.
func (a *Archive) rotate(now time.Time) error {
	if err := a.closeSegment(); err != nil {
		return err
	}
	for {
		a.seq++
		name := filepath.Join(a.dir, fmt.Sprintf("timeline-%s-%04d.ndjson.gz", now.UTC().Format("20060102T150405Z"), a.seq))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		a.seg, a.segSize, a.segFrom, a.hasLast = f, 0, now, false
		return nil
	}
}

func (a *Archive) closeSegment() error {
	if a.seg == nil {
		return nil
	}
	err := a.seg.Close()
	a.seg = nil
	return err
}

// SnapshotFile is the file in an archive that holds the last look's
// snapshot: a ClusterTimeline with the cluster's runners and unreachable
// nodes, its generatedAt the clock of that look, and no entries (the
// segments hold them). With it, explain on the archive measures every
// wait to when the cluster was last seen, not to the last entry.
const SnapshotFile = "snapshot.json"

// Snapshot replaces the archive's snapshot with doc, as of generatedAt,
// atomically: a reader sees the last snapshot or this one.
func (a *Archive) Snapshot(doc *merge.Document, generatedAt string) error {
	text, err := doc.MarshalEmpty(generatedAt)
	if err != nil {
		return err
	}
	// Not *.json until renamed: a reader of the directory's dumps leaves
	// it out.
	f, err := os.CreateTemp(a.dir, ".snapshot-*.tmp")
	if err != nil {
		return err
	}
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(append(text, '\n'))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(a.dir, SnapshotFile))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Close closes the archive; every entry added is in it.
func (a *Archive) Close() error { return a.closeSegment() }

func (a *Archive) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Entries splits a cluster timeline document into its entries' texts, in
// order, with the reader flightline reads dumps with: the form Add takes.
// Problems of the document are returned as text, one line each.
func Entries(name string, doc io.Reader) (entries [][]byte, problems []string) {
	rd := dump.NewReader(doc, 0)
	rd.Read(func(it dump.Item) bool {
		if p := it.Problem; p != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", name, p.Line, p.Rule, strings.TrimSpace(p.Pointer+" "+p.Message)))
			return true
		}
		entries = append(entries, bytes.Clone(it.Entry.Raw))
		return true
	})
	return entries, problems
}
