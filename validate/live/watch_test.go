package live

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
	"github.com/flightline-dev/flightline/validate/live/livetest"
	"github.com/flightline-dev/flightline/validate/merge"
)

// TestWatchKeepsMoreThanTheRing polls a cluster whose rings roll over: the
// archive ends up with every entry each runner recorded, well beyond 128,
// in segments that validate without errors and merge into one timeline.
func TestWatchKeepsMoreThanTheRing(t *testing.T) {
	s := livetest.Rolling(3, 50)
	defer s.Close()
	dir := t.TempDir()
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	var log strings.Builder
	w := &Watcher{Client: &Client{}, URL: s.URL, Archive: a, Log: &log, Metrics: NewMetrics(reg)}
	for range 8 {
		if err := w.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	if s.Total() != 400 {
		t.Fatalf("the cluster recorded %d entries a runner, want 400", s.Total())
	}
	segs, _ := Segments(dir)
	var inputs []merge.Input
	for _, name := range segs {
		f, _ := os.Open(name)
		validate.Dump(name, f, validate.Options{}, func(f validate.Finding) {
			if f.Severity.String() == "error" {
				t.Errorf("%s:%d: %s %s", f.Path, f.Line, f.Rule, f.Message)
			}
		})
		f.Close()
		inputs = append(inputs, merge.Input{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }})
	}
	rep, err := merge.Merge(inputs, merge.Options{}, func() error { return nil }, func(*merge.Entry) error { return nil })
	if err != nil || rep.Entries != 3*400 || rep.Duplicates != 0 {
		t.Errorf("the archive merges into %d entries (%d duplicates), %v; want %d", rep.Entries, rep.Duplicates, err, 3*400)
	}

	// The metrics endpoint answers.
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"flightline_polls_total 8", "flightline_archived_entries_total 1200",
		`flightline_runner_phase{instance="instance-0",node="node-1",phase="decode_stream",rank="1",runner="runner-1"} 1`,
		`flightline_suspects{kind="behind-peer"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// TestWatchSurvivesTheClusterGoingAway: a cluster out of reach is said once
// and again when it is back, and the watch goes on.
func TestWatchSurvivesTheClusterGoingAway(t *testing.T) {
	s := livetest.Rolling(2, 10)
	defer s.Close()
	a, _ := OpenArchive(t.TempDir())
	defer a.Close()
	var log strings.Builder
	up := true
	reg := prometheus.NewRegistry()
	w := &Watcher{Client: &Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		if !up {
			return nil, io.ErrUnexpectedEOF
		}
		return http.DefaultTransport.RoundTrip(r)
	})}, URL: s.URL, Archive: a, Log: &log, Metrics: NewMetrics(reg)}
	for _, u := range []bool{true, false, false, true} {
		up = u
		if err := w.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Count(log.String(), "cluster out of reach") != 1 || strings.Count(log.String(), "cluster back") != 1 {
		t.Errorf("log:\n%s", log.String())
	}
	if polls, errors := gauge(t, reg, "flightline_polls_total", nil), gauge(t, reg, "flightline_poll_errors_total", nil); polls != 4 || errors != 2 {
		t.Errorf("%v polls, %v poll errors; want 4 and 2", polls, errors)
	}
	// Run stops when its context is done, the archive closed.
	if a.seg == nil {
		t.Fatal("no segment open before Run: the test would show nothing")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	w.Interval = 10 * time.Millisecond
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if a.seg != nil {
		t.Error("Run left the archive's segment open")
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestWatchSaysWhenTheVerdictChanges: a new suspect is a line, and so is
// its end.
func TestWatchSaysWhenTheVerdictChanges(t *testing.T) {
	s := scenario(t, "hung", false)
	a, _ := OpenArchive(t.TempDir())
	defer a.Close()
	var log strings.Builder
	w := &Watcher{Client: &Client{}, URL: s.URL, Archive: a, Log: &log}
	w.Poll(context.Background())
	w.Poll(context.Background()) // the same verdict: nothing to say
	idle, _ := os.ReadFile(filepath.Join(skulkdata.Dir(t), "clusters", "empty", "cluster_timeline.json"))
	s.Set(TimelinePath, idle)
	w.Poll(context.Background())
	got := log.String()
	if strings.Count(got, "Z suspect: rank 1 of task 43f2f773-4c3c-434f-884d-997386b03d3f: behind-peer") != 1 ||
		!strings.Contains(got, "no longer a suspect: rank 1") || !strings.Contains(got, "verdict: no rank holds the others up") {
		t.Errorf("log:\n%s", got)
	}
}

// TestMetricsScrapedDuringAPoll: a scrape while a look sets the runners'
// gauges sees every runner of one snapshot, never none.
func TestMetricsScrapedDuringAPoll(t *testing.T) {
	s := livetest.Rolling(2, 10)
	defer s.Close()
	a, err := OpenArchive(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	reg := prometheus.NewRegistry()
	w := &Watcher{Client: &Client{}, URL: s.URL, Archive: a, Metrics: NewMetrics(reg)}
	if err := w.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 30 {
			if err := w.Poll(context.Background()); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for scrapes := 0; ; scrapes++ {
		select {
		case <-done:
			if scrapes == 0 {
				t.Error("no scrape ran during the polls")
			}
			return
		default:
		}
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		runners := 0
		for _, f := range families {
			if f.GetName() == "flightline_runner_seconds_in_phase" {
				runners = len(f.GetMetric())
			}
		}
		if runners != 2 {
			t.Fatalf("scrape %d saw %d runners' seconds in phase, want 2", scrapes, runners)
		}
	}
}

// TestArchiveExplainsAsTheClusterDid: explain on the archive of a hung
// cluster, where nothing ran after the hang, gives the verdict the live
// cluster gave: the snapshot beside the segments sets the clock to the
// last look, not to the last entry.
func TestArchiveExplainsAsTheClusterDid(t *testing.T) {
	s := scenario(t, "hung", false)
	dir := t.TempDir()
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := &Watcher{Client: &Client{}, URL: s.URL, Archive: a}
	if err := w.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.Close()
	docs, _, err := w.Client.Cluster(context.Background(), s.URL)
	if err != nil {
		t.Fatal(err)
	}
	liveRes, _, err := explain.Read(Inputs(docs), explain.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := Segments(dir)
	names = append(names, filepath.Join(dir, SnapshotFile))
	var inputs []merge.Input
	for _, name := range names {
		inputs = append(inputs, merge.Input{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(name) }})
	}
	res, _, err := explain.Read(inputs, explain.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Clock.Value != liveRes.Clock.Value || len(res.Suspects) != 1 || len(liveRes.Suspects) != 1 ||
		res.Suspects[0].RunnerID != liveRes.Suspects[0].RunnerID || res.Suspects[0].Kind != liveRes.Suspects[0].Kind {
		t.Errorf("the archive: clock %s, suspects %+v\nthe cluster: clock %s, suspects %+v", res.Clock.Value, res.Suspects, liveRes.Clock.Value, liveRes.Suspects)
	}
	// The snapshot is a valid ClusterTimeline, and no empty dump.
	f, err := os.Open(filepath.Join(dir, SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	validate.Dump(SnapshotFile, f, validate.Options{}, func(f validate.Finding) {
		t.Errorf("%s:%d: %s %s: %s", f.Path, f.Line, f.Severity, f.Rule, f.Message)
	})
}

// gauge is the value of the metric name with the labels (nil: none) in
// reg, failing the test when there is none.
func gauge(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no metric %s%v", name, labels)
	return 0
}

// TestMetricsOfAnAnalysis: the suspects by kind and the recovered hangs
// are those of the last analysis.
func TestMetricsOfAnAnalysis(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	m.analysis(&explain.Analysis{Suspects: []explain.Suspect{{Kind: explain.Crashed}, {Kind: explain.Crashed}, {Kind: explain.Frozen}},
		Recovered: make([]explain.Recovered, 3)})
	m.analysis(&explain.Analysis{Suspects: []explain.Suspect{{Kind: explain.Crashed}}, Recovered: make([]explain.Recovered, 1)})
	for kind, want := range map[explain.Kind]float64{explain.Crashed: 1, explain.Frozen: 0, explain.BehindPeer: 0} {
		if got := gauge(t, reg, "flightline_suspects", map[string]string{"kind": string(kind)}); got != want {
			t.Errorf("suspects of kind %s: %v, want %v", kind, got, want)
		}
	}
	if got := gauge(t, reg, "flightline_recovered_hangs", nil); got != 1 {
		t.Errorf("recovered hangs: %v, want 1", got)
	}
}

// TestWatchLogsWarningsOnce: a problem of the cluster's document is logged
// when it appears, not at every look while it lasts, and again when it
// comes back.
func TestWatchLogsWarningsOnce(t *testing.T) {
	s := scenario(t, "hung", false)
	a, _ := OpenArchive(t.TempDir())
	defer a.Close()
	var log strings.Builder
	w := &Watcher{Client: &Client{}, URL: s.URL, Archive: a, Log: &log}
	good, _ := os.ReadFile(filepath.Join(skulkdata.Dir(t), "clusters", "hung", "cluster_timeline.json"))
	// The first entry's phase one a newer Skulk might write.
	at := strings.Index(string(good), `"timeline":[`)
	i := strings.Index(string(good)[max(at, 0):], `"phase":"`)
	if at < 0 || i < 0 {
		t.Fatal("no entry's phase to change in the scenario's timeline")
	}
	i += at + len(`"phase":"`)
	bad := []byte(string(good[:i]) + `prefill_schedule","was":"` + string(good[i:]))
	for _, doc := range [][]byte{bad, bad, bad, good, bad} {
		s.Set(TimelinePath, doc)
		if err := w.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var warnings []string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, " warning: ") && strings.Contains(l, "prefill_schedule") {
			warnings = append(warnings, l)
		}
	}
	if len(warnings) == 0 || len(warnings)%2 != 0 || warnings[0][len("2006-01-02T15:04:05Z"):] != warnings[len(warnings)/2][len("2006-01-02T15:04:05Z"):] {
		t.Errorf("want each warning twice (it appears, goes and comes back); log:\n%s", log.String())
	}
}
