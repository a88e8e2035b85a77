package main

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A picture is what to draw of a trace, and how big.
type picture struct {
	window   span // µs
	width    int  // px
	title    string
	instants bool
}

// The layout, in pixels.
const (
	margin    = 16
	labelW    = 200 // the thread names left of the lanes
	titleY    = 28  // baselines of the title, the subtitle and the tick labels
	subtitleY = 48
	ticksY    = 72
	plotTop   = 80
	procH     = 22 // a process's heading
	laneH     = 26 // a thread's lane: its box, then its ticks
	boxTop    = 3
	boxH      = 16
	tickTop   = 20
	tickH     = 4
	tipWidth  = 6  // the narrowest box with a tooltip
	swatch    = 12 // legend
	legendRow = 20
)

// The font sizes, and how wide a character is on average for each; text
// is laid out by that guess, so it is generous.
const (
	titleSize  = 16
	fontSize   = 12
	smallSize  = 11
	titleWidth = 0.68 * titleSize // bold
	charWidth  = 0.62 * fontSize
	smallWidth = 0.62 * smallSize
)

// draw writes the picture of tr as an SVG document to buf.
func draw(buf *bytes.Buffer, tr *trace, pic picture) {
	d := drawer{tr: tr, pic: pic, plotX0: margin + labelW, plotX1: float64(pic.width - margin)}

	// Lay out the lanes first, to know the height of the plot.
	y := float64(plotTop)
	var body bytes.Buffer
	used := map[string]bool{}
	lanes := 0
	for _, p := range tr.procs {
		if len(p.threads) == 0 {
			continue
		}
		d.procHeading(&body, p, y)
		y += procH
		for _, t := range p.threads {
			boxes := d.boxes(t)
			for _, b := range boxes {
				used[b.name] = true
			}
			d.lane(&body, t, boxes, y)
			y += laneH
			lanes++
		}
	}
	plotBottom := y
	var legend bytes.Buffer
	height := d.legend(&legend, used, plotBottom+24) + margin

	fmt.Fprintf(buf, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%s" viewBox="0 0 %d %s" font-family="DejaVu Sans,Verdana,Arial,sans-serif" font-size="%d" fill="%s">`+"\n",
		pic.width, num(height), pic.width, num(height), fontSize, ink)
	buf.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	text := float64(pic.width - 2*margin)
	fmt.Fprintf(buf, `<text x="%d" y="%d" font-size="%d" font-weight="bold">%s</text>`+"\n",
		margin, titleY, titleSize, esc(fit(pic.title, text, titleWidth)))
	fmt.Fprintf(buf, `<text x="%d" y="%d" fill="#495057">%s</text>`+"\n",
		margin, subtitleY, esc(fit(d.subtitle(lanes), text, charWidth)))
	d.axis(buf, plotBottom)
	buf.Write(body.Bytes())
	buf.Write(legend.Bytes())
	buf.WriteString("</svg>\n")
}

type drawer struct {
	tr             *trace
	pic            picture
	plotX0, plotX1 float64
}

// x is where time t falls on the plot.
func (d *drawer) x(t float64) float64 {
	w := d.pic.window
	return d.plotX0 + (t-w.start)/(w.end-w.start)*(d.plotX1-d.plotX0)
}

// rel is time t in seconds since the start of the trace.
func (d *drawer) rel(t float64) float64 { return (t - d.tr.start) / 1e6 }

func (d *drawer) subtitle(lanes int) string {
	w := d.pic.window
	procs := 0
	for _, p := range d.tr.procs {
		if len(p.threads) > 0 {
			procs++
		}
	}
	what := fmt.Sprintf("%s – %s of %s", secs(w.start-d.tr.start), secs(w.end-d.tr.start), secs(d.tr.end-d.tr.start))
	if w.start == d.tr.start && w.end == d.tr.end {
		what = fmt.Sprintf("all %s", secs(d.tr.end-d.tr.start))
	} else if w.end == d.tr.end {
		what = fmt.Sprintf("the last %s (%s)", secs(w.end-w.start), what)
	}
	return fmt.Sprintf("%s · %s, %s · each box a phase, each tick an event",
		what, plural(procs, "process", "processes"), plural(lanes, "thread", "threads"))
}

