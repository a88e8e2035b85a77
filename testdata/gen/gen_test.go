package main

import (
	"bytes"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/rule"
)

// A variant is one way of writing the generated timeline: a format and
// its flags.
type variant struct {
	name   string
	format string
	pretty bool
	split  string
}

var variants = []variant{
	{"ndjson", "ndjson", false, ""},
	{"array", "array", false, ""},
	{"array-pretty", "array", true, ""},
	{"timeline", "timeline", false, ""},
	{"timeline-pretty", "timeline", true, ""},
	{"node", "node", false, ""},
	{"node-pretty", "node", true, ""},
	{"split-node", "ndjson", false, "node"},
	{"split-rank", "array", true, "rank"},
}

// generate writes what cfg asks for into dir and returns the files it
// wrote, sorted.
func generate(t *testing.T, cfg config, dir string) []string {
	t.Helper()
	cfg.out = dir
	if cfg.split == "" && cfg.format != "node" {
		cfg.out = filepath.Join(dir, "dump.json")
	}
	if err := run(&cfg, io.Discard, io.Discard); err != nil {
		t.Fatalf("gen -format %s -scenario %s: %v", cfg.format, cfg.scenario, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no output: %v", err)
	}
	return files
}

func baseConfig(scenario string, seed uint64) config {
	return config{n: 1000, seed: seed, nodes: 4, start: "2026-04-24T22:00:00+00:00", zulu: 0.3,
		failures: 0.05, scenario: scenario}
}

// TestOutputValidates validates every format and scenario the generator
// writes as flightline validate does, file by file. None has an error but
// newer-phase, which is written by a newer Skulk: its entries of the
// phase prefill_schedule, with a spanId, and a runner state in that
// phase break the schema, and nothing else does. The only warning is
// task-missing-rank where a rank is missing from what a file holds: the
// rank missing-rank leaves out and the node unreachable-node leaves out,
// whose absence a whole timeline shows, and every other rank in a file
// of a -split dump, which holds one node's or one rank's entries. (A node
// dump holds one node's runners too, but validate expects that of it.)
func TestOutputValidates(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) {
			for _, v := range variants {
				for _, seed := range []uint64{1, 7} {
					cfg := baseConfig(sc, seed)
					cfg.format, cfg.pretty, cfg.split = v.format, v.pretty, v.split
					errs, warns := map[rule.ID]int{}, map[rule.ID]int{}
					for _, file := range generate(t, cfg, t.TempDir()) {
						validateFile(t, file, sc == newerPhase, errs, warns)
					}
					wantErrs := []rule.ID{}
					if sc == newerPhase {
						wantErrs = []rule.ID{rule.Schema}
					}
					if got := slices.Sorted(maps.Keys(errs)); !slices.Equal(got, wantErrs) {
						t.Errorf("%s, seed %d: errors %v, want %v", v.name, seed, errs, wantErrs)
					}
					whole := v.split == "" && v.format != "node"
					missing := whole && (sc == missingRank || sc == unreachableNode)
					allowed := missing || v.split != ""
					if _, ok := warns[rule.TaskMissingRank]; (missing && !ok) || (!allowed && ok) {
						t.Errorf("%s, seed %d: warnings %v; task-missing-rank wanted %v, allowed %v", v.name, seed, warns, missing, allowed)
					}
					delete(warns, rule.TaskMissingRank)
					if len(warns) > 0 {
						t.Errorf("%s, seed %d: warnings %v", v.name, seed, warns)
					}
				}
			}
		})
	}
}

// validateFile validates one file of a dump, counting its findings by
// rule; a newer Skulk's schema error must be about what it adds.
func validateFile(t *testing.T, file string, newer bool, errs, warns map[rule.ID]int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	validate.Dump(file, f, validate.Options{}, func(fd validate.Finding) {
		if fd.Severity == rule.Error {
			errs[fd.Rule]++
		} else {
			warns[fd.Rule]++
		}
		newerSign := strings.Contains(fd.Message, `"`+newerPhaseName+`"`) || strings.HasSuffix(fd.Pointer, "/spanId")
		if fd.Severity == rule.Error && !(newer && fd.Rule == rule.Schema && newerSign) {
			t.Errorf("%s:%d: %s %s: %s", filepath.Base(file), fd.Line, fd.Rule, fd.Pointer, fd.Message)
		}
	})
}

// TestDeterministic: the same flags write the same files, byte for byte,
// in every format.
func TestDeterministic(t *testing.T) {
	for _, v := range variants {
		cfg := baseConfig(crash, 3)
		cfg.format, cfg.pretty, cfg.split = v.format, v.pretty, v.split
		a, b := t.TempDir(), t.TempDir()
		files := generate(t, cfg, a)
		generate(t, cfg, b)
		for _, fa := range files {
			x, _ := os.ReadFile(fa)
			y, err := os.ReadFile(filepath.Join(b, filepath.Base(fa)))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("%s: %s differs between two runs (%v)", v.name, filepath.Base(fa), err)
			}
		}
	}
}
