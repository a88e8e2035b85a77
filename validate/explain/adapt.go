package explain

// This file is explain's contact with the rest of flightline: the merge,
// the dump reader's formats and the generated types. The analysis itself
// uses none of them.

import (
	"fmt"
	"slices"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/merge"
)

// An UnreadableError is an input explain cannot analyze: empty, not JSON,
// or without an entry it can read outside a valid empty snapshot
// document. A dump that cannot be read on is a *merge.InputError.
type UnreadableError struct {
	Path   string
	Reason string
}

func (e *UnreadableError) Error() string { return e.Path + ": " + e.Reason }

// Read merges the inputs as flightline merge does, but leniently (see
// merge.Options.Lenient): an entry that breaks the schema, or a part of a
// document that cannot be carried over, is a warning, and the analysis
// goes on with what can be read. It returns the analysis of the merged
// timeline with the inputs' snapshot, and the warnings, one line each.
func Read(inputs []merge.Input, opts Options, maxEntryBytes int) (*Analysis, []string, error) {
	res, _, warnings, err := ReadObserved(inputs, opts, maxEntryBytes, nil)
	return res, warnings, err
}

// An Observer sees the entries Read analyzes, for a caller that shows
// them beside the analysis.
type Observer interface {
	// Entry is called with each entry analyzed, in the merged order; raw
	// is valid until it returns.
	Entry(raw []byte, e *Entry, loc Location)
	// Reset is called when the merge starts over: forget the entries.
	Reset()
}

// ReadObserved is Read, showing obs (if not nil) each entry it analyzes;
// it also returns the merge's report, whose Doc holds the runners' states.
func ReadObserved(inputs []merge.Input, opts Options, maxEntryBytes int, obs Observer) (*Analysis, *merge.Report, []string, error) {
	var a *Analyzer
	var unread []string
	reset := func() error {
		a, unread = New(opts), nil
		if obs != nil {
			obs.Reset()
		}
		return nil
	}
	reset()
	var fast viewReader
	rep, err := merge.Merge(inputs, merge.Options{Pointers: true, Views: true, Lenient: true, MaxEntryBytes: maxEntryBytes}, reset,
		func(m *merge.Entry) error {
			loc := Location{Path: inputs[m.Input].Name, Line: m.Line, Pointer: m.Pointer}
			var e Entry
			ok := m.View != nil
			if ok {
				e, ok = fast.entry(m.View)
			}
			var err error
			if !ok {
				e, err = ParseEntry(m.Raw)
			}
			if err != nil {
				unread = append(unread, fmt.Sprintf("%s: the entry is left out: %v", loc, err))
				return nil
			}
			a.Add(&e, loc)
			if obs != nil {
				obs.Entry(m.Raw, &e, loc)
			}
			return nil
		})
	if err != nil {
		return nil, nil, nil, err
	}
	var warnings []string
	for _, in := range rep.Inputs {
		if err := readable(in); err != nil {
			return nil, nil, nil, err
		}
		warnings = append(warnings, in.Warnings...)
		for _, p := range in.Problems {
			warnings = append(warnings, p.Error())
		}
	}
	warnings = append(append(warnings, rep.Doc.Problems...), unread...)
	snap, bad := snapshot(&rep.Doc)
	warnings = append(warnings, bad...)
	res := a.Analyze(snap)
	res.Warnings = len(warnings)
	return res, rep, warnings, nil
}

// A viewReader reads an entry that follows the schema from the view the
// merge's validator made of it: the same as ParseEntry, several times as
// fast.
type viewReader struct {
	ids     map[string]string // node, runner and task ids and event names, each kept once
	details map[string]string
}

// entry reads the entry v describes; ok is false when explain cannot
// place it.
func (r *viewReader) entry(v *timeline.ClusterTimelineEntryView) (e Entry, ok bool) {
	at, ok := parseTime(v.At)
	rank, rankOK := int64Of(v.DeviceRank)
	world, worldOK := int64Of(v.WorldSize)
	if !ok || !rankOK || !worldOK {
		return e, false // read by the tolerant decoder, which says why
	}
	return Entry{At: at, AtText: string(v.At), NodeID: r.id(v.NodeID), RunnerID: r.id(v.RunnerID), Rank: rank, WorldSize: world,
		Phase: string(v.Phase), Event: r.id(v.Event), Detail: r.detail(v.Detail), TaskID: r.id(v.TaskID)}, true
}

