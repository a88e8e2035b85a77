package report

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A Family groups the phases a report colours alike.
type Family uint8

// The families, in the order of the legend.
const (
	// Prefill is the work on a prompt up to its first token: from
	// task_submission to prefill_stream.
	Prefill Family = iota
	// Decode is token generation: decode_stream and parser.
	Decode
	// Barrier is a wait for the other ranks: prefill_barrier,
	// decode_barrier, decode_wait_first_token, and a phase a newer Skulk
	// names *_barrier.
	Barrier
	// Lifecycle is a runner's life around tasks: created, idle, the
	// startup (connect_group, load_model, warmup), cancellation,
	// completion and shutdown_cleanup.
	Lifecycle
	// Error is the phase error.
	Error
	// Other is a phase this flightline does not know and whose name says
	// nothing of its family.
	Other
)

// Families lists the families in legend order.
func Families() []Family { return []Family{Prefill, Decode, Barrier, Lifecycle, Error, Other} }

func (f Family) String() string {
	switch f {
	case Prefill:
		return "prefill"
	case Decode:
		return "decode"
	case Barrier:
		return "barrier"
	case Lifecycle:
		return "lifecycle"
	case Error:
		return "error"
	case Other:
		return "other"
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// MarshalJSON writes the family's name.
func (f Family) MarshalJSON() ([]byte, error) { return json.Marshal(f.String()) }

// FamilyOf returns the family of a phase. A phase the schema does not
// know goes by its name: *_barrier is a barrier, prefill_* prefill and
// decode_* decode, anything else Other.
func FamilyOf(phase string) Family {
	switch phase {
	case "task_submission", "task_agreement", "prompt_build", "vision_preprocess", "kv_cache_lookup",
		"prefill_pipeline", "prefill_stream":
		return Prefill
	case "prefill_barrier", "decode_barrier", "decode_wait_first_token":
		return Barrier
	case "decode_stream", "parser":
		return Decode
	case "created", "idle", "connect_group", "load_model", "warmup", "cancel_requested", "cancel_observed",
		"completion", "shutdown_cleanup":
		return Lifecycle
	case "error":
		return Error
	}
	switch {
	case strings.HasSuffix(phase, "_barrier"):
		return Barrier
	case strings.HasPrefix(phase, "prefill_"):
		return Prefill
	case strings.HasPrefix(phase, "decode_"):
		return Decode
	}
	return Other
}
