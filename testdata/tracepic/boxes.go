package main

import (
	"cmp"
	"maps"
	"math"
	"slices"
)

// A box is what a lane draws for a stretch of time: a run of slices of
// the same name, or, where slices are narrower than a pixel, a run of
// pixels most of whose time went to the same phase.
type box struct {
	slice          // the name, and the span of the run
	x0, x1 float64 // px, clipped to the window
	short  int     // for a box of short slices, how many there were
}

// boxes returns what to draw of a thread's slices in the window.
//
// Slices of the same name that touch, or are apart only by slices that
// take no time, make one box, which keeps its whole span even where the
// window cuts it. Runs at least a pixel wide are drawn as they are. The
// narrower ones are drawn a pixel column at a time, in the colour of the
// phase that took most of the column, and columns of the same phase that
// touch make one box; such a box narrower than a pixel is left out. So a
// lane has at most a couple of boxes a pixel, however many slices it has.
func (d *drawer) boxes(t *thread) []box {
	w := d.pic.window
	var out []box
	cols := map[int]*column{}
	for _, r := range runs(t.slices) {
		if r.end < w.start || r.start > w.end {
			continue
		}
		x0, x1 := d.x(math.Max(r.start, w.start)), d.x(math.Min(r.end, w.end))
		switch {
		case x1-x0 >= 1:
			out = append(out, box{slice: r, x0: x0, x1: x1})
		case x1 > x0:
			for c := math.Floor(x0); c < x1; c++ {
				col, ok := cols[int(c)]
				if !ok {
					col = &column{x0: math.Inf(1), x1: math.Inf(-1), time: map[string]float64{}}
					cols[int(c)] = col
				}
				lo, hi := math.Max(x0, c), math.Min(x1, c+1)
				col.x0, col.x1 = math.Min(col.x0, lo), math.Max(col.x1, hi)
				col.time[r.name] += hi - lo
				if c == math.Floor(x0) {
					col.short++
				}
			}
		}
	}

	var short []box
	for _, c := range slices.Sorted(maps.Keys(cols)) {
		col := cols[c]
		name := col.most()
		if n := len(short); n > 0 && short[n-1].name == name && short[n-1].x1 >= col.x0-1e-6 {
			short[n-1].x1 = col.x1
			short[n-1].short += col.short
			continue
		}
		short = append(short, box{slice: slice{name: name}, x0: col.x0, x1: col.x1, short: col.short})
	}
	for _, b := range short {
		if b.x1-b.x0 >= 1 {
			b.span = span{d.t(b.x0), d.t(b.x1)}
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b box) int { return cmp.Compare(a.x0, b.x0) })
	return out
}

// runs merges the slices of a lane, sorted by start, that have the same
// name and touch, leaving out those that take no time.
func runs(ss []slice) []slice {
	var out []slice
	for _, s := range ss {
		if s.end <= s.start {
			continue
		}
		if n := len(out); n > 0 && out[n-1].name == s.name && s.start <= out[n-1].end {
			out[n-1].end = math.Max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// A column is a pixel of a lane where slices narrower than a pixel fall.
type column struct {
	x0, x1 float64            // the part of the pixel they cover
	time   map[string]float64 // how much of it each name took, in px
	short  int                // how many slices start in it
}

// most returns the name that took most of the column; of names that
// took as much, the first in the legend.
func (c *column) most() string {
	var best string
	for name, t := range c.time {
		if best == "" || t > c.time[best] || t == c.time[best] && legendLess(name, best) {
			best = name
		}
	}
	return best
}

// t is the time at x on the plot; the inverse of x.
func (d *drawer) t(x float64) float64 {
	w := d.pic.window
	return w.start + (x-d.plotX0)/(d.plotX1-d.plotX0)*(w.end-w.start)
}
