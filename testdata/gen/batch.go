package main

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// An entry is one timeline entry with what the generator needs to merge
// it: its instant as a number and its runner.
type entry struct {
	t int64 // at, in microseconds since the epoch
	r *runner
	e timeline.ClusterTimelineEntry
	// span marks an entry of the phase a newer Skulk added (newer-phase):
	// it is written with that phase and a spanId (see newerJSON).
	span string
}

// compareEntries orders entries as timeline.Compare does: by the instant
// of at, then nodeId, deviceRank and runnerId.
func compareEntries(a, b *entry) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	if c := strings.Compare(a.r.node.id, b.r.node.id); c != 0 {
		return c
	}
	if c := cmp.Compare(a.r.rank, b.r.rank); c != 0 {
		return c
	}
	return strings.Compare(a.r.id, b.r.id)
}

type attrs = map[string]timeline.AttrsValue

func ival(v int) timeline.AttrsValue  { return i64(int64(v)) }
func i64(v int64) timeline.AttrsValue { return timeline.IntegerAttrsValue(timeline.IntOf(v)) }

// fval rounds v to 2 decimals; the encoder writes it as Python's repr
// does, always with a fraction (12.0, not 12).
func fval(v float64) timeline.AttrsValue {
	return timeline.NumberAttrsValue(round(v, 2))
}

func sval(v string) timeline.AttrsValue   { return timeline.StringAttrsValue(v) }
func bval(v bool) timeline.AttrsValue     { return timeline.BooleanAttrsValue(v) }
func lval(v []string) timeline.AttrsValue { return timeline.ArrayAttrsValue(v) }

// A builder writes one batch: the entries all ranks of an instance record
// for its startup, for one task, or while idle. Each rank has its own
// clock; sync brings them together as a barrier does.
type builder struct {
	g      *generator
	in     *instance
	rng    *rand.Rand
	clock  []int64 // when each rank records its next entry
	last   []int64 // when each rank recorded its last entry
	out    []entry
	taskID *string // the task and command of the entries, nil outside tasks
	cmdID  *string
	start  int64 // when the batch starts
}

// newBuilder returns a builder for a batch of in starting at start; it
// reuses in's merged batch, whose entries have all been written out.
func (g *generator) newBuilder(in *instance, start int64) *builder {
	b := &builder{
		g:     g,
		in:    in,
		rng:   in.rng,
		clock: make([]int64, in.worldSize),
		last:  make([]int64, in.worldSize),
		out:   in.batch[:0],
		start: start,
	}
	for r := range b.clock {
		b.clock[r] = start
		b.last[r] = start - 1
	}
	return b
}

// finish returns the batch in merge order.
func (b *builder) finish() []entry {
	slices.SortFunc(b.out, func(x, y entry) int { return compareEntries(&x, &y) })
	return b.out
}

// sortedAttrs are the attributes a, by name, as they have always been
// written.
func sortedAttrs(a attrs) timeline.Members[timeline.AttrsValue] {
	if a == nil {
		return nil
	}
	m := timeline.Members[timeline.AttrsValue]{}
	for _, k := range slices.Sorted(maps.Keys(a)) {
		m = append(m, timeline.Member[timeline.AttrsValue]{Key: k, Value: a[k]})
	}
	return m
}

// emit records an entry of rank r at its clock, which moves on by a
// microsecond or so if needed to keep the rank's entries strictly in order.
func (b *builder) emit(r int, phase timeline.Phase, event string, detail *string, a attrs, withMemory bool) {
	t := b.clock[r]
	if t <= b.last[r] {
		t = b.last[r] + 1 + b.rng.Int64N(40)
		b.clock[r] = t
	}
	b.last[r] = t
	rn := b.in.runners[r]
	x := entry{t: t, r: rn, e: timeline.ClusterTimelineEntry{
		At:         timeline.DateTime(b.g.stamp(b.in, t)),
		NodeID:     rn.node.id,
		RunnerID:   rn.id,
		DeviceRank: timeline.IntOf(int64(r)),
		WorldSize:  timeline.IntOf(int64(b.in.worldSize)),
		Phase:      phase,
		Event:      event,
		Detail:     detail,
		Attrs:      sortedAttrs(a),
		TaskID:     b.taskID,
		CommandID:  b.cmdID,
	}}
	if withMemory {
		x.e.MlxMemory = b.memory(rn, t)
	}
	b.out = append(b.out, x)
}

