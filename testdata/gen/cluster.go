package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// A model is what an instance serves. The numbers are rough figures for
// 4-bit MLX weights on Apple silicon; they only shape durations and memory.
type model struct {
	id      string
	layers  int
	weights int64   // bytes of the whole model
	prefill float64 // prompt tokens per second
	decode  float64 // generated tokens per second
	vision  bool    // accepts images, so tasks sometimes go through vision_preprocess
	parser  string  // output parser name
}

// models are handed to instances in order: instance i serves models[i%len].
var models = []model{
	{"mlx-community/gemma-3-27b-it-qat-4bit", 62, 16_900_000_000, 650, 24, true, "gemma3"},
	{"mlx-community/Llama-3.3-70B-Instruct-4bit", 80, 39_700_000_000, 260, 12, false, "llama3_json"},
	{"mlx-community/DeepSeek-V3.1-4bit", 61, 377_000_000_000, 140, 19, false, "deepseek_v31"},
	{"mlx-community/Qwen3-235B-A22B-Instruct-2507-4bit", 94, 132_000_000_000, 310, 27, false, "qwen3_coder"},
	{"mlx-community/Qwen3-30B-A3B-4bit", 48, 17_200_000_000, 1800, 85, false, "hermes"},
	{"mlx-community/Kimi-K2-Instruct-4bit", 61, 578_000_000_000, 110, 15, false, "kimi_k2"},
}

// A node is one machine of the cluster.
type node struct {
	id    string
	index int
	pid   int64 // the Skulk process
	mac   *machine
}

// A machine is the hardware of a node.
type machine struct {
	ram   int64  // bytes of unified memory
	model string // hardware model identifier
	chip  string
	disk  int64 // bytes of the internal disk
}

// machines are handed to nodes in order: node i is machines[i%len].
var machines = []machine{
	{192 << 30, "Mac14,14", "Apple M2 Ultra", 4 << 40},
	{128 << 30, "Mac16,9", "Apple M4 Max", 2 << 40},
	{512 << 30, "Mac15,14", "Apple M3 Ultra", 8 << 40},
	{256 << 30, "Mac15,14", "Apple M3 Ultra", 4 << 40},
}

// An instance is one model served by worldSize runners, rank r of it on
// its own node.
type instance struct {
	index     int
	id        string
	model     *model
	worldSize int
	runners   []*runner
	created   int64 // when its runners are spawned

	rng  *rand.Rand // everything the instance does
	zulu *rand.Rand // which of its timestamps end in Z, apart so -zulu changes nothing else

	// Generation state, see generator.plan.
	started   bool    // the startup batch is out
	done      bool    // it will make no more batches
	stopped   bool    // a scenario stopped it: it records nothing more
	next      int64   // when its next batch starts, while it has none
	batch     []entry // the batch being merged
	pos       int     // the next entry of batch to merge
	tasks     int     // tasks submitted to it
	generated int     // entries it generated
	kvTokens  int     // tokens in its KV cache, for memory figures
}

// A runner is one rank of an instance: a model shard process on a node.
type runner struct {
	inst       *instance
	node       *node
	id         string
	rank       int
	pid        int64
	startLayer int
	endLayer   int
	state      runnerState
}

// A cluster is the fixed layout the generator simulates.
type cluster struct {
	nodes     []*node
	instances []*instance
	runners   []*runner // in instance and rank order
}

// nodeName returns node-a, node-b, ... for index 0, 1, ...
func nodeName(i int) string {
	return "node-" + string(rune('a'+i))
}

// defaultWorldSizes returns the world sizes 1, 2 and 4, less those that do
// not fit on nodes nodes.
func defaultWorldSizes(nodes int) []int {
	var sizes []int
	for _, ws := range []int{1, 2, 4} {
		if ws <= nodes {
			sizes = append(sizes, ws)
		}
	}
	return sizes
}

// newCluster lays out nodes and instances. Instance i has world size
// sizes[i]; its ranks go on consecutive nodes, continuing round the
// nodes from where the previous instance's last rank went, so that an
// instance's ranks are on different nodes and the load is spread. The
// layout depends only on the node count and sizes; the seed picks pids,
// start times and everything after.
func newCluster(nodes int, sizes []int, seed uint64, start int64) (*cluster, error) {
	if nodes < 1 || nodes > 26 {
		return nil, fmt.Errorf("-nodes %d: want 1 to 26", nodes)
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("no instances")
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	c := &cluster{}
	for i := range nodes {
		mac := &machines[i%len(machines)]
		c.nodes = append(c.nodes, &node{
			id:    nodeName(i),
			index: i,
			pid:   1000 + rng.Int64N(9000),
			mac:   mac,
		})
	}
	slot := 0
	created := start
	for i, ws := range sizes {
		if ws < 1 || ws > nodes {
			return nil, fmt.Errorf("world size %d does not fit on %d nodes", ws, nodes)
		}
		m := &models[i%len(models)]
		in := &instance{
			index:     i,
			id:        "instance-" + strconv.Itoa(i),
			model:     m,
			worldSize: ws,
			created:   created,
			rng:       rand.New(rand.NewPCG(seed, 2*uint64(i)+1)),
			zulu:      rand.New(rand.NewPCG(seed, 2*uint64(i)+2)),
		}
		in.next = created
		for r := range ws {
			rn := &runner{
				inst:       in,
				node:       c.nodes[(slot+r)%nodes],
				id:         "runner-" + strconv.Itoa(i) + "-" + strconv.Itoa(r),
				rank:       r,
				pid:        20000 + rng.Int64N(40000),
				startLayer: r * m.layers / ws,
				endLayer:   (r + 1) * m.layers / ws,
			}
			in.runners = append(in.runners, rn)
			c.runners = append(c.runners, rn)
		}
		slot += ws
		c.instances = append(c.instances, in)
		// Instances are placed a few seconds apart, on whole seconds.
		created += (2 + rng.Int64N(8)) * second
	}
	return c, nil
}