// axis draws the tick labels above the plot and grid lines down it.
func (d *drawer) axis(buf *bytes.Buffer, bottom float64) {
	w := d.pic.window
	from, to := d.rel(w.start), d.rel(w.end)
	step := tickStep((to - from) / ((d.plotX1 - d.plotX0) / 80))
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	var grid strings.Builder
	for k := math.Ceil(from/step - 1e-9); k*step <= to+1e-9; k++ {
		at := k*step + 0 // not -0
		x := d.x(d.tr.start + at*1e6)
		label := strconv.FormatFloat(at, 'f', decimals, 64) + " s"
		anchor, half := "middle", float64(len(label))*smallWidth/2
		if x+half > float64(d.pic.width-2) {
			anchor = "end" // a label at the right edge would be cut
		}
		fmt.Fprintf(buf, `<text x="%s" y="%d" font-size="%d" text-anchor="%s" fill="#495057">%s</text>`+"\n",
			num(x), ticksY, smallSize, anchor, label)
		fmt.Fprintf(&grid, "M%s %dV%s", num(x), plotTop-4, num(bottom))
	}
	fmt.Fprintf(buf, `<path d="%s" stroke="#d5dade" fill="none"/>`+"\n", grid.String())
	fmt.Fprintf(buf, `<path d="M%s %dH%s" stroke="#868e96" fill="none"/>`+"\n", num(d.plotX0), plotTop-4, num(d.plotX1))
}