// step moves rank r's clock on by a uniform time in [lo, hi].
func (b *builder) step(r int, lo, hi int64) {
	b.clock[r] += between(b.rng, lo, hi)
}

// sync is a barrier: every rank's clock moves to the latest one plus a
// latency in [lo, hi], and each rank sees the release a little apart.
func (b *builder) sync(lo, hi int64) {
	release := slices.Max(b.clock) + between(b.rng, lo, hi)
	for r := range b.clock {
		b.clock[r] = release + b.rng.Int64N(1500)
	}
}

// maybe returns d most of the time and nil (a null detail) otherwise.
func (b *builder) maybe(d *string) *string {
	if b.rng.IntN(5) == 0 {
		return nil
	}
	return d
}

// idleAttrs returns the attributes of an idle entry: absent, empty or the
// rank.
func (b *builder) idleAttrs(r int) attrs {
	switch b.rng.IntN(5) {
	case 0, 1:
		return nil
	case 2:
		return attrs{}
	}
	return attrs{"rank": ival(r)}
}

// memory returns a plausible MLX memory snapshot of rn taken just before t:
// active is its share of the weights and of the KV cache, peak a little
// above; the wired limit is unknown (null) a third of the time.
func (b *builder) memory(rn *runner, t int64) *timeline.MlxMemorySnapshot {
	in := b.in
	ws := int64(in.worldSize)
	kvPerToken := int64(in.model.layers) * 8192
	active := in.model.weights/ws + int64(in.kvTokens)*kvPerToken/ws + b.rng.Int64N(64<<20)
	snap := &timeline.MlxMemorySnapshot{
		GeneratedAt: timeline.DateTime(b.g.stamp(in, t-between(b.rng, 30, 900))),
		Active:      &timeline.Memory{InBytes: timeline.IntOf(active)},
		Cache:       &timeline.Memory{InBytes: timeline.IntOf(between(b.rng, 128<<20, 6<<30))},
		Peak:        &timeline.Memory{InBytes: timeline.IntOf(active + b.rng.Int64N(3<<30))},
		Source:      "mlx.core",
	}
	if b.rng.IntN(3) != 0 {
		snap.WiredLimit = &timeline.Memory{InBytes: timeline.IntOf(rn.node.mac.ram / 4 * 3)}
	}
	return snap
}

