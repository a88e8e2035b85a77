// Command benchcompare times flightline's commands, and flightline against
// its peers, on one generated dump.
//
// It prints a table: median seconds and their range, CPU seconds, entries per second, peak RSS, and how many times
// the time of the row's reference each takes, with the target where the
// project has one. It is what make bench-compare runs.
//
//	go run ./testdata/benchcompare [-n 1000000] [-runs 3] [-rows validate,timeline,...]
//
// The dump, N entries of NDJSON, the same entries as one ClusterTimeline
// document, and 8 per-rank files holding N entries in all, come from the
// project's data generator (testdata/gen). The rows, and what each is
// compared with:
//
//	validate    flightline validate of the NDJSON dump: the generated
//	            validator, with the timestamp, order and rank rules; the
//	            reference of the rows below but ranks and merge
//	timeline    flightline validate of the ClusterTimeline document
//	ranks       flightline validate of the 8 per-rank files: the reference
//	            of merge
//	merge       flightline merge -o of the 8 per-rank files into one timeline
//	explain     flightline explain of the NDJSON dump
//	export      flightline export --format chrome -o of the NDJSON dump
//	schema      flightline validate --schema: the NDJSON dump through
//	            jsonschema/v5, the general path
//	sourcemeta  the sourcemeta jsonschema CLI (Blaze), validate --fast, schema
//	            only; installed from npm into the cache directory when missing
//	baseline    jsonschema/v5 per line as a plain program would use it:
//	            decode with UseNumber, then Validate (not in the default rows:
//	            it takes minutes)
//
// The runs alternate between the rows, round by round, so that a slow
// moment of the machine does not fall on one tool only, and a row's ratio
// is the median of its ratios to its reference in the same round; its CPU
// ratio is the same of CPU time, which tells more than the time on a
// machine whose other work leaves a process less than all of its cores. Peak RSS
// is the maximum resident set size the kernel reports for the process, and
// CPU seconds its user and system time; the load average of the machine
// before and after is printed with the table. Nothing is asserted: timings
// belong in closing notes, not in tests.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

const entrySchema = "schema/cluster_timeline_entry.schema.json"

// defaultRows are the rows run without -rows.
const defaultRows = "validate,timeline,ranks,merge,explain,export,schema,sourcemeta"

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-baseline-run" {
		os.Exit(baselineRun(entrySchema, os.Args[2]))
	}
	n := flag.Int("n", 1000000, "entries in the dump")
	runs := flag.Int("runs", 3, "rounds of runs; the table shows the median")
	rowList := flag.String("rows", defaultRows, "comma-separated `rows`: validate, timeline, ranks, merge, explain, export, schema, sourcemeta, baseline")
	cache := flag.String("cache", defaultCache(), "`directory` the peer CLI is installed into")
	sourcemeta := flag.String("sourcemeta-version", "16.11.0", "`version` of @sourcemeta/jsonschema to install from npm")
	flag.Parse()
	if err := run(*n, *runs, strings.Split(*rowList, ","), *cache, *sourcemeta); err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}

func defaultCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "flightline-benchcompare")
}

// A row is one tool timed on the dump.
type row struct {
	key     string // its name in -rows
	name    string
	cmd     []string // nil: unavailable, for the reason in skip
	skip    string
	entries int
	// ref is the key of the row its time is compared with, and target
	// the ratio the project aims at ("" for none).
	ref       string
	target    string
	times     []time.Duration
	cpu       []time.Duration // user and system time
	ratios    []float64       // to ref, round by round
	cpuRatios []float64       // of CPU time, to ref's, round by round
	rss       int64           // bytes, the largest of the runs
	failed    string
}

// files are the inputs the rows read, generated on demand.
type files struct {
	work, dump, timeline, ranks string
	rankFiles                   []string
}

func run(n, runs int, names []string, cache, sourcemetaVersion string) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run it from the repository root (make bench-compare does)")
	}
	work, err := os.MkdirTemp("", "benchcompare")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	say("building flightline")
	bin := filepath.Join(work, "flightline")
	if err := command("go", "build", "-o", bin, "./cmd/flightline"); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := generate(work, n, names)
	if err != nil {
		return err
	}
	rows, err := makeRows(names, n, f, bin, self, cache, sourcemetaVersion)
	if err != nil {
		return err
	}

	loadBefore := loadAverage()
	for round := 1; round <= runs; round++ {
		this, thisCPU := map[string]time.Duration{}, map[string]time.Duration{}
		for _, r := range rows {
			if r.cmd == nil || r.failed != "" {
				continue
			}
			say(fmt.Sprintf("round %d/%d: %s", round, runs, r.name))
			d, cpu, rss, err := timed(r.cmd)
			if err != nil {
				r.failed = err.Error()
				continue
			}
			r.times, r.cpu = append(r.times, d), append(r.cpu, cpu)
			r.rss = max(r.rss, rss)
			this[r.key], thisCPU[r.key] = d, cpu
		}
		for _, r := range rows {
			if ref, ok := this[r.ref]; ok && r.ref != r.key && this[r.key] > 0 {
				r.ratios = append(r.ratios, this[r.key].Seconds()/ref.Seconds())
				r.cpuRatios = append(r.cpuRatios, thisCPU[r.key].Seconds()/thisCPU[r.ref].Seconds())
			}
		}
	}
	printTable(os.Stdout, rows, n, runs, loadBefore, loadAverage())
	return nil
}

