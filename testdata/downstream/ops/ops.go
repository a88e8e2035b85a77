// Package ops is what clusterops does with Skulk cluster timelines: read
// NDJSON dumps, merge the dumps of several ranks into one timeline, and count
// where the runners spent their entries.
package ops

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"example.com/clusterops/internal/timeline"
)

// ReadNDJSON yields the entries of an NDJSON dump, one per line, decoded
// strictly: an unknown or missing property, a wrong type or an unknown phase
// ends the sequence with an error that names the line and the JSON pointer.
// Blank lines are skipped.
func ReadNDJSON(r io.Reader) iter.Seq2[timeline.Entry, error] {
	return func(yield func(timeline.Entry, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 16<<20)
		for line := 1; sc.Scan(); line++ {
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			var e timeline.Entry
			if err := e.UnmarshalJSON(text); err != nil {
				yield(timeline.Entry{}, fmt.Errorf("line %d: %w", line, err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(timeline.Entry{}, err)
		}
	}
}

// Sorted collects entries and sorts them into merge order, for a dump that
// may be out of order (a node that wrote its flight recorder as it found it).
func Sorted(entries iter.Seq2[timeline.Entry, error]) ([]timeline.Entry, error) {
	var s []timeline.Entry
	for e, err := range entries {
		if err != nil {
			return nil, err
		}
		s = append(s, e)
	}
	if !timeline.IsSorted(s) {
		timeline.Sort(s)
	}
	return s, nil
}

// MergeRanks merges the timelines of several ranks, each in merge order, into
// one, writing it to w as NDJSON. Only entries of the given phases are written
// when phases is not empty. It returns the number of entries written.
func MergeRanks(w io.Writer, phases []timeline.Phase, ranks ...iter.Seq2[timeline.Entry, error]) (int, error) {
	bw := bufio.NewWriter(w)
	var buf []byte
	n := 0
	for e, err := range timeline.Merge(ranks...) {
		if err != nil {
			return n, err
		}
		if len(phases) > 0 && !slices.Contains(phases, e.Phase) {
			continue
		}
		buf, err = e.AppendJSON(buf[:0])
		if err != nil {
			return n, err
		}
		bw.Write(append(buf, '\n'))
		n++
	}
	return n, bw.Flush()
}

// ParsePhases parses a comma-separated list of phase names.
func ParsePhases(list string) ([]timeline.Phase, error) {
	var phases []timeline.Phase
	for name := range strings.SplitSeq(list, ",") {
		p, err := timeline.ParsePhase(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		phases = append(phases, p)
	}
	return phases, nil
}

// A PhaseCount is how many entries a timeline holds in one phase.
type PhaseCount struct {
	Phase timeline.Phase
	Count int
}

// PhaseHistogram counts the entries of each phase, in lifecycle order,
// leaving out the phases no entry is in.
func PhaseHistogram(entries iter.Seq2[timeline.Entry, error]) ([]PhaseCount, error) {
	counts := make(map[timeline.Phase]int)
	for e, err := range entries {
		if err != nil {
			return nil, err
		}
		if !e.Phase.Valid() {
			return nil, fmt.Errorf("entry at %s: invalid phase %q", e.At, e.Phase)
		}
		counts[e.Phase]++
	}
	var h []PhaseCount
	for _, p := range timeline.Phases() {
		if counts[p] > 0 {
			h = append(h, PhaseCount{p, counts[p]})
		}
	}
	return h, nil
}
