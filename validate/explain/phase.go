package explain

import (
	"strings"
	"time"
)

// Phases are compared by name, as text: an entry a newer Skulk wrote may
// have a phase this flightline does not know.
const (
	phaseCreated         = "created"
	phaseIdle            = "idle"
	phaseConnectGroup    = "connect_group"
	phaseLoadModel       = "load_model"
	phaseWarmup          = "warmup"
	phasePrefillBarrier  = "prefill_barrier"
	phaseDecodeBarrier   = "decode_barrier"
	phaseFirstToken      = "decode_wait_first_token"
	phaseCancelObserved  = "cancel_observed"
	phaseCompletion      = "completion"
	phaseError           = "error"
	phaseShutdownCleanup = "shutdown_cleanup"
)

// Events explain looks for.
const (
	eventRunnerCrashed = "runner_crashed"
	eventEvalTimeout   = "pipeline_eval_timeout"
)

// phaseOrder is the position of each phase the schema knows in a runner's
// lifecycle: the order of the schema's enum.
var phaseOrder = func() map[string]int {
	m := map[string]int{}
	for i, p := range schemaPhases() {
		m[p] = i
	}
	return m
}()

// resting reports a phase in which a rank is not working on a task.
func resting(p string) bool {
	switch p {
	case phaseIdle, phaseCreated, phaseCompletion, phaseCancelObserved, phaseShutdownCleanup:
		return true
	}
	return false
}

// barrier reports a phase in which a rank waits for the others: the
// schema's barriers, and a phase it does not know whose name says so.
func barrier(p string) bool {
	switch p {
	case phasePrefillBarrier, phaseDecodeBarrier, phaseFirstToken:
		return true
	}
	_, known := phaseOrder[p]
	return !known && strings.HasSuffix(p, "_barrier")
}

// lifecycle reports a phase of a runner's startup, which may rightly take
// minutes.
func lifecycle(p string) bool {
	return p == phaseConnectGroup || p == phaseLoadModel || p == phaseWarmup
}

// before reports whether phase a comes before b in the lifecycle; false
// when either is unknown.
func before(a, b string) bool {
	i, ok := phaseOrder[a]
	j, ok2 := phaseOrder[b]
	return ok && ok2 && i < j
}

// seconds returns a duration in seconds, rounded to the microsecond, the
// resolution of Skulk's timestamps, for JSON.
func seconds(d time.Duration) float64 {
	return max(d, 0).Round(time.Microsecond).Seconds()
}
