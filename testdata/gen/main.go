// Command gen writes realistic Skulk cluster-timeline dumps of any size,
// for tests and benchmarks.
//
//	go run ./testdata/gen [flags]
//
// The same flags always give the same output, byte for byte: everything
// is drawn from math/rand/v2 PCG streams seeded by -seed, one per
// instance, so that an instance's entries do not depend on the others.
// Every entry is built as a generated/timeline value and written with its
// AppendJSON method, so it follows the schema, and so are the documents
// around them (ClusterTimeline, NodeDiagnostics); entries come out sorted by
// (instant of at, nodeId, deviceRank, runnerId), the order of
// timeline.Compare. NDJSON and array output stream through a
// bufio.Writer: a million NDJSON entries (about 330 MB) take about three
// seconds.
//
// # Flags
//
//	-n N          entries in the merged timeline, exactly (default 1000; but
//	              see unreachable-node); for -format node, the entries
//	              before each runner keeps its last 128
//	-seed S       random seed (default 1)
//	-nodes K      nodes node-a, node-b, ... (1 to 26, default 4)
//	-instances L  world sizes of the instances, comma-separated (default
//	              1,2,4, less those larger than -nodes)
//	-start T      when the first runner is created (default
//	              2026-04-24T22:00:00+00:00)
//	-zulu F       fraction of timestamps (the entries' at and
//	              mlxMemory.generatedAt, and generatedAt) written with Z
//	              instead of +00:00, 0 to 1 (default 0); it changes nothing else
//	-failures F   fraction of tasks cancelled (3/5) or failed (2/5), 0 to 1
//	              (default 0.05)
//	-scenario S   healthy (default), stuck-barrier, missing-rank,
//	              silent-runner, stuck-alone, unreachable-node, crash,
//	              long-warmup, recovered-hang or newer-phase; see below
//	-format F     ndjson (default), array, timeline or node; see below
//	-pretty       indent array, timeline and node output by two spaces
//	-split node|rank
//	              one file per node (<nodeId>.ndjson) or per runner
//	              (<nodeId>-rank<r>-<runnerId>.ndjson) in the -out directory,
//	              each sorted; .json for -format array
//	-out PATH     output file, or directory for -split and -format node
//	              (default standard output)
//	-v            tell on standard error what the scenario planted (task
//	              ids, last entries); standard output only ever has the dump
//
// # Formats
//
// ndjson writes one ClusterTimelineEntry a line. array writes them as one
// JSON array, compact, or with -pretty indented with each entry's opening
// brace on a line of its own. timeline writes the ClusterTimeline object
// of GET /v1/diagnostics/cluster/timeline: generatedAt (a quarter second
// after the last entry, unless a scenario says otherwise), localNodeId
// and masterNodeId node-a, runners (one ClusterTimelineRunner per runner
// that recorded anything, its state at the end, sorted by modelId,
// deviceRank and runnerId), timeline and unreachableNodes (empty but in
// unreachable-node). node writes DIR/<nodeId>.json for every node, a
// NodeDiagnostics as GET /v1/diagnostics/node serves it, every member
// filled in: generatedAt (that of the timeline format); runtime and
// identity (node-a is the master); resources (the memory the node's
// runners hold, wired; the models on its disk; a GPU load that follows
// what they do; two network interfaces); processes (the Skulk process and
// each runner's, near 100% CPU computing, near 0 waiting); supervisorRunners
// (one per runner of the node that recorded anything: its state as of
// generatedAt, as the ClusterTimeline's runners have it, with its status
// and since when, its task in progress, its milestones, and its last 128
// entries as RunnerFlightRecorderEntry, oldest first, in flightRecorder);
// placements (every instance that started, its ranks' status and tasks as
// the node sees them) and warnings (a runner of the node that crashed).
//
// # Cluster
//
// Instance i is named instance-<i> and serves the i-th model of a fixed
// list (see models); its rank r is runner-<i>-<r>, on the node that
// follows the one of rank r-1, continuing round the nodes from the
// previous instance. With the default -nodes 4:
//
//	instance-0  world size 1  mlx-community/gemma-3-27b-it-qat-4bit
//	            rank 0 runner-0-0 on node-a
//	instance-1  world size 2  mlx-community/Llama-3.3-70B-Instruct-4bit
//	            rank 0 runner-1-0 on node-b, rank 1 runner-1-1 on node-c
//	instance-2  world size 4  mlx-community/DeepSeek-V3.1-4bit
//	            rank 0 runner-2-0 on node-d, rank 1 runner-2-1 on node-a,
//	            rank 2 runner-2-2 on node-b, rank 3 runner-2-3 on node-c
//
// Instances are created 2 to 9 s apart, the first at -start. Every
// runner goes through created, connect_group, load_model, warmup and
// idle, then the instance takes tasks one after another, a few seconds to
// a few minutes apart. Tasks are numbered task-<n> (command cmd-<n>) in
// the order they are submitted, across instances. All ranks of a task go
// through task_submission, task_agreement, prompt_build, vision_preprocess
// (sometimes, for the vision model), kv_cache_lookup, prefill_barrier,
// prefill_pipeline, prefill_stream, decode_barrier,
// decode_wait_first_token, decode_stream, parser and completion, a few ms
// to a few hundred ms apart, then idle; a cancelled task ends with
// cancel_requested and cancel_observed, a failed one with error (a long
// traceback on the rank that failed). The entries outside tasks have
// taskId and commandId null.
//
// When the entries left of -n are too few for a whole task, the task is
// cut short (fewer progress entries), and the last few entries may be
// idle heartbeats, so that the dump never ends halfway through a task
// (unless -n is too small even for the startups, about 70 entries).
//
// # Scenarios
//
// The instance and rank at fault depend only on the layout; with the
// default -nodes and -instances they are those named below. Which task
// is hit depends on -n and -seed; -v names it, and the values given are
// those of the defaults (-n 1000 -seed 1). A scenario fails, saying so,
// when -n is too small to hold it (about 200 entries are enough).
//
// healthy: nothing goes wrong. Every task that starts ends on every rank
// (completion, or cancel_observed or error for the -failures fraction)
// and is followed by idle; every runner's last entry is idle, outside any
// task.
//
// stuck-barrier: instance-1 (the first instance of world size 2 or more)
// hangs in its last task (task-19): rank 0, runner-1-0 on node-b, records
// the task up to its decode_barrier barrier_wait entry and nothing after;
// rank 1, runner-1-1 on node-c, records it up to its first prefill_stream
// progress entry and nothing after (other ranks, in a larger instance,
// stop like rank 0). instance-1 records nothing more; the other instances
// carry on, and the timeline's last entry is more than 60 s after the
// later of those last entries. The stall comes late: at the first task
// of instance-1 submitted when a quarter of -n or less is left, or fewer
// entries than the other instances have made in 90 s at their rate so
// far; with a small -n, the other instances hold back to leave it room.
//
// missing-rank: rank 3 of instance-2 (the last rank of the last instance
// of world size 2 or more), runner-2-3 on node-c, records nothing at all
// for the first two tasks submitted to instance-2 (task-12 and task-22),
// from task_submission to the idle entry after them, while ranks 0 to 2
// record them in full. It records its startup and the later tasks as
// usual. If the timeline holds only one task of instance-2, only that one
// is missing.
//
// silent-runner: the runner of instance-0 (the first instance of world
// size 1), runner-0-0 on node-a, stops recording in its last task
// (task-19): it records the task up to decode_stream enter and the first
// decode_stream progress (or eval) entry, then nothing more, with the
// task unfinished. Everything else carries on, and the timeline's last
// entry is more than 45 s after that last entry. The stall comes late, as
// for stuck-barrier.
//
// stuck-alone: stuck-barrier in a cluster that runs nothing else: the
// other instances start up and then take no task, the stalled task is
// the last thing the timeline holds (rank 0's prefill progress entries
// make -n exactly), and the snapshot (generatedAt) is taken 141 s after
// its last entry. Without a snapshot (ndjson, array), nothing but the
// clock (flightline explain --now) tells the hang from a task under way.
//
// unreachable-node: the node that holds a runner alone, of an instance of
// world size 2 or more (node-d, with runner-2-0, rank 0 of instance-2),
// goes down in the instance's last task: that rank records up to its
// first prefill_stream progress entry and the other ranks up to their
// decode_barrier barrier_wait, as in stuck-barrier. No dump holds that
// node's entries (-n counts them; the output leaves them out): the
// ClusterTimeline lists it in unreachableNodes (ConnectError), has no
// runner of it, and -format node writes no file for it.
//
// crash: as stuck-barrier, but rank 1 of instance-1 crashes after its
// first prefill_stream progress entry: it records error exception (a
// traceback), error runner_crashed and shutdown_cleanup
// (metal_cleanup_begin, metal_cleanup_complete; the last three without a
// task id, as Skulk writes them), and its runner's state says
// processAlive false, statusKind RunnerFailed (and in a node dump exitCode
// -11, its process a zombie, and a warning); rank 0 waits at
// decode_barrier.
//
// long-warmup: instance-1 starts up last, when the others have used up
// all but the entries of its startup, and its warmup does not end: both
// ranks record up to warmup enter. The snapshot is taken 4 minutes after
// the warmup started (or a quarter second after the last entry, if
// later), under the 10 minutes a startup may take.
//
// recovered-hang: in the first task of instance-1 submitted once half of
// -n is used, every rank waits 31 to 40 s in decode_stream, and the last
// rank then records a pipeline_eval_timeout entry; the task goes on and
// completes. Nothing else goes wrong.
//
// newer-phase: as stuck-barrier, but written by a newer Skulk: every rank
// of instance-1 records, in each task after prefill_pipeline enter, an
// entry of the phase prefill_schedule, which the schema does not know,
// with a spanId field the schema lacks; rank 1 stops at that entry. A
// runner whose last entry it is has that phase in a ClusterTimeline's
// runners and a node dump's supervisorRunners. validate fails on these
// dumps; explain reads them.
//
// # Samples
//
// The samples in testdata/sample were made by, from the repository root:
//
//	go run ./testdata/gen -format timeline -pretty -n 60 -out testdata/sample/cluster_timeline.json
//	go run ./testdata/gen -n 200 -out testdata/sample/timeline.ndjson
//	go run ./testdata/gen -format node -n 400 -out testdata/sample/nodes
//	go run ./testdata/gen -n 600 -scenario stuck-barrier -out testdata/sample/stuck-barrier.ndjson
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// config is the command line.
type config struct {
	n         int
	seed      uint64
	nodes     int
	instances string
	start     string
	zulu      float64
	failures  float64
	scenario  string
	format    string
	pretty    bool
	split     string
	out       string
	verbose   bool
}

