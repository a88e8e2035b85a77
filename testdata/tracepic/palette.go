package main

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strconv"
)

// A kind groups phases in the legend, and decides their colours: the
// barrier phases stand out in warm colours, the other waiting phases are
// grey, and the working phases blue and green.
type kind int

const (
	barrier kind = iota
	waiting
	working
	ending
	other
)

var kindNames = [...]string{
	barrier: "waiting for peers",
	waiting: "waiting",
	working: "working",
	ending:  "cancel, error, shutdown",
	other:   "other",
}

func (k kind) String() string { return kindNames[k] }

// A style is how the slices of one phase are drawn.
type style struct {
	kind  kind
	order int    // place in the legend, within the kind
	fill  string // #rrggbb
}

// phaseStyles lists the flightline phases, in the order a runner goes
// through them.
var phaseStyles = func() map[string]style {
	m := map[string]style{}
	for i, p := range []struct {
		name string
		kind kind
		fill string
	}{
		{"created", waiting, "#e9ecef"},
		{"idle", waiting, "#dee2e6"},
		{"connect_group", waiting, "#c9c2b4"},
		{"load_model", working, "#4263eb"},
		{"warmup", working, "#748ffc"},
		{"task_submission", waiting, "#ced4da"},
		{"task_agreement", waiting, "#adb5bd"},
		{"prompt_build", working, "#22b8cf"},
		{"vision_preprocess", working, "#0b7285"},
		{"kv_cache_lookup", working, "#66d9e8"},
		{"prefill_barrier", barrier, "#f59f00"},
		{"prefill_pipeline", working, "#74c0fc"},
		{"prefill_stream", working, "#1971c2"},
		{"decode_barrier", barrier, "#e03131"},
		{"decode_wait_first_token", barrier, "#a61e4d"},
		{"decode_stream", working, "#2f9e44"},
		{"parser", working, "#8ce99a"},
		{"cancel_requested", ending, "#da77f2"},
		{"cancel_observed", ending, "#be4bdb"},
		{"completion", working, "#94d82d"},
		{"error", ending, "#5f3dc4"},
		{"shutdown_cleanup", ending, "#9775fa"},
	} {
		m[p.name] = style{p.kind, i, p.fill}
	}
	return m
}()

// otherFills are the muted colours of slice names that are not phases.
var otherFills = []string{"#b197fc", "#e599f7", "#ffc078", "#a9e34b", "#63e6be", "#91a7ff", "#faa2c1", "#d8f5a2"}

// styleOf returns how to draw the slices named name; a name that is not a
// flightline phase always gets the same colour.
func styleOf(name string) style {
	if s, ok := phaseStyles[name]; ok {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return style{kind: other, order: len(phaseStyles), fill: otherFills[h.Sum32()%uint32(len(otherFills))]}
}

// legendOrder sorts names as the legend lists them: by kind, then in
// the order of a runner's life, then by name.
func legendOrder(names []string) { slices.SortFunc(names, legendCompare) }

func legendCompare(a, b string) int {
	sa, sb := styleOf(a), styleOf(b)
	return cmp.Or(cmp.Compare(sa.kind, sb.kind), cmp.Compare(sa.order, sb.order), cmp.Compare(a, b))
}

func legendLess(a, b string) bool { return legendCompare(a, b) < 0 }

// ink is the colour of text, on white or on a light fill.
const ink = "#212529"

// textColour returns a colour for text on fill that can be read.
func textColour(fill string) string {
	r, _ := strconv.ParseUint(fill[1:3], 16, 8)
	g, _ := strconv.ParseUint(fill[3:5], 16, 8)
	b, _ := strconv.ParseUint(fill[5:7], 16, 8)
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 150 {
		return "#fff"
	}
	return ink
}
