package explain

import (
	"io"
	"os"
	"testing"

	"github.com/flightline-dev/flightline/validate/merge"
)

type countingObserver struct{ entries, resets int }

func (c *countingObserver) Entry(raw []byte, e *Entry, loc Location) {
	if len(raw) == 0 || e.RunnerID == "" || loc.Line == 0 {
		panic("an entry without its text, runner or line")
	}
	c.entries++
}

func (c *countingObserver) Reset() { c.entries, c.resets = 0, c.resets+1 }

// TestReadObserved: the observer sees every entry the analysis counts,
// and the merge's report comes back with the analysis.
func TestReadObserved(t *testing.T) {
	file := "../../testdata/sample/stuck-barrier.ndjson"
	in := []merge.Input{{Name: file, Open: func() (io.ReadCloser, error) { return os.Open(file) }}}
	var obs countingObserver
	res, rep, _, err := ReadObserved(in, Options{}, 0, &obs)
	if err != nil {
		t.Fatal(err)
	}
	if obs.entries != res.Entries || res.Entries != 600 || rep.Entries != 600 {
		t.Errorf("observed %d entries, analyzed %d, merged %d; want 600", obs.entries, res.Entries, rep.Entries)
	}
	if len(res.Suspects) != 1 {
		t.Errorf("%d suspects, want the one of the sample", len(res.Suspects))
	}
}
