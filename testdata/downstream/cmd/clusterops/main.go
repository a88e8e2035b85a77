// Command clusterops merges the NDJSON timeline dumps of a cluster's ranks
// into one timeline on standard output, or counts its entries by phase.
//
//	clusterops [-sort] [-phases LIST] [-hist] DUMP...
package main

import (
	"errors"
	"flag"
	"fmt"
	"iter"
	"os"
	"slices"

	"example.com/clusterops/internal/timeline"
	"example.com/clusterops/ops"
)

func main() {
	sortDumps := flag.Bool("sort", false, "sort each dump first, for dumps that may be out of order")
	phaseList := flag.String("phases", "", "comma-separated `phases` to keep (default all)")
	hist := flag.Bool("hist", false, "print how many entries each phase holds instead of the timeline")
	flag.Parse()
	paths := flag.Args()
	if err := run(*sortDumps, *phaseList, *hist, paths); err != nil {
		// A merge error names its source by index: name the file instead.
		if me := (*timeline.MergeError)(nil); errors.As(err, &me) {
			err = fmt.Errorf("%s: %w", paths[me.Source], err)
		}
		fmt.Fprintln(os.Stderr, "clusterops:", err)
		os.Exit(1)
	}
}

func run(sortDumps bool, phaseList string, hist bool, paths []string) error {
	var phases []timeline.Phase
	if phaseList != "" {
		var err error
		if phases, err = ops.ParsePhases(phaseList); err != nil {
			return err
		}
	}
	var ranks []iter.Seq2[timeline.Entry, error]
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		dump := inFile(path, ops.ReadNDJSON(f))
		if sortDumps {
			s, err := ops.Sorted(dump)
			if err != nil {
				return err
			}
			dump = func(yield func(timeline.Entry, error) bool) {
				for _, e := range s {
					if !yield(e, nil) {
						return
					}
				}
			}
		}
		ranks = append(ranks, dump)
	}
	if !hist {
		_, err := ops.MergeRanks(os.Stdout, phases, ranks...)
		return err
	}
	h, err := ops.PhaseHistogram(timeline.Merge(ranks...))
	if err != nil {
		return err
	}
	for _, c := range h {
		if len(phases) == 0 || slices.Contains(phases, c.Phase) {
			fmt.Printf("%-24s %d\n", c.Phase, c.Count)
		}
	}
	return nil
}

// inFile prefixes the errors of a dump with its path.
func inFile(path string, dump iter.Seq2[timeline.Entry, error]) iter.Seq2[timeline.Entry, error] {
	return func(yield func(timeline.Entry, error) bool) {
		for e, err := range dump {
			if err != nil {
				err = fmt.Errorf("%s: %w", path, err)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}
