// Command benchcompare times flightline against its peers on one generated
// dump and prints a table: median seconds, entries per second, peak RSS,
// and how many times flightline validate's time each takes. It is what
// make bench-compare runs.
//
//	go run ./testdata/benchcompare [-n 1000000] [-runs 3] [-rows validate,schema,sourcemeta,merge]
//
// The dump, N entries of NDJSON, and 8 per-rank files holding N entries in
// all for the merge row, come from the project's data generator
// (testdata/gen). The rows:
//
//	validate    flightline validate: the generated validator, with the
//	            timestamp, order and rank rules
//	schema      flightline validate --schema: the same dump through
//	            jsonschema/v5, the general path
//	sourcemeta  the sourcemeta jsonschema CLI (Blaze), validate --fast, schema
//	            only; installed from npm into the cache directory when missing
//	baseline    jsonschema/v5 per line as a plain program would use it:
//	            decode with UseNumber, then Validate (not in the default rows:
//	            it takes minutes)
//	merge       flightline merge of the 8 per-rank files into one timeline
//
// The runs alternate between the rows, round by round, so that a slow
// moment of the machine does not fall on one tool only. Peak RSS is the
// maximum resident set size the kernel reports for the process. Nothing is
// asserted: timings belong in closing notes, not in tests.
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

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-baseline-run" {
		os.Exit(baselineRun(entrySchema, os.Args[2]))
	}
	n := flag.Int("n", 1000000, "entries in the dump")
	runs := flag.Int("runs", 3, "rounds of runs; the table shows the median")
	rowList := flag.String("rows", "validate,schema,sourcemeta,merge", "comma-separated `rows`: validate, schema, sourcemeta, baseline, merge")
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
	name    string
	cmd     []string // nil: unavailable, for the reason in skip
	skip    string
	entries int
	times   []time.Duration
	rss     int64 // bytes, the largest of the runs
	failed  string
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
	// The sourcemeta CLI picks the instance format by extension: .jsonl
	// is read as JSON Lines. flightline reads it as NDJSON either way.
	dump := filepath.Join(work, "dump.jsonl")
	say(fmt.Sprintf("generating %d entries", n))
	if err := command("go", "run", "./testdata/gen", "-n", fmt.Sprint(n), "-out", dump); err != nil {
		return err
	}
	ranks := filepath.Join(work, "ranks")
	var rankFiles []string
	if slices.Contains(names, "merge") {
		say(fmt.Sprintf("generating %d entries in 8 per-rank files", n))
		if err := command("go", "run", "./testdata/gen", "-n", fmt.Sprint(n), "-nodes", "8", "-instances", "8", "-split", "rank", "-out", ranks); err != nil {
			return err
		}
		rankFiles, _ = filepath.Glob(filepath.Join(ranks, "*.ndjson"))
	}

	var rows []*row
	for _, name := range names {
		r := &row{entries: n}
		switch name {
		case "validate":
			r.name, r.cmd = "flightline validate", []string{bin, "validate", dump}
		case "schema":
			r.name, r.cmd = "flightline validate --schema (jsonschema/v5)", []string{bin, "validate", "--schema", entrySchema, dump}
		case "sourcemeta":
			r.name = "jsonschema validate --fast (sourcemeta " + sourcemetaVersion + ")"
			if cli, err := installSourcemeta(cache, sourcemetaVersion); err != nil {
				r.skip = err.Error()
			} else {
				r.cmd = []string{cli, "validate", "--fast", entrySchema, dump}
			}
		case "baseline":
			r.name, r.cmd = "jsonschema/v5 per line, one goroutine", []string{self, "-baseline-run", dump}
		case "merge":
			r.name = "flightline merge, 8 per-rank files"
			r.cmd = append([]string{bin, "merge", "-o", filepath.Join(work, "merged.ndjson")}, rankFiles...)
		default:
			return fmt.Errorf("unknown row %q; want validate, schema, sourcemeta, baseline or merge", name)
		}
		rows = append(rows, r)
	}

	for round := 1; round <= runs; round++ {
		for _, r := range rows {
			if r.cmd == nil || r.failed != "" {
				continue
			}
			say(fmt.Sprintf("round %d/%d: %s", round, runs, r.name))
			d, rss, err := timed(r.cmd)
			if err != nil {
				r.failed = err.Error()
				continue
			}
			r.times = append(r.times, d)
			r.rss = max(r.rss, rss)
		}
	}
	printTable(os.Stdout, rows, n, runs)
	return nil
}

// timed runs the command and returns its wall time and peak RSS.
func timed(args []string) (time.Duration, int64, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %v: %s", filepath.Base(args[0]), err, firstLine(stderr.String()))
	}
	var rss int64
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(u.Maxrss) * 1024 // kilobytes on Linux
	}
	return d, rss, nil
}

func printTable(w io.Writer, rows []*row, n, runs int) {
	fmt.Fprintf(w, "\n%d entries, %d rounds, %s, %d CPUs\n\n", n, runs, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU())
	table := [][]string{{"tool", "median s", "entries/s", "peak RSS", "vs flightline validate", "runs (s)"}}
	var ref time.Duration
	for _, r := range rows {
		if r.name == "flightline validate" && len(r.times) > 0 {
			ref = median(r.times)
		}
	}
	for _, r := range rows {
		switch {
		case r.cmd == nil:
			table = append(table, []string{r.name, "", "", "", "", "unavailable: " + r.skip})
			continue
		case len(r.times) == 0:
			table = append(table, []string{r.name, "", "", "", "", "failed: " + r.failed})
			continue
		}
		m := median(r.times)
		ratio := "-"
		if ref > 0 && !strings.Contains(r.name, "merge") {
			ratio = fmt.Sprintf("%.1fx", m.Seconds()/ref.Seconds())
		}
		var each []string
		for _, t := range r.times {
			each = append(each, fmt.Sprintf("%.2f", t.Seconds()))
		}
		table = append(table, []string{r.name, fmt.Sprintf("%.2f", m.Seconds()), fmt.Sprintf("%.0f", float64(r.entries)/m.Seconds()),
			megabytes(r.rss), ratio, strings.Join(each, " ")})
	}
	// The tool and the runs read left to right; the numbers line up right.
	widths := make([]int, len(table[0]))
	for _, cells := range table {
		for i, c := range cells {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, cells := range table {
		var line strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-len(c))
			if i == 0 || i == len(cells)-1 {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
			line.WriteString("  ")
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

func median(ts []time.Duration) time.Duration {
	s := slices.Clone(ts)
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
