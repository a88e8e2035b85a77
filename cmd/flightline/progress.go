package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/flightline-dev/flightline/validate/human"
)

// A progress shows, on standard error when it is a terminal, how much of
// a command's input has been read, once the command has run for a while
// (env.progressAfter). It counts the bytes read from each input against
// their total size; an input read again (merge starting over) counts from
// its start again. Without a terminal, or with --quiet, it does nothing.
type progress struct {
	e     *env
	what  string
	total int64 // -1 when some input's size is unknown
	read  []atomic.Int64

	mu      sync.Mutex // guards bar and the lines written beside it
	bar     *progressbar.ProgressBar
	stderr  io.Writer // standard error, which the bar draws on
	start   time.Time
	stop    chan struct{}
	stopped sync.WaitGroup
}

// newProgress starts the progress of what (the command's name) over
// inputs of the given sizes, -1 for a size that is not known.
func newProgress(e *env, what string, sizes []int64) *progress {
	p := &progress{e: e, what: what, read: make([]atomic.Int64, len(sizes)), start: time.Now()}
	if !e.stderrTerminal || e.quiet {
		return p
	}
	for _, s := range sizes {
		if s < 0 {
			p.total = -1
			break
		}
		p.total += s
	}
	p.stop = make(chan struct{})
	p.stopped.Add(1)
	go p.run()
	return p
}

// startProgress starts the progress of a command. Until it finishes,
// e.stderr takes the bar off the screen before each write, and writes
// nothing while the bar is drawn.
func (e *env) startProgress(what string, sizes []int64) *progress {
	p := newProgress(e, what, sizes)
	if p.stop != nil {
		p.stderr = e.stderr
		e.stderr = &besideBar{p}
	}
	return p
}

// besideBar writes to standard error beside a progress bar: the bar comes
// off the screen first, and back on the next tick.
type besideBar struct{ p *progress }

func (b *besideBar) Write(text []byte) (int, error) {
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	if b.p.bar != nil {
		b.p.bar.Clear()
	}
	return b.p.stderr.Write(text)
}

// reader counts what is read from r as input i, from zero.
func (p *progress) reader(i int, r io.Reader) io.Reader {
	if p.stop == nil {
		return r
	}
	p.read[i].Store(0)
	return &countingReader{r: r, n: &p.read[i]}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (p *progress) run() {
	defer p.stopped.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		elapsed := time.Since(p.start)
		if elapsed < p.e.progressAfter {
			continue
		}
		var n int64
		for i := range p.read {
			n += p.read[i].Load()
		}
		p.mu.Lock()
		if p.bar == nil {
			p.bar = progressbar.NewOptions64(p.total,
				progressbar.OptionSetWriter(p.stderr),
				// Drawn only here, under p.mu: no drawing goroutine of
				// its own for a bar of unknown length.
				progressbar.OptionSetSpinnerChangeInterval(0),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetElapsedTime(false),
				progressbar.OptionSetPredictTime(false),
				progressbar.OptionSetWidth(30),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond),
			)
		}
		p.bar.Describe(p.describe(elapsed, n))
		if p.total < 0 || n < p.total {
			p.bar.Set64(n)
		}
		p.mu.Unlock()
	}
}

// describe is "merge 12.3s" and, when the total is known and some of it
// read, how long the rest should take.
func (p *progress) describe(elapsed time.Duration, n int64) string {
	d := p.what + " " + human.Duration(elapsed)
	if p.total > 0 && n > 0 && n < p.total {
		left := time.Duration(float64(elapsed) * float64(p.total-n) / float64(n))
		d += fmt.Sprintf(", %s left", human.Duration(left))
	}
	return d
}

// finish stops the progress and takes its bar off the screen.
func (p *progress) finish() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.stopped.Wait()
	p.stop = nil
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
		p.bar = nil
	}
	p.e.stderr = p.stderr
}