// detail is an entry's detail, kept once while there are few of them: a
// runner repeats the same few.
func (r *viewReader) detail(b []byte) string {
	if s, ok := r.details[string(b)]; ok {
		return s
	}
	if r.details == nil {
		r.details = map[string]string{}
	}
	s := string(b)
	if len(r.details) < maxDetails {
		r.details[s] = s
	}
	return s
}

// maxDetails bounds the details a viewReader keeps.
const maxDetails = 4096

func (r *viewReader) id(b []byte) string {
	if s, ok := r.ids[string(b)]; ok {
		return s
	}
	if r.ids == nil {
		r.ids = map[string]string{}
	}
	s := string(b)
	r.ids[s] = s
	return s
}

// readable says why an input holds nothing to analyze, if it does not.
func readable(in merge.InputReport) error {
	switch {
	case in.Format == dump.Empty:
		return &UnreadableError{in.Name, "the input is empty (a request that failed?)"}
	case in.Entries > 0:
		return nil
	case in.Format != dump.Timeline && !in.Format.Recorders():
		return &UnreadableError{in.Name, "no entry can be read from it"}
	}
	want := "localNodeId"
	switch in.Format {
	case dump.Node:
		want = "runtime"
	case dump.Capture:
		want = "nodeDiagnostics"
	}
	if _, ok := parseTime(in.GeneratedAt); !ok || !slices.Contains(in.Members, want) {
		return &UnreadableError{in.Name, fmt.Sprintf("a %s without entries, and without the generatedAt timestamp and %s of a valid empty one", in.Format, want)}
	}
	return nil
}

// snapshot makes the Snapshot of what the merge gathered besides the
// entries; bad lists the states it cannot use.
func snapshot(d *merge.Document) (snap *Snapshot, bad []string) {
	snap = &Snapshot{}
	if t, ok := parseTime(d.LatestGeneratedAt); ok {
		snap.At, snap.AtText, snap.Input = t, d.LatestGeneratedAt, d.LatestInput
	}
	for _, s := range d.States {
		rank, rankOK := s.DeviceRank.Int64()
		world, worldOK := s.WorldSize.Int64()
		if !rankOK || !worldOK {
			bad = append(bad, fmt.Sprintf("%s: deviceRank %s or worldSize %s is beyond 64 bits; the runner's state is not used", Location{s.Input, s.Line, s.Pointer}, s.DeviceRank, s.WorldSize))
			continue
		}
		r := RunnerState{NodeID: s.NodeID, RunnerID: s.RunnerID, InstanceID: s.InstanceID, ModelID: s.ModelID,
			Rank: rank, WorldSize: world, Phase: string(s.Phase), SecondsInPhase: s.SecondsInPhase,
			ProcessAlive: s.ProcessAlive, StatusKind: s.StatusKind, Where: Location{s.Input, s.Line, s.Pointer}}
		if s.ActiveTaskID != nil {
			r.ActiveTaskID = *s.ActiveTaskID
		}
		if s.LastProgressAt != nil {
			t, ok := parseTime(string(*s.LastProgressAt))
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: lastProgressAt %q is not a timestamp; it is not used", r.Where, *s.LastProgressAt))
			}
			r.LastProgressAt = t
		}
		r.TakenAt, _ = parseTime(s.GeneratedAt)
		snap.Runners = append(snap.Runners, r)
	}
	for _, u := range d.Unreachable {
		n := Unreachable{NodeID: u.NodeID, Error: u.Error}
		if u.URL != nil {
			n.URL = *u.URL
		}
		snap.Unreachable = append(snap.Unreachable, n)
	}
	return snap, bad
}

// parseTime reads a timestamp as the schema's date-time; ok is false for
// text that is not one.
func parseTime[S ~string | ~[]byte](s S) (time.Time, bool) {
	t, err := jsonrt.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, false
	}
	return t.Time(), true
}

// int64Of reads an integer literal of at most 64 bits: the ranks explain
// reasons about. One beyond is not a rank it can place.
func int64Of(lit []byte) (int64, bool) {
	n, err := jsonrt.ParseInt(lit)
	if err != nil {
		return 0, false
	}
	return n.Int64()
}

// schemaPhases returns the phases the schema knows, in lifecycle order.
func schemaPhases() []string {
	var out []string
	for _, p := range timeline.Phases() {
		out = append(out, string(p))
	}
	return out
}
