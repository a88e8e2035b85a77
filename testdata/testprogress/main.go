// Command testprogress runs go test and says how it goes, package by
// package, as make test prints it.
//
// It prints a line when a package is done, the tests that took long, a
// line every half minute for a package still at work (naming its running
// tests), the whole output of each failed test, and a closing count.
//
//	go run ./testdata/testprogress [go test flags] packages...
//
// It runs go test -json with the arguments and exits with go test's exit
// status.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flightline-dev/flightline/validate/human"
)

// event is one line of go test -json (see go doc test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // of build-output and build-fail
	FailedBuild string
}

// slow is how long a test runs before its time is worth a line.
const slow = 10 * time.Second

func main() {
	cmd := exec.Command("go", append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	p := newPrinter(os.Stdout, time.Now)
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(30 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				p.still()
			}
		}
	}()
	p.read(out)
	close(stop)
	err = cmd.Wait()
	p.close()
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
}

// A printer turns test events into progress lines.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	start time.Time

	output  map[string][]string        // package/test -> its output so far
	running map[string]map[string]bool // package -> its tests running
	since   map[string]time.Time       // package -> when it started

	passed, failed, skipped int
	badPackages             []string
}

func newPrinter(w io.Writer, now func() time.Time) *printer {
	return &printer{w: w, now: now, start: now(), output: map[string][]string{},
		running: map[string]map[string]bool{}, since: map[string]time.Time{}}
}

// read handles the events of r; a line that is not an event is printed.
func (p *printer) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			p.mu.Lock()
			fmt.Fprintln(p.w, sc.Text())
			p.mu.Unlock()
			continue
		}
		p.event(&e)
	}
}

func (p *printer) event(e *event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := e.Package + " " + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(p.w, e.Output)
	case "start":
		p.since[e.Package] = p.now()
	case "run":
		if p.running[e.Package] == nil {
			p.running[e.Package] = map[string]bool{}
		}
		p.running[e.Package][e.Test] = true
	case "output":
		p.output[key] = append(p.output[key], e.Output)
	case "pass", "fail", "skip":
		elapsed := time.Duration(e.Elapsed * float64(time.Second))
		if e.Test == "" {
			p.packageDone(e, elapsed)
			return
		}
		delete(p.running[e.Package], e.Test)
		top := !strings.Contains(e.Test, "/")
		switch e.Action {
		case "pass":
			p.passed++
			if top && elapsed >= slow {
				fmt.Fprintf(p.w, "       %s %s\n", e.Test, human.Duration(elapsed))
			}
		case "skip":
			p.skipped++
		case "fail":
			p.failed++
			fmt.Fprintf(p.w, "--- FAIL: %s (%s)\n", e.Test, human.Duration(elapsed))
			for _, l := range p.output[key] {
				if !strings.HasPrefix(l, "=== ") {
					fmt.Fprint(p.w, l)
				}
			}
		}
		delete(p.output, key)
	}
}

// packageDone prints the line of a finished package, as go test does.
func (p *printer) packageDone(e *event, elapsed time.Duration) {
	delete(p.running, e.Package)
	delete(p.since, e.Package)
	out := p.output[e.Package+" "]
	delete(p.output, e.Package+" ")
	switch {
	case e.Action == "fail":
		p.badPackages = append(p.badPackages, e.Package)
		// Output outside any test: a panic, a TestMain failure, a build error.
		for _, l := range out {
			if l != "FAIL\n" && !strings.HasPrefix(l, "FAIL\t") {
				fmt.Fprint(p.w, l)
			}
		}
		fmt.Fprintf(p.w, "FAIL   %s %s\n", e.Package, human.Duration(elapsed))
	case slices.ContainsFunc(out, func(l string) bool { return strings.Contains(l, "[no test files]") }):
		fmt.Fprintf(p.w, "-      %s (no tests)\n", e.Package)
	default:
		fmt.Fprintf(p.w, "ok     %s %s\n", e.Package, human.Duration(elapsed))
	}
}

// still names the packages at work for over half a minute and their
// running tests.
func (p *printer) still() {
	p.mu.Lock()
	defer p.mu.Unlock()
	var pkgs []string
	for pkg, t := range p.since {
		if p.now().Sub(t) >= 30*time.Second {
			pkgs = append(pkgs, pkg)
		}
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		var tests []string
		for t := range p.running[pkg] {
			if !strings.Contains(t, "/") {
				tests = append(tests, t)
			}
		}
		sort.Strings(tests)
		line := fmt.Sprintf("...    %s still running after %s", pkg, human.Duration(p.now().Sub(p.since[pkg])))
		if len(tests) > 0 {
			line += ": " + strings.Join(tests, ", ")
		}
		fmt.Fprintln(p.w, line)
	}
}

// close prints the closing count.
func (p *printer) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.badPackages) > 0 {
		fmt.Fprintf(p.w, "failed packages: %s\n", strings.Join(p.badPackages, " "))
	}
	fmt.Fprintf(p.w, "go test ran for %s\n", human.Duration(p.now().Sub(p.start)))
	fmt.Fprintf(p.w, "tests: %d passed, %d failed, %d skipped\n", p.passed, p.failed, p.skipped)
}
