package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// A trace is what tracepic draws of a trace file: its processes in the
// order a viewer shows them, and the span of its slices and instants.
type trace struct {
	procs []*process
	start float64 // µs: the first slice or instant
	end   float64 // µs: the end of the last one
}

// A span is a stretch of time in microseconds.
type span struct{ start, end float64 }

type process struct {
	pid     int
	name    string
	sort    int
	threads []*thread
}

type thread struct {
	tid      int
	name     string
	sort     int
	slices   []slice   // by start
	instants []float64 // µs, sorted
}

type slice struct {
	name string
	span
}

// event is the part of a trace event that tracepic reads.
type event struct {
	Name string  `json:"name"`
	Ph   string  `json:"ph"`
	Ts   float64 `json:"ts"`
	Dur  float64 `json:"dur"`
	Pid  int     `json:"pid"`
	Tid  int     `json:"tid"`
	Args struct {
		Name      string `json:"name"`
		SortIndex *int   `json:"sort_index"`
	} `json:"args"`
}

// parseTrace reads a trace in either form of the Trace Event Format: an
// object with traceEvents, or a bare array of events.
func parseTrace(data []byte) (*trace, error) {
	var events []event
	if b := bytes.TrimLeft(data, " \t\r\n"); len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &events); err != nil {
			return nil, err
		}
	} else {
		var file struct {
			TraceEvents []event `json:"traceEvents"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			return nil, err
		}
		events = file.TraceEvents
	}
	return buildTrace(events)
}

func buildTrace(events []event) (*trace, error) {
	tr := &trace{start: math.Inf(1), end: math.Inf(-1)}
	procs := map[int]*process{}
	threads := map[[2]int]*thread{}
	proc := func(pid int) *process {
		p, ok := procs[pid]
		if !ok {
			p = &process{pid: pid, name: fmt.Sprintf("pid %d", pid), sort: pid}
			procs[pid] = p
		}
		return p
	}
	thr := func(pid, tid int) *thread {
		key := [2]int{pid, tid}
		t, ok := threads[key]
		if !ok {
			t = &thread{tid: tid, name: fmt.Sprintf("tid %d", tid), sort: tid}
			threads[key] = t
			p := proc(pid)
			p.threads = append(p.threads, t)
		}
		return t
	}
	stretch := func(start, end float64) {
		tr.start = math.Min(tr.start, start)
		tr.end = math.Max(tr.end, end)
	}

	for _, e := range events {
		switch e.Ph {
		case "X":
			t := thr(e.Pid, e.Tid)
			t.slices = append(t.slices, slice{e.Name, span{e.Ts, e.Ts + e.Dur}})
			stretch(e.Ts, e.Ts+e.Dur)
		case "i", "I":
			t := thr(e.Pid, e.Tid)
			t.instants = append(t.instants, e.Ts)
			stretch(e.Ts, e.Ts)
		case "M":
			switch e.Name {
			case "process_name":
				proc(e.Pid).name = e.Args.Name
			case "process_sort_index":
				if e.Args.SortIndex != nil {
					proc(e.Pid).sort = *e.Args.SortIndex
				}
			case "thread_name":
				thr(e.Pid, e.Tid).name = e.Args.Name
			case "thread_sort_index":
				if e.Args.SortIndex != nil {
					thr(e.Pid, e.Tid).sort = *e.Args.SortIndex
				}
			}
		}
	}
	if math.IsInf(tr.start, 1) {
		return nil, errors.New("no slices or instants to draw")
	}

	for _, p := range procs {
		tr.procs = append(tr.procs, p)
		slices.SortFunc(p.threads, func(a, b *thread) int {
			return cmp.Or(cmp.Compare(a.sort, b.sort), cmp.Compare(a.tid, b.tid))
		})
		for _, t := range p.threads {
			slices.SortStableFunc(t.slices, func(a, b slice) int { return cmp.Compare(a.start, b.start) })
			slices.Sort(t.instants)
		}
	}
	slices.SortFunc(tr.procs, func(a, b *process) int {
		return cmp.Or(cmp.Compare(a.sort, b.sort), cmp.Compare(a.pid, b.pid))
	})
	return tr, nil
}
