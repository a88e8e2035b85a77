package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/flightline-dev/flightline/generated/timeline"
)

// Skulk as it is installed on every node.
const (
	skulkVersion = "0.4.2"
	skulkCommit  = "7d3e91c"
	skulkHome    = "/Users/skulk/skulk"
	skulkPython  = skulkHome + "/.venv/bin/python"
)

// A host is a node as its diagnostics describe it at one instant: the
// node itself, and how it sees the cluster (the master is node-a, as in
// the ClusterTimeline).
type host struct {
	c       *cluster
	nd      *node
	master  *node
	now     int64
	started int64     // when its Skulk process started
	runners []*runner // the runners it supervises that have recorded anything
}

func newHost(g *generator, nd *node, now int64) *host {
	h := &host{c: g.cluster, nd: nd, master: g.cluster.nodes[0], now: now,
		started: g.start - int64(10+nd.index*7)*60*second}
	for _, rn := range g.cluster.runners {
		if rn.node == nd && rn.state.seen {
			h.runners = append(h.runners, rn)
		}
	}
	return h
}

// friendlyName is the name the node's owner gave its machine.
func friendlyName(nd *node) string {
	return "Mac Studio " + strings.ToUpper(strings.TrimPrefix(nd.id, "node-"))
}

func (h *host) runtime() timeline.NodeRuntimeDiagnostics {
	return timeline.NodeRuntimeDiagnostics{
		NodeID:           h.nd.id,
		Hostname:         h.nd.id + ".local",
		FriendlyName:     ptr(friendlyName(h.nd)),
		IsMaster:         h.nd == h.master,
		MasterNodeID:     &h.master.id,
		Cwd:              skulkHome,
		ConfigPath:       skulkHome + "/skulk.yaml",
		ConfigFileExists: true,
		SkulkVersion:     skulkVersion,
		SkulkCommit:      skulkCommit,
		PythonUnbuffered: true,
	}
}

func (h *host) identity() *timeline.NodeIdentity {
	return &timeline.NodeIdentity{
		ModelID:        h.nd.mac.model,
		ChipID:         h.nd.mac.chip,
		FriendlyName:   friendlyName(h.nd),
		OsVersion:      "15.6",
		OsBuildVersion: "24G84",
		SkulkVersion:   skulkVersion,
		SkulkCommit:    skulkCommit,
	}
}

// resources are the node's readings: the memory its runners hold (a
// crashed runner's too, which Metal does not give back), the models on
// its disk, and a load that follows what its runners do.
func (h *host) resources() timeline.NodeResourceDiagnostics {
	mac, i := h.nd.mac, int64(h.nd.index)
	var wired int64
	for _, rn := range h.runners {
		wired += runnerMemory(rn)
	}
	models := map[*model]bool{}
	var stored int64
	for _, rn := range h.c.runners {
		if rn.node == h.nd && !models[rn.inst.model] {
			models[rn.inst.model] = true
			stored += rn.inst.model.weights
		}
	}
	mem := &timeline.MemoryUsage{
		RAMTotal:      timeline.Memory{InBytes: timeline.IntOf(mac.ram)},
		RAMAvailable:  timeline.Memory{InBytes: timeline.IntOf(max(mac.ram-wired-(9+i)<<30, 1<<30))},
		SwapTotal:     timeline.Memory{InBytes: timeline.IntOf(0)},
		SwapAvailable: timeline.Memory{InBytes: timeline.IntOf(0)},
	}
	gpu := 0.03
	for _, rn := range h.runners {
		if busy, _ := processLoad(rn); busy {
			gpu = 0.91
		}
	}
	return timeline.NodeResourceDiagnostics{
		GatheredMemory: mem,
		CurrentMemory:  mem,
		CurrentWired:   &timeline.Memory{InBytes: timeline.IntOf(wired)},
		Disk: &timeline.DiskUsage{
			Total:     timeline.Memory{InBytes: timeline.IntOf(mac.disk)},
			Available: timeline.Memory{InBytes: timeline.IntOf(max(mac.disk-stored-(180+17*i)<<30, 10<<30))},
		},
		System: &timeline.SystemPerformanceProfile{
			GpuUsage:  gpu,
			Temp:      round(37.5+24*gpu, 1),
			SysPower:  round(28+155*gpu, 1),
			PcpuUsage: round(0.04+0.09*gpu, 2),
			EcpuUsage: 0.02,
		},
		Network: &timeline.NodeNetworkInfo{Interfaces: []timeline.NetworkInterfaceInfo{
			{Name: "en0", IPAddress: fmt.Sprintf("192.168.40.%d", 21+i), InterfaceType: timeline.InterfaceTypeEthernet},
			{Name: "bridge0", IPAddress: fmt.Sprintf("169.254.%d.%d", 17+i, 1+i), InterfaceType: timeline.InterfaceTypeThunderbolt},
		}},
	}
}

// runnerMemory is the memory rn's shard holds: its latest MLX snapshot's
// active memory, none before the first.
func runnerMemory(rn *runner) int64 {
	if m := rn.state.memory; m != nil && m.Active != nil {
		n, _ := m.Active.InBytes.Int64() // the generator writes int64 amounts
		return n
	}
	return 0
}

