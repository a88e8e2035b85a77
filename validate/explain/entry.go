package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flightline-dev/flightline/generated/jsonrt"
)

// An Entry is what explain reads of one timeline entry.
type Entry struct {
	At        time.Time
	AtText    string
	NodeID    string
	RunnerID  string
	Rank      int64
	WorldSize int64
	Phase     string
	Event     string
	Detail    string
	TaskID    string
}

// entryView is an entry as ParseEntry reads it: the fields explain needs,
// of any type, from a ClusterTimelineEntry or, for a flight-recorder entry
// that could not be lifted, from its context.
type entryView struct {
	At         *string         `json:"at"`
	NodeID     *string         `json:"nodeId"`
	RunnerID   *string         `json:"runnerId"`
	DeviceRank json.RawMessage `json:"deviceRank"`
	WorldSize  json.RawMessage `json:"worldSize"`
	Phase      *string         `json:"phase"`
	Event      json.RawMessage `json:"event"`
	Detail     json.RawMessage `json:"detail"`
	TaskID     json.RawMessage `json:"taskId"`
	Context    *struct {
		NodeID    *string         `json:"nodeId"`
		RunnerID  *string         `json:"runnerId"`
		Rank      json.RawMessage `json:"rank"`
		WorldSize json.RawMessage `json:"worldSize"`
	} `json:"context"`
}

// ParseEntry reads an entry without the schema's strict decoder: unknown
// fields are ignored, a phase is any string, and a value of the wrong type
// where explain can do without it (event, detail, taskId, worldSize) is
// left out. It fails only when the entry is not a JSON object or lacks a
// timestamp at, a runnerId, an integer deviceRank or a phase.
func ParseEntry(raw []byte) (Entry, error) {
	var v entryView
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(raw, &v); err != nil && !errors.As(err, &typeErr) {
		return Entry{}, err
	}
	if c := v.Context; c != nil {
		if v.NodeID == nil {
			v.NodeID = c.NodeID
		}
		if v.RunnerID == nil {
			v.RunnerID = c.RunnerID
		}
		if v.DeviceRank == nil {
			v.DeviceRank = c.Rank
		}
		if v.WorldSize == nil {
			v.WorldSize = c.WorldSize
		}
	}
	var e Entry
	switch {
	case v.At == nil:
		return e, errors.New("no at")
	case v.RunnerID == nil:
		return e, errors.New("no runnerId")
	case v.Phase == nil:
		return e, errors.New("no phase")
	}
	at, ok := parseTime(*v.At)
	if !ok {
		return e, fmt.Errorf("at %q is not a timestamp", *v.At)
	}
	rank, err := integer(v.DeviceRank)
	if err != nil {
		return e, fmt.Errorf("deviceRank %s %v", orNothing(v.DeviceRank), err)
	}
	e = Entry{At: at, AtText: *v.At, RunnerID: *v.RunnerID, Rank: rank, Phase: *v.Phase}
	if v.NodeID != nil {
		e.NodeID = *v.NodeID
	}
	e.WorldSize, _ = integer(v.WorldSize)
	e.Event = text(v.Event)
	e.Detail = text(v.Detail)
	e.TaskID = text(v.TaskID)
	return e, nil
}

// integer reads an integer of at most 64 bits, in any form JSON writes
// one; the error says what it is instead.
func integer(raw json.RawMessage) (int64, error) {
	n, err := jsonrt.ParseInt(raw)
	if err != nil {
		return 0, errNotInteger
	}
	i, ok := n.Int64()
	if !ok {
		return 0, errBeyond64Bits
	}
	return i, nil
}

var (
	errNotInteger   = errors.New("is not an integer")
	errBeyond64Bits = errors.New("is beyond 64 bits, which no rank is")
)

// text reads a JSON string; anything else is "".
func text(raw json.RawMessage) string {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : n-1]) // no escapes: the text as it is
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func orNothing(raw json.RawMessage) string {
	if raw == nil {
		return "(absent)"
	}
	return string(raw)
}
