package dump

import (
	"bytes"
	"sort"
)

// A Document is the rest of a ClusterTimeline object or node dump: its
// members as written, with the entries read as a stream left out (an empty
// timeline, empty flight recorders), to be checked against the document's
// schema. Line maps an offset in Text back to a line of the input.
type Document struct {
	Text   []byte
	pieces []piece
}

// A piece is a run of Text copied from the input, starting at line.
type piece struct{ start, line int }

// add appends text that starts at line of the input.
func (d *Document) add(text []byte, line int) {
	d.pieces = append(d.pieces, piece{len(d.Text), line})
	d.Text = append(d.Text, text...)
}

// punct appends text of the document's own, such as a comma or a key.
func (d *Document) punct(text ...byte) { d.Text = append(d.Text, text...) }

// Line returns the line of the input the byte at offset of Text comes from.
func (d *Document) Line(offset int) int {
	i := sort.Search(len(d.pieces), func(i int) bool { return d.pieces[i].start > offset }) - 1
	if i < 0 {
		if len(d.pieces) > 0 {
			return d.pieces[0].line
		}
		return 1
	}
	p := d.pieces[i]
	return p.line + bytes.Count(d.Text[p.start:min(offset, len(d.Text))], nl)
}

// Document returns the rest of a ClusterTimeline or node dump once Read
// has returned, or nil for the other formats.
func (r *Reader) Document() *Document {
	if r.format != Timeline && r.format != Node {
		return nil
	}
	d := &Document{}
	d.punct('{')
	for i, m := range r.members {
		if i > 0 {
			d.punct(',')
		}
		key, _ := marshalKey(m.Key)
		d.punct(key...)
		d.punct(':')
		switch {
		case m.Raw != nil:
			d.add(m.Raw, m.Line)
		case r.format == Node:
			d.punct('[')
			for j, rs := range r.skeletons {
				if j > 0 {
					d.punct(',')
				}
				rs.appendTo(d)
			}
			d.punct(']')
		default:
			d.punct('[', ']') // the timeline, read as a stream
		}
	}
	d.punct('}')
	return d
}

// A skeleton is a supervisor runner as the reader keeps it: its members as
// written, with an empty flight recorder.
type skeleton struct{ Document }

func (s *skeleton) appendTo(d *Document) {
	base := len(d.Text)
	for _, p := range s.pieces {
		d.pieces = append(d.pieces, piece{base + p.start, p.line})
	}
	d.Text = append(d.Text, s.Text...)
}