// startup records every rank's way from process start to idle: created,
// connect_group, load_model, warmup, idle.
func (b *builder) startup() {
	in, rng, ws, m := b.in, b.rng, b.in.worldSize, b.in.model
	hosts := make([]string, ws)
	for r, rn := range in.runners {
		hosts[r] = rn.node.id
	}
	backend := []string{"ring", "jaccl"}[rng.IntN(2)]
	for r := 1; r < ws; r++ {
		b.clock[r] += 1 + rng.Int64N(40*millisecond)
	}
	for r, rn := range in.runners {
		b.emit(r, timeline.PhaseCreated, "enter", detailSpawned, attrs{
			"pid":        ival(int(rn.pid)),
			"rank":       ival(r),
			"world_size": ival(ws),
			"model_id":   sval(m.id),
		}, false)
		b.step(r, 80*millisecond, 600*millisecond)
		a := attrs{"rank": ival(r), "world_size": ival(ws)}
		if ws > 1 {
			a["backend"] = sval(backend)
			a["hosts"] = lval(hosts)
		}
		b.emit(r, timeline.PhaseConnectGroup, "enter", nil, a, false)
	}
	start := slices.Min(b.clock)
	detail := detailSingleRank
	if ws > 1 {
		b.sync(30*millisecond, 900*millisecond)
		detail = detailGroupReady
	} else {
		b.step(0, 200, 5*millisecond)
	}
	for r := range ws {
		b.emit(r, timeline.PhaseConnectGroup, "exit", detail, attrs{
			"connect_ms": fval(float64(b.clock[r]-start) / 1000),
		}, false)
	}
	shard := m.weights / int64(ws)
	for r, rn := range in.runners {
		b.step(r, 200, 3*millisecond)
		b.emit(r, timeline.PhaseLoadModel, "enter", detailLoading, attrs{
			"start_layer":  ival(rn.startLayer),
			"end_layer":    ival(rn.endLayer),
			"n_layers":     ival(m.layers),
			"quantization": sval("4bit"),
		}, false)
		loadStart := b.clock[r]
		duration := int64(float64(shard) / logUniform(rng, 2.5e9, 6e9) * float64(second))
		layers := rn.endLayer - rn.startLayer
		k := 1 + rng.IntN(3)
		for i := 1; i <= k; i++ {
			b.clock[r] = loadStart + duration*int64(i)/int64(k+1)
			b.emit(r, timeline.PhaseLoadModel, "progress", b.maybe(detailLoading), attrs{
				"loaded_layers": ival(layers * i / (k + 1)),
				"shard_layers":  ival(layers),
				"bytes_loaded":  i64(shard * int64(i) / int64(k+1)),
			}, false)
		}
		b.clock[r] = loadStart + duration
		b.emit(r, timeline.PhaseLoadModel, "exit", detailLoaded, attrs{
			"seconds":       fval(float64(duration) / float64(second)),
			"weights_bytes": i64(shard),
		}, true)
	}
	if ws > 1 {
		b.sync(5*millisecond, 200*millisecond)
	}
	tokens := []int{16, 32, 64}[rng.IntN(3)]
	warmup := between(rng, 400*millisecond, 3*second)
	for r := range ws {
		b.emit(r, timeline.PhaseWarmup, "enter", detailWarmup, attrs{"warmup_tokens": ival(tokens)}, false)
		b.clock[r] += warmup + rng.Int64N(warmup/10)
	}
	if ws > 1 {
		b.sync(millisecond, 20*millisecond)
	}
	for r := range ws {
		b.emit(r, timeline.PhaseWarmup, "exit", nil, attrs{
			"seconds":   fval(float64(warmup) / float64(second)),
			"succeeded": bval(true),
		}, true)
		b.step(r, 100, 2*millisecond)
		b.emit(r, timeline.PhaseIdle, "enter", detailReady, b.idleAttrs(r), false)
	}
}