func main() {
	// The live heap is small (the batches being merged) and the garbage
	// plentiful: collecting less often makes generating a good deal faster.
	debug.SetGCPercent(400)
	var cfg config
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.IntVar(&cfg.n, "n", 1000, "number of entries in the merged timeline")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed; the same flags give the same output")
	fs.IntVar(&cfg.nodes, "nodes", 4, "number of nodes, node-a, node-b, ... (1 to 26)")
	fs.StringVar(&cfg.instances, "instances", "", "comma-separated world sizes of the instances (default 1,2,4, those that fit the nodes)")
	fs.StringVar(&cfg.start, "start", "2026-04-24T22:00:00+00:00", "when the first runner is created (RFC 3339)")
	fs.Float64Var(&cfg.zulu, "zulu", 0, "fraction of timestamps written with Z instead of +00:00 (0 to 1)")
	fs.Float64Var(&cfg.failures, "failures", 0.05, "fraction of tasks cancelled or failed (0 to 1)")
	fs.StringVar(&cfg.scenario, "scenario", healthy, strings.Join(scenarios, ", "))
	fs.StringVar(&cfg.format, "format", "ndjson", "ndjson, array, timeline or node")
	fs.BoolVar(&cfg.pretty, "pretty", false, "indent array, timeline and node output by two spaces")
	fs.StringVar(&cfg.split, "split", "", "write one file per node or rank into the -out directory")
	fs.StringVar(&cfg.out, "out", "", "output file, or directory for -split and -format node (default standard output)")
	fs.BoolVar(&cfg.verbose, "v", false, "tell on standard error what the scenario planted")
	if err := fs.Parse(os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gen: unexpected arguments %q\n", fs.Args())
		os.Exit(2)
	}
	if err := run(&cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run generates the dump cfg asks for.
func run(cfg *config, stdout, stderr io.Writer) error {
	g, err := newGenerator(cfg)
	if err != nil {
		return err
	}
	out, err := openOutput(cfg, stdout)
	if err != nil {
		return err
	}
	if cfg.format != "node" {
		out = newPipe(out)
	}
	err = g.run(out.write)
	if cerr := out.close(g); err == nil || errors.Is(err, errOutput) {
		err = cerr
	}
	if err == nil && cfg.verbose {
		fmt.Fprintln(stderr, g.scenario.describe(g))
	}
	return err
}

// newGenerator checks cfg and sets up the cluster and scenario.
func newGenerator(cfg *config) (*generator, error) {
	switch {
	case cfg.n < 0:
		return nil, fmt.Errorf("-n %d: want 0 or more", cfg.n)
	case cfg.zulu < 0 || cfg.zulu > 1:
		return nil, fmt.Errorf("-zulu %g: want 0 to 1", cfg.zulu)
	case cfg.failures < 0 || cfg.failures > 1:
		return nil, fmt.Errorf("-failures %g: want 0 to 1", cfg.failures)
	}
	start, err := time.Parse(time.RFC3339Nano, cfg.start)
	if err != nil {
		return nil, fmt.Errorf("-start: %v", err)
	}
	sizes := defaultWorldSizes(cfg.nodes)
	if cfg.instances != "" {
		sizes = nil
		for s := range strings.SplitSeq(cfg.instances, ",") {
			ws, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("-instances: %q is not a world size", s)
			}
			sizes = append(sizes, ws)
		}
	}
	c, err := newCluster(cfg.nodes, sizes, cfg.seed, start.UnixMicro())
	if err != nil {
		return nil, err
	}
	sc, err := newScenario(cfg.scenario, c)
	if err != nil {
		return nil, err
	}
	g := &generator{
		cluster:  c,
		scenario: sc,
		start:    start.UnixMicro(),
		n:        cfg.n,
		zulu:     cfg.zulu,
		failures: cfg.failures,
		stamps:   rand.New(rand.NewPCG(cfg.seed, 1<<32)),
	}
	if cfg.format == "node" {
		g.ring = 128
	}
	return g, nil
}

// openOutput checks the output flags and opens what they name.
func openOutput(cfg *config, stdout io.Writer) (output, error) {
	switch cfg.format {
	case "ndjson", "array", "timeline", "node":
	default:
		return nil, fmt.Errorf("unknown -format %q; want ndjson, array, timeline or node", cfg.format)
	}
	array := cfg.format == "array"
	switch {
	case cfg.pretty && cfg.format == "ndjson":
		return nil, fmt.Errorf("-pretty does not apply to -format ndjson")
	case cfg.split != "" && cfg.split != "node" && cfg.split != "rank":
		return nil, fmt.Errorf("unknown -split %q; want node or rank", cfg.split)
	case cfg.split != "" && cfg.format != "ndjson" && !array:
		return nil, fmt.Errorf("-split applies to -format ndjson and array")
	case (cfg.split != "" || cfg.format == "node") && cfg.out == "":
		return nil, fmt.Errorf("-split and -format node need -out DIR")
	}
	if cfg.split != "" || cfg.format == "node" {
		if err := os.MkdirAll(cfg.out, 0o755); err != nil {
			return nil, err
		}
		if cfg.format == "node" {
			return &nodeWriter{dir: cfg.out, pretty: cfg.pretty}, nil
		}
		return newSplitWriter(cfg.out, cfg.split, array, cfg.pretty), nil
	}
	w, c := stdout, io.Closer(nil)
	if cfg.out != "" {
		f, err := os.Create(cfg.out)
		if err != nil {
			return nil, err
		}
		w, c = f, f
	}
	if cfg.format == "timeline" {
		return &timelineWriter{w: w, c: c, pretty: cfg.pretty}, nil
	}
	return newEntryWriter(w, c, array, cfg.pretty), nil
}