// tickStep returns the least of 1, 2 and 5 times a power of ten that is
// at least raw.
func tickStep(raw float64) float64 {
	raw = math.Max(raw, 1e-6)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

func (d *drawer) procHeading(buf *bytes.Buffer, p *process, y float64) {
	fmt.Fprintf(buf, `<rect x="0" y="%s" width="%d" height="%d" fill="#f1f3f5"/>`+"\n", num(y), d.pic.width, procH)
	fmt.Fprintf(buf, `<text x="%d" y="%s" font-weight="bold">%s</text>`+"\n",
		margin, num(y+15), esc(fit(p.name, float64(d.pic.width-2*margin), charWidth)))
}

// lane draws a thread's name, its boxes and its instants. A box wide
// enough to point at gets a tooltip, and a label if it has room; the
// narrower boxes, which may be many, are drawn as one path per colour.
func (d *drawer) lane(buf *bytes.Buffer, t *thread, boxes []box, y float64) {
	fmt.Fprintf(buf, `<text x="%d" y="%s">%s</text>`+"\n", margin+10, num(y+boxTop+12), esc(fit(t.name, labelW-16, charWidth)))
	fmt.Fprintf(buf, `<path d="M0 %sH%d" stroke="#f1f3f5" fill="none"/>`+"\n", num(y+laneH-0.5), d.pic.width)
	plain := map[string]*strings.Builder{} // by fill
	var fills []string
	for _, b := range boxes {
		st := styleOf(b.name)
		if b.x1-b.x0 < tipWidth {
			p, ok := plain[st.fill]
			if !ok {
				p = &strings.Builder{}
				plain[st.fill] = p
				fills = append(fills, st.fill)
			}
			rectPath(p, b.x0, y+boxTop, b.x1-b.x0, boxH)
			continue
		}
		tip := fmt.Sprintf("%s: %s – %s (%s)", b.name, secs(b.start-d.tr.start), secs(b.end-d.tr.start), secs(b.end-b.start))
		if b.short > 0 {
			tip = fmt.Sprintf("%s, mostly %s: %s – %s", plural(b.short, "short slice", "short slices"),
				b.name, secs(b.start-d.tr.start), secs(b.end-d.tr.start))
		}
		fmt.Fprintf(buf, `<rect x="%s" y="%s" width="%s" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
			num(b.x0), num(y+boxTop), num(b.x1-b.x0), boxH, st.fill, esc(tip))
		if label := boxLabel(b); label != "" {
			fill := ""
			if c := textColour(st.fill); c != ink {
				fill = ` fill="` + c + `"`
			}
			fmt.Fprintf(buf, `<text x="%s" y="%s" font-size="%d"%s>%s</text>`+"\n",
				num(b.x0+4), num(y+boxTop+12), smallSize, fill, esc(label))
		}
	}
	for _, fill := range fills {
		fmt.Fprintf(buf, `<path d="%s" fill="%s"/>`+"\n", plain[fill], fill)
	}
	if d.pic.instants {
		d.ticks(buf, t, y)
	}
}

// rectPath adds a rectangle to an SVG path.
func rectPath(p *strings.Builder, x, y, w, h float64) {
	fmt.Fprintf(p, "M%s %sh%sv%sh-%sz", num(x), num(y), num(w), num(h), num(w))
}

// boxLabel returns the text that fits in b: its name and duration, its
// name, or nothing; nothing for a box of short slices.
func boxLabel(b box) string {
	if b.short > 0 {
		return ""
	}
	room := b.x1 - b.x0 - 8
	for _, s := range []string{b.name + " · " + secs(b.end-b.start), b.name} {
		if float64(len([]rune(s)))*smallWidth <= room {
			return s
		}
	}
	return ""
}

// ticks draws a thread's instants in the window as ticks a pixel wide;
// ticks in adjacent pixels make one bar.
func (d *drawer) ticks(buf *bytes.Buffer, t *thread, y float64) {
	w := d.pic.window
	var path strings.Builder
	from, to := math.Inf(-1), math.Inf(-1) // the bar so far, in whole pixels
	for _, at := range t.instants {
		if at < w.start || at > w.end {
			continue
		}
		x := math.Min(math.Floor(d.x(at)), d.plotX1-1)
		switch {
		case x <= to:
		case x == to+1:
			to = x
		default:
			if from >= 0 {
				rectPath(&path, from, y+tickTop, to+1-from, tickH)
			}
			from, to = x, x
		}
	}
	if from >= 0 {
		rectPath(&path, from, y+tickTop, to+1-from, tickH)
		fmt.Fprintf(buf, `<path d="%s" fill="#495057"/>`+"\n", path.String())
	}
}

// legend draws a row of swatches for each kind of phase drawn, from y
// down, and returns where it ends.
func (d *drawer) legend(buf *bytes.Buffer, used map[string]bool, y float64) float64 {
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	legendOrder(names)
	const kindW = 150
	for i := 0; i < len(names); {
		k := styleOf(names[i]).kind
		fmt.Fprintf(buf, `<text x="%d" y="%s" font-weight="bold">%s</text>`+"\n", margin, num(y+10), esc(k.String()))
		x := float64(margin + kindW)
		for ; i < len(names) && styleOf(names[i]).kind == k; i++ {
			w := swatch + 6 + float64(len(names[i]))*charWidth + 18
			if x+w > float64(d.pic.width-margin) && x > margin+kindW {
				x, y = margin+kindW, y+legendRow
			}
			fmt.Fprintf(buf, `<rect x="%s" y="%s" width="%d" height="%d" fill="%s"/>`+"\n", num(x), num(y), swatch, swatch, styleOf(names[i]).fill)
			fmt.Fprintf(buf, `<text x="%s" y="%s">%s</text>`+"\n", num(x+swatch+6), num(y+10), esc(names[i]))
			x += w
		}
		y += legendRow
	}
	if d.pic.instants {
		fmt.Fprintf(buf, `<text x="%d" y="%s" font-weight="bold">events</text>`+"\n", margin, num(y+10))
		x := float64(margin + kindW)
		fmt.Fprintf(buf, `<rect x="%s" y="%s" width="1" height="%d" fill="#495057"/>`+"\n", num(x+swatch/2), num(y+4), tickH)
		fmt.Fprintf(buf, `<text x="%s" y="%s">an instant: the runner reported something</text>`+"\n", num(x+swatch+6), num(y+10))
		y += legendRow
	}
	return y
}

// secs formats a duration in microseconds for people.
func secs(us float64) string {
	s := us / 1e6
	switch a := math.Abs(s); {
	case a == 0:
		return "0 s"
	case a < 1:
		return strconv.FormatFloat(s*1e3, 'f', 0, 64) + " ms"
	default:
		return strings.TrimSuffix(strconv.FormatFloat(s, 'f', 1, 64), ".0") + " s"
	}
}

// num formats a coordinate to a tenth of a pixel, as briefly as it can.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10+0, 'f', -1, 64)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// fit shortens s with an ellipsis to fit in width pixels.
func fit(s string, width, charW float64) string {
	r := []rune(s)
	n := int(width / charW)
	if len(r) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return escaper.Replace(s) }