// task records every rank's way through one task of shape sh, which must
// be as many entries as sh.size says (skipped ranks are dropped later).
func (b *builder) task(sh *taskShape) {
	in, rng, ws, m := b.in, b.rng, b.in.worldSize, b.in.model
	task := *b.taskID

	// Ranks hear of the task a few ms to a few hundred ms apart.
	for r := 1; r < ws; r++ {
		b.clock[r] += int64(logUniform(rng, 2*float64(millisecond), 250*float64(millisecond)))
	}
	seed := rng.Int64N(1 << 31)
	if rng.IntN(6) == 0 {
		seed = 1<<53 + 1 + rng.Int64N(1<<62) // beyond what a float64 holds exactly
	}
	kind := []string{"ChatCompletion", "ChatCompletion", "ChatCompletion", "Completion"}[rng.IntN(4)]
	accepted := ptr("accepted " + task)
	for r := range ws {
		b.emit(r, timeline.PhaseTaskSubmission, "enter", b.maybe(accepted), attrs{
			"rank":         ival(r),
			"command_kind": sval(kind),
			"stream":       bval(sh.stream),
			"request_seed": i64(seed),
		}, false)
		b.step(r, 200, 3*millisecond)
		b.emit(r, timeline.PhaseTaskAgreement, "enter", nil, attrs{"rank": ival(r), "world_size": ival(ws)}, false)
	}
	waits := slices.Clone(b.clock)
	if ws > 1 {
		b.sync(300, 4*millisecond)
	} else {
		b.step(0, 50, 300)
	}
	agreed := make([]string, ws)
	for r := range agreed {
		agreed[r] = strconv.Itoa(r)
	}
	for r := range ws {
		b.emit(r, timeline.PhaseTaskAgreement, "exit", detailAgreed, attrs{
			"agreed_ranks": lval(agreed),
			"wait_ms":      fval(float64(b.clock[r]-waits[r]) / 1000),
		}, false)
	}

	template := []string{"chatml", "llama3", "gemma", "deepseek"}[in.index%4]
	messages := 1 + rng.IntN(12)
	build := 2*millisecond + int64(sh.promptTokens)*4
	built := ptr("built " + itoa(sh.promptTokens) + "-token prompt")
	if rng.IntN(100) == 0 {
		built = ptr(promptPreview(rng, 2000+rng.IntN(6000)))
	}
	for r := range ws {
		b.step(r, 100, millisecond)
		b.emit(r, timeline.PhasePromptBuild, "enter", b.maybe(detailBuildPrompt), attrs{
			"messages":      ival(messages),
			"chat_template": sval(template),
		}, false)
		b.clock[r] += build + rng.Int64N(build/5)
		b.emit(r, timeline.PhasePromptBuild, "exit", built, attrs{
			"prompt_tokens": ival(sh.promptTokens),
			"has_images":    bval(sh.vision),
			"truncated":     bval(false),
		}, false)
	}
	if sh.vision {
		pixels := sh.images * []int{896 * 896, 1024 * 768, 1920 * 1080}[rng.IntN(3)]
		for r := range ws {
			b.emit(r, timeline.PhaseVisionPreprocess, "enter", detailImages, attrs{"images": ival(sh.images)}, false)
			d := between(rng, 80*millisecond, 900*millisecond)
			b.clock[r] += d
			b.emit(r, timeline.PhaseVisionPreprocess, "exit", nil, attrs{
				"pixels":  ival(pixels),
				"seconds": fval(float64(d) / float64(second)),
			}, false)
		}
	}
	hit := sh.cachedTokens > 0
	for r := range ws {
		b.step(r, 300, 4*millisecond)
		a := attrs{"cached_tokens": ival(sh.cachedTokens), "prefix_hit": bval(hit)}
		if rng.IntN(10) == 0 {
			a = attrs{}
		}
		var detail *string
		if hit {
			detail = ptr("prefix cache hit: " + itoa(sh.cachedTokens) + " tokens")
		}
		b.emit(r, timeline.PhaseKvCacheLookup, "exit", detail, a, false)
	}

	b.barrier(timeline.PhasePrefillBarrier, ws)
	stage := between(rng, 3*millisecond, 40*millisecond)
	chunk := []int{512, 2048}[rng.IntN(2)]
	in.kvTokens = sh.cachedTokens
	for r, rn := range in.runners {
		b.clock[r] += int64(r) * stage
		b.emit(r, timeline.PhasePrefillPipeline, "enter", detailPipeline, attrs{
			"start_layer": ival(rn.startLayer),
			"end_layer":   ival(rn.endLayer),
			"n_layers":    ival(m.layers),
			"chunk_size":  ival(chunk),
		}, true)
		if sh.newer {
			b.step(r, 100, 2*millisecond)
			b.emit(r, placeholderPhase, "enter", detailSchedule, attrs{"chunks": ival(1 + sh.promptTokens/chunk)}, false)
			x := &b.out[len(b.out)-1]
			x.span = rn.id + "-" + strconv.FormatInt(x.t, 36)
		}
	}
	prefill := max(20*millisecond, int64(float64(sh.promptTokens-sh.cachedTokens)/m.prefill*float64(second)))
	rate := float64(sh.promptTokens-sh.cachedTokens) / (float64(prefill) / float64(second))
	for r := range ws {
		n := sh.prefill[r]
		if sh.outcome == failedPrefill {
			n = sh.at
		}
		base := b.clock[r]
		for i := 1; i <= n; i++ {
			b.clock[r] = base + prefill*int64(i)/int64(sh.prefill[r]) + rng.Int64N(2*millisecond)
			done := sh.promptTokens * i / sh.prefill[r]
			in.kvTokens = done
			b.emit(r, timeline.PhasePrefillStream, "progress",
				b.maybe(ptr("prefill "+itoa(done)+"/"+itoa(sh.promptTokens))), attrs{
					"processed_tokens":  ival(done),
					"total_tokens":      ival(sh.promptTokens),
					"tokens_per_second": fval(rate * (0.9 + 0.2*rng.Float64())),
				}, i == sh.prefill[r])
		}
	}
	if sh.outcome == failedPrefill {
		b.fail()
		return
	}

	b.barrier(timeline.PhaseDecodeBarrier, ws)
	ttft := between(rng, 20*millisecond, 400*millisecond)
	token := rng.IntN(150_000)
	for r := range ws {
		b.emit(r, timeline.PhaseDecodeWaitFirstToken, "enter", detailFirstToken, attrs{"max_tokens": ival(sh.maxTokens)}, false)
		b.clock[r] += ttft + int64(r)*stage/4
		b.emit(r, timeline.PhaseDecodeWaitFirstToken, "token", nil, attrs{
			"ttft_ms":  fval(float64(ttft) / 1000),
			"token_id": ival(token),
		}, false)
	}
	decode := int64(float64(sh.genTokens) / m.decode * float64(second))
	var hang int64 // how long a timed-out eval holds every rank
	if sh.timeout >= 0 {
		hang = between(rng, 31*second, 40*second)
	}
	for r, rn := range in.runners {
		b.step(r, 200, 2*millisecond)
		b.emit(r, timeline.PhaseDecodeStream, "enter", detailLastEval, attrs{"rank": ival(r)}, false)
		if sh.timeout >= 0 {
			b.clock[r] += hang
			if r == sh.timeout {
				b.emit(r, timeline.PhaseDecodeStream, eventEvalTimeout, detailEvalTimeout, attrs{"timeout_s": fval(30), "rank": ival(r)}, false)
			}
		}
		n := sh.decode[r]
		if sh.outcome != completed {
			n = sh.at
		}
		base := b.clock[r]
		for i := 1; i <= n; i++ {
			b.clock[r] = base + decode*int64(i)/int64(sh.decode[r]) + rng.Int64N(3*millisecond)
			generated := sh.genTokens * i / sh.decode[r]
			in.kvTokens = sh.promptTokens + generated
			memory := i%4 == 0
			if rng.IntN(10) == 0 {
				b.emit(r, timeline.PhaseDecodeStream, "eval", detailLastEval, attrs{
					"layers":  ival(rn.endLayer - rn.startLayer),
					"eval_ms": fval(float64(decode) / float64(sh.genTokens) / 1000 * (0.8 + 0.4*rng.Float64())),
					"rank":    ival(r),
				}, memory)
				continue
			}
			var detail *string
			if rng.IntN(2) == 0 {
				detail = ptr("generated " + itoa(generated) + " tokens")
			}
			b.emit(r, timeline.PhaseDecodeStream, "progress", detail, attrs{
				"generated_tokens":  ival(generated),
				"tokens_per_second": fval(m.decode * (0.85 + 0.3*rng.Float64())),
			}, memory)
		}
	}
	switch sh.outcome {
	case cancelled:
		b.cancel(sh.genTokens * sh.at / slices.Max(sh.decode))
		return
	case failedDecode:
		b.fail()
		return
	}

	finish := []string{"stop", "stop", "stop", "length", "tool_calls"}[rng.IntN(5)]
	for r := range ws {
		b.step(r, 200, 3*millisecond)
		b.emit(r, timeline.PhaseParser, "enter", detailParse, attrs{"parser": sval(m.parser)}, false)
		b.step(r, 300, 5*millisecond)
		calls := 0
		if finish == "tool_calls" {
			calls = 1 + rng.IntN(3)
		}
		b.emit(r, timeline.PhaseParser, "exit", nil, attrs{
			"tool_calls":       ival(calls),
			"reasoning_tokens": ival(rng.IntN(sh.genTokens + 1)),
			"finish_reason":    sval(finish),
		}, false)
	}
	done := ptr("completed " + task)
	for r := range ws {
		b.step(r, 200, 2*millisecond)
		b.emit(r, timeline.PhaseCompletion, "enter", b.maybe(done), attrs{
			"generated_tokens": ival(sh.genTokens),
			"prompt_tokens":    ival(sh.promptTokens),
			"total_ms":         fval(float64(b.clock[r]-b.start) / 1000),
			"finish_reason":    sval(finish),
			"stop_sequences":   lval([]string{"<|im_end|>", "</s>"}),
		}, true)
	}
	b.idle()
}