// generate writes the inputs the rows named read into work.
func generate(work string, n int, names []string) (*files, error) {
	f := &files{work: work, dump: filepath.Join(work, "dump.jsonl"), timeline: filepath.Join(work, "timeline.json"), ranks: filepath.Join(work, "ranks")}
	// The sourcemeta CLI picks the instance format by extension: .jsonl
	// is read as JSON Lines. flightline reads it as NDJSON either way.
	say(fmt.Sprintf("generating %d entries", n))
	gen := []string{"run", "./testdata/gen", "-n", fmt.Sprint(n)}
	if err := command("go", append(gen, "-out", f.dump)...); err != nil {
		return nil, err
	}
	if slices.Contains(names, "timeline") {
		say(fmt.Sprintf("generating %d entries as one ClusterTimeline document", n))
		if err := command("go", append(gen, "-format", "timeline", "-out", f.timeline)...); err != nil {
			return nil, err
		}
	}
	if slices.Contains(names, "merge") || slices.Contains(names, "ranks") {
		say(fmt.Sprintf("generating %d entries in 8 per-rank files", n))
		if err := command("go", append(gen, "-nodes", "8", "-instances", "8", "-split", "rank", "-out", f.ranks)...); err != nil {
			return nil, err
		}
		f.rankFiles, _ = filepath.Glob(filepath.Join(f.ranks, "*.ndjson"))
	}
	return f, nil
}

