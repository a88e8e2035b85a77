package merge

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// A Spool holds a TimelineWriter's entries until the rest of the document
// is known; an *os.File serves.
type Spool interface {
	io.ReadWriteSeeker
	Truncate(size int64) error
}

// A TimelineWriter writes a merged timeline as a ClusterTimeline object,
// the document Skulk's timeline endpoint serves. Its entries go to a spool
// first: the runners, which come before the timeline, are known only once
// every input has been read.
type TimelineWriter struct {
	spool Spool
	w     *bufio.Writer
	count int
}

// NewTimelineWriter returns a writer that spools its entries in spool.
func NewTimelineWriter(spool Spool) *TimelineWriter {
	return &TimelineWriter{spool: spool, w: bufio.NewWriterSize(spool, 1<<20)}
}

// Add adds an entry to the timeline; it is an emit function for Merge.
func (t *TimelineWriter) Add(e *Entry) error {
	if t.count > 0 {
		if err := t.w.WriteByte(','); err != nil {
			return err
		}
	}
	t.count++
	_, err := t.w.Write(e.Raw)
	return err
}

// Reset forgets the entries added; it is a reset function for Merge.
func (t *TimelineWriter) Reset() error {
	t.count = 0
	t.w.Reset(t.spool)
	if _, err := t.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return t.spool.Truncate(0)
}

// MarshalEmpty encodes the document as a ClusterTimeline object with no
// entries: what the inputs said of the cluster, as of generatedAt.
func (d *Document) MarshalEmpty(generatedAt string) ([]byte, error) {
	head := timeline.ClusterTimeline{
		GeneratedAt:      timeline.DateTime(generatedAt),
		LocalNodeID:      d.LocalNodeID,
		MasterNodeID:     d.MasterNodeID,
		Runners:          append([]timeline.ClusterTimelineRunner{}, d.Runners...),
		Timeline:         []timeline.ClusterTimelineEntry{},
		UnreachableNodes: append([]timeline.ClusterTimelineUnreachable{}, d.Unreachable...),
	}
	return head.MarshalJSON()
}

// WriteTo writes the ClusterTimeline object, with the entries added and
// the rest from doc, and a newline, to w.
func (t *TimelineWriter) WriteTo(w io.Writer, doc *Document, generatedAt string) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	text, err := doc.MarshalEmpty(generatedAt)
	if err != nil {
		return err
	}
	// Splice the entries into the empty timeline the encoder wrote.
	before, after, ok := strings.Cut(string(text), `"timeline":[]`)
	if !ok {
		return errors.New("the ClusterTimeline encoding has no timeline")
	}
	if _, err := io.WriteString(w, before+`"timeline":[`); err != nil {
		return err
	}
	if _, err := t.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w, t.spool); err != nil {
		return err
	}
	_, err = io.WriteString(w, "]"+after+"\n")
	return err
}