// barrier records every rank waiting at a barrier and its release.
func (b *builder) barrier(phase timeline.Phase, ws int) {
	waits := make([]int64, ws)
	for r := range ws {
		b.step(r, 100, 2*millisecond)
		waits[r] = b.clock[r]
		b.emit(r, phase, "barrier_wait", detailBarrier, attrs{"rank": ival(r), "world_size": ival(ws)}, false)
	}
	if ws > 1 {
		b.sync(500, 10*millisecond)
	} else {
		b.step(0, 50, 500)
	}
	for r := range ws {
		b.emit(r, phase, "barrier_release", b.maybe(detailReleased), attrs{
			"wait_ms": fval(float64(b.clock[r]-waits[r]) / 1000),
		}, false)
	}
}

// cancel records the API cancelling the task: cancel_requested,
// cancel_observed, idle.
func (b *builder) cancel(generated int) {
	b.sync(500, 20*millisecond)
	for r := range b.clock {
		b.emit(r, timeline.PhaseCancelRequested, "enter", detailCancel, attrs{
			"reason":           sval("client_disconnected"),
			"generated_tokens": ival(generated),
		}, false)
		b.step(r, millisecond, 30*millisecond)
		b.emit(r, timeline.PhaseCancelObserved, "enter", b.maybe(detailCancelSeen), attrs{
			"generated_tokens": ival(generated),
			"rank":             ival(r),
		}, false)
	}
	b.idle()
}

