package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/generated/timeline"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// startCheckers starts the goroutines that check the batches sent on the
// channel it returns, until stop is closed: as many as there are cores,
// shared by the inputs.
func startCheckers(opts Options, stop <-chan struct{}) chan<- *batch {
	work := make(chan *batch, batchesAhead*runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		go func() {
			c := checker{intern: map[string]string{}}
			for {
				select {
				case b := <-work:
					c.checkBatch(b, opts)
					close(b.done)
				case <-stop:
					return
				}
			}
		}()
	}
	return work
}

// unplaced is the first key of an entry whose at is not a timestamp.
var unplaced = timeline.MakeSortKey("", "", timeline.Int{})

// A checker checks entries and makes their merge keys.
type checker struct {
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

// checkBatch checks the entries of b. An entry that breaks the schema
// gets its fault, and under Options.Lenient is kept when its merge key can
// be read.
func (c *checker) checkBatch(b *batch, opts Options) {
	for i := range b.entries {
		e := &b.entries[i]
		if e.problem != nil {
			continue
		}
		if e.fault = c.check(b, e, opts); e.fault != nil && opts.Lenient {
			e.kept = c.lenient(b, e)
		}
	}
}

// check checks an entry and fills in its key, its view (copying its texts
// into b; only at, unless Options.Views asks for it) and its text on one
// line.
func (c *checker) check(b *batch, e *entry, opts Options) *InputError {
	fail := func(id rule.ID, msg string) *InputError {
		return &InputError{b.src.name, e.line, id, msg}
	}
	var vs []timeline.Violation
	if e.runner {
		vs = c.v.RunnerFlightRecorderEntry(e.raw)
	} else {
		vs = c.v.ClusterTimelineEntry(e.raw, &c.view)
	}
	if e.runner && len(vs) == 0 {
		// The reader lifts every flight recorder entry that fits the
		// schema; one it could not lift has no view to read a key from.
		return fail(rule.Schema, "the flight recorder entry cannot be lifted onto its runner")
	}
	if len(vs) > 0 {
		v := vs[0]
		msg := v.Message
		if v.Pointer != "" {
			msg = v.Pointer + ": " + msg
		}
		if n := len(vs) - 1 + c.v.Omitted(); n > 0 {
			msg += fmt.Sprintf(" (and %d more; flightline validate lists them)", n)
		}
		return fail(dump.KeywordRule(v.Keyword), msg)
	}
	rank, rankErr := timeline.ParseInt(c.view.DeviceRank)
	e.nodeID, e.rank = c.str(c.view.NodeID), rank
	e.key = timeline.MakeSortKey(c.view.At, e.nodeID, rank)
	// The key has read at: one that is not a timestamp sorts after every
	// one that is, and among them by its text, so after unplaced only when
	// it is not empty.
	if len(c.view.At) == 0 || timeline.CompareSortKeys(&e.key, &unplaced) >= 0 {
		_, err := jsonrt.ParseTimestamp(c.view.At)
		return fail(rule.Timestamp, fmt.Sprintf("/at: %q: %v; the entry cannot be placed in time", c.view.At, err))
	}
	if rankErr != nil {
		return fail(rule.Schema, fmt.Sprintf("/deviceRank: %s is %v", c.view.DeviceRank, rankErr)) // validated: cannot happen
	}
	if opts.Views {
		e.view.keep(&b.text, &c.view)
	} else {
		e.view.keepAt(&b.text, c.view.At)
	}
	e.valid = true
	if bytes.IndexByte(e.raw, '\n') >= 0 || bytes.IndexByte(e.raw, '\r') >= 0 {
		// A pretty entry goes out on one line, its strings as written.
		var out bytes.Buffer
		if err := json.Compact(&out, e.raw); err != nil {
			return fail(rule.JSONSyntax, err.Error()) // checked above; cannot happen
		}
		e.raw = out.Bytes()
	}
	return nil
}

// lenient makes an entry of one that breaks the schema, when its merge key
// can still be read: at as a timestamp, nodeId and runnerId as strings,
// deviceRank as an integer, from the entry or, for a flight-recorder
// entry that could not be lifted, from its context. The entry passes as
// written, on one line.
func (c *checker) lenient(b *batch, e *entry) bool {
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
	if err := json.Unmarshal(e.raw, &v); err != nil && !errors.As(err, &typeErr) {
		return false
	}
	if v.Context != nil && v.NodeID == nil && v.RunnerID == nil && v.Rank == "" {
		v.NodeID, v.RunnerID, v.Rank = v.Context.NodeID, v.Context.RunnerID, v.Context.Rank
	}
	if v.At == nil || v.NodeID == nil || v.RunnerID == nil {
		return false
	}
	rank, err := timeline.ParseInt(v.Rank)
	if _, terr := jsonrt.ParseTimestamp(*v.At); terr != nil || err != nil {
		return false
	}
	e.nodeID = c.str([]byte(*v.NodeID))
	e.rank = rank
	e.view.keepAt(&b.text, []byte(*v.At))
	e.key = timeline.MakeSortKey(*v.At, e.nodeID, rank)
	if bytes.ContainsAny(e.raw, "\n\r") {
		var b bytes.Buffer
		if json.Compact(&b, e.raw) == nil {
			e.raw = b.Bytes()
		}
	}
	return true
}