// processes are the node's Skulk process and its runners' processes; a
// crashed runner's is a zombie its parent has not reaped.
func (h *host) processes() []timeline.DiagnosticsProcess {
	i := float64(h.nd.index)
	out := []timeline.DiagnosticsProcess{{
		Pid:            timeline.IntOf(h.nd.pid),
		ParentPid:      ptr(timeline.IntOf(1)),
		Role:           timeline.ProcessRoleSkulk,
		Command:        skulkPython + " -m skulk",
		Status:         ptr("running"),
		CPUPercent:     ptr(round(2.5+0.4*i, 1)),
		MemoryPercent:  ptr(0.6),
		Rss:            &timeline.Memory{InBytes: timeline.IntOf((900 + 40*int64(h.nd.index)) << 20)},
		ElapsedSeconds: ptr(seconds(h.now - h.started)),
	}}
	for k, rn := range h.runners {
		p := timeline.DiagnosticsProcess{
			Pid:            timeline.IntOf(rn.pid),
			ParentPid:      ptr(timeline.IntOf(h.nd.pid)),
			Role:           timeline.ProcessRoleRunner,
			Command:        fmt.Sprintf("%s -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=7, pipe_handle=%d)", skulkPython, 18+2*k),
			IsChildOfSkulk: true,
		}
		if rn.state.crashed {
			p.Status, p.CPUPercent = ptr("zombie"), ptr(0.0)
		} else {
			busy, cpu := processLoad(rn)
			p.Status = ptr(map[bool]string{true: "running", false: "sleeping"}[busy])
			p.CPUPercent = &cpu
			p.MemoryPercent = ptr(round(100*float64(runnerMemory(rn))/float64(h.nd.mac.ram), 1))
			p.Rss = &timeline.Memory{InBytes: timeline.IntOf((1200 + 50*int64(rn.rank)) << 20)} // MLX's buffers are wired, not resident
			p.ElapsedSeconds = ptr(seconds(h.now - rn.inst.created))
		}
		out = append(out, p)
	}
	return out
}

// processLoad reports whether rn's process is busy in its last phase,
// and its CPU use: near 100% computing (a rank stuck in prefill spins on
// the GPU), near 0 waiting at a barrier or resting.
func processLoad(rn *runner) (bool, float64) {
	switch rn.state.last.Phase {
	case timeline.PhaseLoadModel, timeline.PhaseWarmup, timeline.PhasePromptBuild, timeline.PhaseVisionPreprocess,
		timeline.PhasePrefillPipeline, timeline.PhasePrefillStream, timeline.PhaseDecodeStream, timeline.PhaseParser:
		return true, round(97.1+0.6*float64(rn.rank), 1)
	case timeline.PhaseConnectGroup, timeline.PhaseTaskAgreement, timeline.PhasePrefillBarrier,
		timeline.PhaseDecodeBarrier, timeline.PhaseDecodeWaitFirstToken:
		return false, 0.4
	}
	return false, 0.1
}

// placements are every instance that has started, as the node reads the
// cluster's state: where each rank runs, its status and its task.
func (h *host) placements() []timeline.InstancePlacementDiagnostics {
	out := []timeline.InstancePlacementDiagnostics{}
	for _, in := range h.c.instances {
		if !in.runners[0].state.seen {
			continue
		}
		p := timeline.InstancePlacementDiagnostics{
			InstanceID:   in.id,
			ModelID:      in.model.id,
			MasterNodeID: &h.master.id,
			Warnings:     []string{},
		}
		for _, rn := range in.runners {
			p.MasterIsPlacementNode = p.MasterIsPlacementNode || rn.node == h.master
			p.LocalNodeIsPlacementNode = p.LocalNodeIsPlacementNode || rn.node == h.nd
			p.PlacementNodeIds = append(p.PlacementNodeIds, rn.node.id)
			pr := timeline.PlacementRunnerDiagnostics{
				RunnerID:     rn.id,
				NodeID:       rn.node.id,
				FriendlyName: ptr(friendlyName(rn.node)),
				DeviceRank:   timeline.IntOf(int64(rn.rank)),
				WorldSize:    timeline.IntOf(int64(in.worldSize)),
				StartLayer:   timeline.IntOf(int64(rn.startLayer)),
				EndLayer:     timeline.IntOf(int64(rn.endLayer)),
				NLayers:      timeline.IntOf(int64(in.model.layers)),
				IsLocal:      rn.node == h.nd,
				IsMaster:     rn.node == h.master,
				Tasks:        []timeline.RunnerTaskDiagnostics{},
			}
			if rn.state.seen {
				pr.StatusKind = &rn.state.status
				pr.Tasks = activeTasks(rn)
			}
			p.Runners = append(p.Runners, pr)
		}
		out = append(out, p)
	}
	return out
}

// warnings are what the node notices about itself: a runner that died.
func (h *host) warnings() []string {
	out := []string{}
	for _, rn := range h.runners {
		if rn.state.crashed {
			out = append(out, fmt.Sprintf("Runner %s (rank %d of %s) exited with code %d; its %s of Metal memory stay wired until the node reboots.",
				rn.id, rn.rank, rn.inst.id, crashExitCode, gigabytes(runnerMemory(rn))))
		}
	}
	return out
}

// gigabytes writes n bytes as 12.3 GB.
func gigabytes(n int64) string { return fmt.Sprintf("%.1f GB", float64(n)/1e9) }

// round rounds v to digits decimals.
func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
