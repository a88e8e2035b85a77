package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// An outcome is how a task ends.
type outcome int

const (
	completed     outcome = iota // parser, completion, idle
	cancelled                    // cancel_requested, cancel_observed, idle during decode
	failedPrefill                // error, idle during prefill
	failedDecode                 // error, idle during decode
)

// A taskShape is everything about a task that decides how many entries it
// makes, drawn before any entry is, so that a task can be cut down to fit
// the entries left (see shrinkTo) before it is built.
type taskShape struct {
	vision  bool  // goes through vision_preprocess
	prefill []int // prefill_stream progress entries of each rank, at least 1
	decode  []int // decode_stream progress entries of each rank, at least 1
	outcome outcome
	at      int  // where a cancelled or failed task stops: after this many progress entries
	skip    int  // a rank that records nothing for this task (missing-rank), or -1
	timeout int  // a rank whose pipeline eval times out and recovers in decode (recovered-hang), or -1
	newer   bool // every rank records the phase a newer Skulk added (newer-phase)

	promptTokens int
	cachedTokens int
	genTokens    int
	maxTokens    int
	images       int
	stream       bool
}

// maxRankEntries bounds the entries one rank records for a task or its
// startup.
const maxRankEntries = 50

// drawShape draws the next task of in. failures is the fraction of tasks
// that do not complete: three fifths of them are cancelled, the rest fail.
func drawShape(in *instance, failures float64) *taskShape {
	rng := in.rng
	ws := in.worldSize
	m := in.model
	sh := &taskShape{skip: -1, timeout: -1}
	sh.promptTokens = int(logUniform(rng, 24, 12_000))
	if rng.IntN(3) == 0 {
		sh.cachedTokens = rng.IntN(sh.promptTokens)
	}
	sh.genTokens = int(logUniform(rng, 12, 1_500))
	sh.maxTokens = 1024
	for sh.maxTokens < sh.genTokens {
		sh.maxTokens *= 2
	}
	sh.stream = rng.IntN(4) != 0
	if m.vision && rng.IntN(5) == 0 {
		sh.vision = true
		sh.images = 1 + rng.IntN(3)
	}
	prefillSeconds := float64(sh.promptTokens-sh.cachedTokens) / m.prefill
	decodeSeconds := float64(sh.genTokens) / m.decode
	p := 2 + rng.IntN(3) + int(min(prefillSeconds/4, 2))
	d := 3 + rng.IntN(5) + int(min(decodeSeconds/5, 12))
	sh.prefill = make([]int, ws)
	sh.decode = make([]int, ws)
	for r := range ws {
		sh.prefill[r] = p
		sh.decode[r] = d
		if rng.IntN(5) == 0 { // ranks do not always report the same number of steps
			sh.decode[r] += rng.IntN(3) - 1
		}
	}
	switch u := rng.Float64(); {
	case u < failures*0.6:
		sh.outcome = cancelled
		sh.at = 1 + rng.IntN(slices.Min(sh.decode))
	case u < failures*0.8:
		sh.outcome = failedPrefill
		sh.at = 1 + rng.IntN(p)
	case u < failures:
		sh.outcome = failedDecode
		sh.at = 1 + rng.IntN(slices.Min(sh.decode))
	}
	return sh
}

// rankSize returns the number of entries rank r records for the task; the
// builder (see builder.task) must agree.
func (sh *taskShape) rankSize(r int) int {
	if r == sh.skip {
		return 0
	}
	n := 9 // submission, agreement ×2, prompt ×2, kv lookup, prefill barrier ×2, pipeline
	if sh.vision {
		n += 2
	}
	if sh.newer {
		n++ // the newer phase, after the pipeline
	}
	if r == sh.timeout {
		n++ // pipeline_eval_timeout
	}
	switch sh.outcome {
	case completed: // decode barrier ×2, first token ×2, decode enter, parser ×2, completion, idle
		return n + sh.prefill[r] + 9 + sh.decode[r]
	case cancelled: // decode barrier ×2, first token ×2, decode enter, cancel ×2, idle
		return n + sh.prefill[r] + 8 + sh.at
	case failedPrefill: // error, idle
		return n + sh.at + 2
	default: // decode barrier ×2, first token ×2, decode enter, error, idle
		return n + sh.prefill[r] + 7 + sh.at
	}
}

// size returns the number of entries the task makes.
func (sh *taskShape) size() int {
	n := 0
	for r := range sh.prefill {
		n += sh.rankSize(r)
	}
	return n
}

// stalledSize returns the entries of a task of this shape that stalls
// the stuck-barrier way (see scenario.stopsAt), with p prefill progress
// entries on each rank but the stuck one: each rank records up to its
// prefill, the stuck one its first prefill progress, the others their
// prefill and the decode barrier's wait.
func (sh *taskShape) stalledSize(stuck, p int) int {
	n := 0
	for r := range sh.prefill {
		n += 10 // up to the pipeline, then one more
		if sh.vision {
			n += 2
		}
		if r != stuck {
			n += p
		}
	}
	return n
}

// fillTo makes a stalling task (see stalledSize) use exactly limit
// entries, spreading the prefill progress over the ranks but the stuck
// one; limit must be at least stalledSize(stuck, 1).
func fillTo(sh *taskShape, stuck, limit int) {
	others := len(sh.prefill) - 1
	extra := limit - sh.stalledSize(stuck, 1)
	for r := range sh.prefill {
		if r == stuck {
			continue
		}
		share := extra / others
		if extra%others > 0 {
			share++
		}
		share = min(share, extra)
		sh.prefill[r] = 1 + share
		extra -= share
		others--
	}
}

// minSize returns the fewest entries a task of this shape can be cut to.
func (sh *taskShape) minSize() int {
	ranks := len(sh.prefill)
	if sh.skip >= 0 {
		ranks--
	}
	return 20 * ranks
}

// shrinkTo cuts the task down to at most limit entries, and to exactly
// limit when it can, by making it complete and dropping progress entries
// and then the vision step. limit must be at least minSize.
func (sh *taskShape) shrinkTo(limit int) {
	sh.outcome = completed
	for sh.size() > limit {
		if r := sh.mostSteps(sh.decode); r >= 0 {
			sh.decode[r]--
		} else if r := sh.mostSteps(sh.prefill); r >= 0 {
			sh.prefill[r]--
		} else if sh.vision {
			sh.vision = false
		} else {
			return
		}
	}
}

// mostSteps returns the rank with the most steps above 1, or -1.
func (sh *taskShape) mostSteps(steps []int) int {
	best := -1
	for r, n := range steps {
		if r != sh.skip && n > 1 && (best < 0 || n > steps[best]) {
			best = r
		}
	}
	return best
}

// logUniform returns a number between lo and hi whose logarithm is uniform:
// small values are as likely as large ones in relative terms.
func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo * math.Pow(hi/lo, rng.Float64())
}

// between returns a uniform int64 in [lo, hi].
func between(rng *rand.Rand, lo, hi int64) int64 {
	return lo + rng.Int64N(hi-lo+1)
}
