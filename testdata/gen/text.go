package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Details that do not vary are shared, so an entry that carries one
// allocates nothing for it.
var (
	detailSpawned     = ptr("spawned runner process")
	detailGroupReady  = ptr("distributed group ready")
	detailSingleRank  = ptr("single rank, no group to connect")
	detailLoading     = ptr("loading weights")
	detailLoaded      = ptr("weights loaded")
	detailWarmup      = ptr("warming up")
	detailReady       = ptr("ready for tasks")
	detailWaiting     = ptr("waiting for tasks")
	detailAgreed      = ptr("all ranks agreed")
	detailBuildPrompt = ptr("applying chat template")
	detailImages      = ptr("preprocessing images")
	detailBarrier     = ptr("waiting at barrier")
	detailReleased    = ptr("barrier released")
	detailPipeline    = ptr("pipeline prefill started")
	detailFirstToken  = ptr("waiting for first token")
	detailLastEval    = ptr("pipeline_last_eval_output")
	detailParse       = ptr("parsing model output")
	detailCancel      = ptr("cancel requested by API: client disconnected")
	detailCancelSeen  = ptr("cancellation observed between decode steps")
	detailIdleBeat    = ptr("idle")
	detailSchedule    = ptr("scheduling prefill chunks")
	detailEvalTimeout = ptr("pipeline eval timed out after 30.0s; retrying")
	detailCrashed     = ptr("runner process exited with signal 11 (SIGSEGV)")
)

func ptr[T any](v T) *T { return &v }

// longProse is the source of long details: prompt previews several KB long,
// with the characters JSON has to escape and some that are not ASCII.
var longProse = func() string {
	parts := []string{
		"You are a helpful assistant. Answer in the user's language.",
		"User: Summarise the attached incident report \"INC-2231\" in three bullet points,\n\tthen list every host that was affected.",
		"Le rapport mentionne une défaillance réseau à 03h14 — « lien 40 GbE perdu » — puis un redémarrage.",
		"日本語の要約も添えてください。ノード間の通信が途絶えました。",
		"Paths: C:\\Users\\ops\\logs\\skulk.log and /var/log/skulk/runner.log; the regex was ^task-\\d+$.",
		"Emoji in a commit message 🚀🔥 and a zero-width joiner 👩‍💻 should pass through unchanged.",
		"Assistant: Sure. Here is what happened, step by step:\n1. The ring backend lost a peer.\n2. Rank 1 stopped at prefill.\n3. Rank 0 waited at the decode barrier.",
	}
	var b strings.Builder
	for i := 0; b.Len() < 12_000; i++ {
		b.WriteString(parts[i%len(parts)])
		b.WriteString(" ")
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}()

// promptPreview returns a prompt preview of roughly n bytes, cut at a
// character boundary.
func promptPreview(rng *rand.Rand, n int) string {
	start := rng.IntN(len(longProse) - n)
	for !utf8.RuneStart(longProse[start]) {
		start++
	}
	end := start + n
	for end < len(longProse) && !utf8.RuneStart(longProse[end]) {
		end++
	}
	return "prompt preview: " + longProse[start:end]
}

// traceback returns a Python traceback of a failed task, one to several KB.
func traceback(rng *rand.Rand, exc, msg string) string {
	frames := []string{
		`  File "/opt/skulk/src/skulk/worker/runner/runner.py", line 412, in _run_task`,
		`    result = await self._engine.generate(task, cancel=self._cancel)`,
		`  File "/opt/skulk/src/skulk/worker/engines/mlx/generate.py", line 233, in generate`,
		`    logits = self._pipeline.step(tokens, cache=cache)`,
		`  File "/opt/skulk/src/skulk/worker/engines/mlx/pipeline.py", line 97, in step`,
		`    mx.eval(out)`,
		`  File "/opt/skulk/.venv/lib/python3.12/site-packages/mlx/nn/layers/base.py", line 155, in __call__`,
		`    return self.forward(*args, **kwargs)`,
		`  File "/opt/skulk/src/skulk/worker/engines/mlx/distributed.py", line 61, in all_gather`,
		`    return mx.distributed.all_gather(x, group=self._group)`,
	}
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	for range 2 + rng.IntN(6) {
		for _, f := range frames {
			b.WriteString(f)
			b.WriteByte('\n')
		}
	}
	b.WriteString(exc)
	b.WriteString(": ")
	b.WriteString(msg)
	return b.String()
}

// itoa is strconv.Itoa, short for the many details built from numbers.
func itoa(v int) string { return strconv.Itoa(v) }
