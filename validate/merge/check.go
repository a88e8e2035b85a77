package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// A checker checks one input's entries and makes their merge keys.
type checker struct {
	name   string
	v      timeline.Validator
	view   timeline.ClusterTimelineEntryView
	intern map[string]string
}

func (c *checker) str(b []byte) string {
	if s, ok := c.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	c.intern[s] = s
	return s
}

// check checks an entry and returns it with its key and its text on one
// line. The texts may alias the entry and the checker's memory: they are
// valid until the next call.
func (c *checker) check(it *dump.Entry) (entry, *InputError) {
	fail := func(id rule.ID, msg string) (entry, *InputError) {
		return entry{}, &InputError{c.name, it.Line, id, msg}
	}
	var vs []timeline.Violation
	if it.Runner {
		vs = c.v.RunnerFlightRecorderEntry(it.Raw)
	} else {
		vs = c.v.ClusterTimelineEntry(it.Raw, &c.view)
	}
	if len(vs) > 0 {
		v := vs[0]
		msg := v.Message
		if v.Pointer != "" {
			msg = v.Pointer + ": " + msg
		}
		if len(vs) > 1 {
			msg += fmt.Sprintf(" (and %d more; flightline validate lists them)", len(vs)-1)
		}
		id := rule.Schema
		if v.Keyword == timeline.KeywordSyntax {
			id = rule.JSONSyntax
		}
		return fail(id, msg)
	}
	if _, err := jsonrt.ParseTimestamp(c.view.At); err != nil {
		return fail(rule.Timestamp, fmt.Sprintf("/at: %q: %v; the entry cannot be placed in time", c.view.At, err))
	}
	rank, err := timeline.ParseInt(c.view.DeviceRank)
	if err != nil {
		return fail(rule.Schema, fmt.Sprintf("/deviceRank: %s is %v", c.view.DeviceRank, err)) // validated: cannot happen
	}
	node := c.str(c.view.NodeID)
	e := entry{
		key:    timeline.MakeSortKey(c.view.At, node, rank),
		nodeID: node,
		rank:   rank,
		atText: c.view.At,
		line:   it.Line,
		raw:    it.Raw,
	}
	if bytes.IndexByte(it.Raw, '\n') >= 0 || bytes.IndexByte(it.Raw, '\r') >= 0 {
		// A pretty entry goes out on one line, its strings as written.
		var b bytes.Buffer
		if err := json.Compact(&b, it.Raw); err != nil {
			return fail(rule.JSONSyntax, err.Error()) // checked above; cannot happen
		}
		e.raw = b.Bytes()
	}
	return e, nil
}

// lenient makes an entry of one that breaks the schema, when its merge key
// can still be read: at as a timestamp, nodeId and runnerId as strings,
// deviceRank as an integer, from the entry or, for a flight-recorder
// entry that could not be lifted, from its context. The entry passes as
// written, on one line.
func (c *checker) lenient(it *dump.Entry) (entry, bool) {
	type identity struct {
		At       *string     `json:"at"`
		NodeID   *string     `json:"nodeId"`
		RunnerID *string     `json:"runnerId"`
		Rank     json.Number `json:"deviceRank"`
	}
	var v struct {
		identity
		Context *struct {
			NodeID   *string     `json:"nodeId"`
			RunnerID *string     `json:"runnerId"`
			Rank     json.Number `json:"rank"`
		} `json:"context"`
	}
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(it.Raw, &v); err != nil && !errors.As(err, &typeErr) {
		return entry{}, false
	}
	if v.Context != nil && v.NodeID == nil && v.RunnerID == nil && v.Rank == "" {
		v.NodeID, v.RunnerID, v.Rank = v.Context.NodeID, v.Context.RunnerID, v.Context.Rank
	}
	if v.At == nil || v.NodeID == nil || v.RunnerID == nil {
		return entry{}, false
	}
	rank, err := timeline.ParseInt(v.Rank)
	if _, terr := jsonrt.ParseTimestamp(*v.At); terr != nil || err != nil {
		return entry{}, false
	}
	node := c.str([]byte(*v.NodeID))
	e := entry{
		key:    timeline.MakeSortKey(*v.At, node, rank),
		nodeID: node,
		rank:   rank,
		atText: []byte(*v.At),
		line:   it.Line,
		raw:    it.Raw,
	}
	if bytes.ContainsAny(it.Raw, "\n\r") {
		var b bytes.Buffer
		if json.Compact(&b, it.Raw) == nil {
			e.raw = b.Bytes()
		}
	}
	return e, true
}