// makeRows makes the rows named, in order.
func makeRows(names []string, n int, f *files, bin, self, cache, sourcemetaVersion string) ([]*row, error) {
	var rows []*row
	for _, name := range names {
		r := &row{key: name, entries: n, ref: "validate"}
		switch name {
		case "validate":
			r.name, r.cmd = "flightline validate", []string{bin, "validate", f.dump}
		case "timeline":
			r.name, r.cmd, r.target = "flightline validate, one ClusterTimeline", []string{bin, "validate", f.timeline}, "<= 1.2x"
		case "ranks":
			r.name, r.cmd = "flightline validate, 8 per-rank files", append([]string{bin, "validate"}, f.rankFiles...)
		case "merge":
			r.name, r.ref, r.target = "flightline merge, 8 per-rank files", "ranks", "<= 1.3x"
			r.cmd = append([]string{bin, "merge", "-o", filepath.Join(f.work, "merged.ndjson")}, f.rankFiles...)
		case "explain":
			r.name, r.cmd, r.target = "flightline explain", []string{bin, "explain", f.dump}, "<= 1.3x"
		case "export":
			r.name, r.target = "flightline export --format chrome", "<= 2.5x"
			r.cmd = []string{bin, "export", "--format", "chrome", "-o", filepath.Join(f.work, "trace.json"), f.dump}
		case "schema":
			r.name, r.cmd = "flightline validate --schema (jsonschema/v5)", []string{bin, "validate", "--schema", entrySchema, f.dump}
		case "sourcemeta":
			r.name, r.target = "jsonschema validate --fast (sourcemeta "+sourcemetaVersion+")", ">= 15x"
			if cli, err := installSourcemeta(cache, sourcemetaVersion); err != nil {
				r.skip = err.Error()
			} else {
				r.cmd = []string{cli, "validate", "--fast", entrySchema, f.dump}
			}
		case "baseline":
			r.name, r.cmd = "jsonschema/v5 per line, one goroutine", []string{self, "-baseline-run", f.dump}
		default:
			return nil, fmt.Errorf("unknown row %q; want validate, timeline, ranks, merge, explain, export, schema, sourcemeta or baseline", name)
		}
		if r.ref == "ranks" && !slices.Contains(names, "ranks") || r.ref == "validate" && !slices.Contains(names, "validate") {
			r.ref = "" // no reference in this run
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// timed runs the command and returns its wall time, its CPU time and its
// peak RSS.
func timed(args []string) (wall, cpu time.Duration, rss int64, err error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	// explain's exit status 1 is a verdict, not a failure.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1 && filepath.Base(args[0]) == "flightline" && args[1] == "explain") {
		return 0, 0, 0, fmt.Errorf("%s: %v: %s", filepath.Base(args[0]), err, firstLine(stderr.String()))
	}
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(u.Maxrss) * 1024 // kilobytes on Linux
		cpu = time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	return wall, cpu, rss, nil
}

// loadAverage is the machine's load average over the last minute, or ""
// where the system does not say.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Fields(string(data))[0]
}

func printTable(w io.Writer, rows []*row, n, runs int, loadBefore, loadAfter string) {
	fmt.Fprintf(w, "\n%d entries, %d rounds, %s, %d CPUs", n, runs, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	if loadBefore != "" {
		fmt.Fprintf(w, ", load average %s before and %s after", loadBefore, loadAfter)
	}
	fmt.Fprint(w, "\n\n")
	names := map[string]string{}
	for _, r := range rows {
		names[r.key] = r.name
	}
	table := [][]string{{"tool", "median s", "range s", "CPU s", "entries/s", "peak RSS", "ratio (range)", "CPU ratio", "of", "target"}}
	for _, r := range rows {
		switch {
		case r.cmd == nil:
			table = append(table, []string{r.name, "", "", "", "", "", "", "", "unavailable: " + r.skip, ""})
			continue
		case len(r.times) == 0:
			table = append(table, []string{r.name, "", "", "", "", "", "", "", "failed: " + r.failed, ""})
			continue
		}
		m := median(r.times)
		ratio, cpuRatio, of := "", "", ""
		if len(r.ratios) > 0 {
			ratio = fmt.Sprintf("%.2fx (%.2f-%.2f)", median(r.ratios), slices.Min(r.ratios), slices.Max(r.ratios))
			cpuRatio = fmt.Sprintf("%.2fx", median(r.cpuRatios))
			of = names[r.ref]
		}
		table = append(table, []string{r.name, fmt.Sprintf("%.2f", m.Seconds()),
			fmt.Sprintf("%.2f-%.2f", slices.Min(r.times).Seconds(), slices.Max(r.times).Seconds()), fmt.Sprintf("%.2f", median(r.cpu).Seconds()),
			fmt.Sprintf("%.0f", float64(r.entries)/m.Seconds()), megabytes(r.rss), ratio, cpuRatio, of, r.target})
	}
	// The words read left to right; the numbers line up right.
	left := map[int]bool{0: true, 8: true, 9: true}
	widths := make([]int, len(table[0]))
	for _, cells := range table {
		for i, c := range cells {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, cells := range table {
		var line strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if left[i] {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
			line.WriteString("  ")
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func megabytes(b int64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%d MB", (b+1<<19)>>20)
}

// installSourcemeta returns the sourcemeta CLI's native binary, installing
// the npm package into cache when it is missing. The binary is run
// directly, not through the package's node wrapper, so that the time and
// memory are the validator's own.
func installSourcemeta(cache, version string) (string, error) {
	dir := filepath.Join(cache, "sourcemeta-"+version)
	bin := func() (string, error) {
		name := map[string]string{"linux/amd64": "jsonschema-linux-x86_64", "linux/arm64": "jsonschema-linux-arm64",
			"darwin/amd64": "jsonschema-darwin-x86_64", "darwin/arm64": "jsonschema-darwin-arm64"}[runtime.GOOS+"/"+runtime.GOARCH]
		if name == "" {
			return "", fmt.Errorf("no sourcemeta binary for %s/%s", runtime.GOOS, runtime.GOARCH)
		}
		path := filepath.Join(dir, "node_modules", "@sourcemeta", "jsonschema", "build", "github-releases", name)
		_, err := os.Stat(path)
		return path, err
	}
	if path, err := bin(); err == nil {
		return path, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", errors.New("npm is not installed (apt-get install npm)")
	}
	say("installing @sourcemeta/jsonschema@" + version + " from npm into " + dir)
	if err := command("npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "@sourcemeta/jsonschema@"+version); err != nil {
		return "", fmt.Errorf("npm install failed: %v", err)
	}
	return bin()
}

// baselineRun validates the NDJSON file line by line the plain way, the
// baseline the issue measured: a json.Decoder with UseNumber, then
// Validate, on one goroutine. It exits 1 if an entry is invalid.
func baselineRun(schemaFile, file string) int {
	sch, err := jsonschema.NewCompiler().Compile(schemaFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	bad := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			d := json.NewDecoder(bytes.NewReader(line))
			d.UseNumber()
			var v any
			if d.Decode(&v) != nil || sch.Validate(v) != nil {
				bad++
			}
		}
		if err != nil {
			break
		}
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "%d invalid entries\n", bad)
		return 1
	}
	return 0
}

func command(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return nil
}

func say(s string) { fmt.Fprintln(os.Stderr, "benchcompare:", s) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