// fail records the task failing on one rank and its peers, then idle.
func (b *builder) fail() {
	failed := b.rng.IntN(len(b.clock))
	exc, msg := "RuntimeError", "[METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)"
	if b.rng.IntN(2) == 0 {
		exc, msg = "ConnectionResetError", "[Errno 54] Connection reset by peer while receiving from rank "+itoa((failed+1)%len(b.clock))
	}
	for r := range b.clock {
		b.step(r, millisecond, 50*millisecond)
		var detail string
		if r == failed {
			detail = traceback(b.rng, exc, msg)
		} else {
			detail = "peer rank " + itoa(failed) + " failed: " + exc
		}
		b.emit(r, timeline.PhaseError, "exception", &detail, attrs{
			"exception_type": sval(exc),
			"failed_rank":    ival(failed),
			"fatal":          bval(false),
		}, r == failed)
	}
	b.idle()
}

// idle ends a task: every rank goes back to idle, outside any task.
func (b *builder) idle() {
	b.taskID, b.cmdID = nil, nil
	for r := range b.clock {
		b.step(r, 200, 3*millisecond)
		b.emit(r, timeline.PhaseIdle, "enter", b.maybe(detailWaiting), b.idleAttrs(r), false)
	}
}

// heartbeats records n idle heartbeats, the ranks taking turns a few
// seconds apart; they make up the last few entries of a dump.
func (b *builder) heartbeats(n int) {
	ws := len(b.clock)
	for i := range n {
		r := i % ws
		b.step(r, 2*second, 9*second)
		b.emit(r, timeline.PhaseIdle, "heartbeat", b.maybe(detailIdleBeat), attrs{
			"rank":     ival(r),
			"uptime_s": fval(float64(b.clock[r]-b.in.created) / float64(second)),
		}, true)
	}
}
