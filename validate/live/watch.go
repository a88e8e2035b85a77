package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
)

// DefaultInterval is how often a Watcher looks at the cluster.
const DefaultInterval = 5 * time.Second

// A Watcher looks at a cluster every Interval: it archives the entries its
// flight recorders show, explains what it sees, says when the verdict
// changes, and keeps metrics. It goes on when the cluster or a node goes
// away, and says so once, and again when it comes back.
type Watcher struct {
	Client   *Client
	URL      string
	Archive  *Archive
	Interval time.Duration
	Explain  explain.Options
	// Log gets one line for each change: a new suspect, a recovery, the
	// cluster out of reach and back.
	Log io.Writer
	// Metrics, when set, are kept up to date.
	Metrics *Metrics

	verdict  []string // the suspects last seen
	failing  bool     // the last look failed
	recovers []string // the recovered hangs last seen
	warned   []string // the warnings last seen
	opened   bool     // the archive's warnings are logged
}

// maxWarnings is how many new warnings one look logs; the rest are counted.
const maxWarnings = 10

// Run looks at the cluster until ctx is done, then closes the archive: every
// entry seen is in it. It returns the archive's error, if any.
func (w *Watcher) Run(ctx context.Context) error {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := w.Poll(ctx); err != nil {
			w.Archive.Close()
			return err
		}
		select {
		case <-ctx.Done():
			return w.Archive.Close()
		case <-tick.C:
		}
	}
}

// Poll looks at the cluster once. A cluster out of reach is logged, not an
// error; the error is the archive's, which cannot go on.
func (w *Watcher) Poll(ctx context.Context) error {
	now := time.Now()
	if !w.opened {
		for _, m := range w.Archive.Warnings() {
			w.logf(now, "archive: %s", m)
		}
		w.opened = true
	}
	docs, notes, err := w.Client.Cluster(ctx, w.URL)
	w.Metrics.poll(err)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopping
		}
		if !w.failing {
			w.logf(now, "cluster out of reach: %v (looking again every %s)", err, human.Duration(w.interval()))
		}
		w.failing = true
		return nil
	}
	if w.failing {
		w.logf(now, "cluster back: %s", w.URL)
	}
	w.failing = false
	var entries [][]byte
	var warnings []string
	for _, d := range docs {
		es, problems := Entries(d.URL, bytes.NewReader(d.Body))
		entries = append(entries, es...)
		warnings = append(warnings, problems...)
	}
	added, err := w.Archive.Add(entries)
	if err != nil {
		w.warn(now, warnings)
		return err
	}
	w.Metrics.archived(added)
	res, rep, explained, err := explain.ReadObserved(Inputs(docs), w.Explain, 0, nil)
	w.warn(now, append(warnings, explained...))
	if err != nil {
		w.logf(now, "explain: %v", err)
		return nil
	}
	at := rep.Doc.LatestGeneratedAt
	if at == "" {
		at = now.UTC().Format("2006-01-02T15:04:05.000000+00:00")
	}
	if err := w.Archive.Snapshot(&rep.Doc, at); err != nil {
		return err
	}
	w.Metrics.runners(docs)
	w.Metrics.analysis(res)
	w.report(now, res, notes)
	return nil
}

func (w *Watcher) interval() time.Duration {
	if w.Interval > 0 {
		return w.Interval
	}
	return DefaultInterval
}

// report logs what changed in the verdict since the last look.
func (w *Watcher) report(now time.Time, res *explain.Analysis, notes []string) {
	var suspects []string
	for _, s := range res.Suspects {
		suspects = append(suspects, fmt.Sprintf("rank %d of task %s: %s (node %s, runner %s)", s.Rank, s.TaskID, s.Kind, s.NodeID, s.RunnerID))
	}
	slices.Sort(suspects)
	for _, s := range suspects {
		if !slices.Contains(w.verdict, s) {
			w.logf(now, "suspect: %s", s)
		}
	}
	for _, s := range w.verdict {
		if !slices.Contains(suspects, s) {
			w.logf(now, "no longer a suspect: %s", s)
		}
	}
	if len(w.verdict) > 0 && len(suspects) == 0 {
		w.logf(now, "verdict: no rank holds the others up")
	}
	var recovered []string
	for _, r := range res.Recovered {
		recovered = append(recovered, fmt.Sprintf("rank %d of task %s", r.Rank, r.TaskID))
	}
	for _, r := range recovered {
		if !slices.Contains(w.recovers, r) {
			w.logf(now, "recovered hang: %s", r)
		}
	}
	w.verdict, w.recovers = suspects, recovered
}

// warn logs the warnings of a look (the documents' problems, explain's
// warnings) that the last look did not have: a warning is said when it
// appears, not at every look while it lasts. One look logs at most
// maxWarnings new ones, and counts the rest.
func (w *Watcher) warn(now time.Time, warnings []string) {
	slices.Sort(warnings)
	warnings = slices.Compact(warnings)
	var fresh []string
	for _, m := range warnings {
		if _, seen := slices.BinarySearch(w.warned, m); !seen {
			fresh = append(fresh, m)
		}
	}
	for i, m := range fresh {
		if i == maxWarnings {
			w.logf(now, "warning: %d more not shown", len(fresh)-i)
			break
		}
		w.logf(now, "warning: %s", m)
	}
	w.warned = warnings
}

func (w *Watcher) logf(now time.Time, format string, args ...any) {
	if w.Log != nil {
		fmt.Fprintf(w.Log, "%s %s\n", now.UTC().Format(time.RFC3339), human.Escape(fmt.Sprintf(format, args...)))
	}
}

// Metrics are what a Watcher measures, for Prometheus, under the
// flightline_ namespace. A nil *Metrics measures nothing.
type Metrics struct {
	polls, pollErrors, archivedEntries prometheus.Counter
	runnerGauges                       *runnerCollector
	suspects                           *prometheus.GaugeVec
	recovered                          prometheus.Gauge
}

// NewMetrics registers a Watcher's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	const ns = "flightline"
	m := &Metrics{
		polls:           prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "polls_total", Help: "Looks at the cluster."}),
		pollErrors:      prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "poll_errors_total", Help: "Looks at the cluster that failed: the cluster out of reach or answering with an error."}),
		archivedEntries: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "archived_entries_total", Help: "Timeline entries archived."}),
		runnerGauges: &runnerCollector{
			phase: prometheus.NewDesc(ns+"_runner_phase", "1 for each runner's current phase, as the last snapshot says.",
				[]string{"node", "runner", "instance", "rank", "phase"}, nil),
			secondsInPhase: prometheus.NewDesc(ns+"_runner_seconds_in_phase", "How long each runner has been in its phase, as the last snapshot says.",
				[]string{"node", "runner", "instance", "rank"}, nil),
		},
		suspects:  prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "suspects", Help: "Ranks explain suspects of holding the others up, by kind."}, []string{"kind"}),
		recovered: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "recovered_hangs", Help: "Hangs that recovered, in the entries the last look saw."}),
	}
	reg.MustRegister(m.polls, m.pollErrors, m.archivedEntries, m.runnerGauges, m.suspects, m.recovered)
	for _, k := range []explain.Kind{explain.BehindPeer, explain.Crashed, explain.UnreachableNode, explain.NeverReported, explain.Frozen} {
		m.suspects.WithLabelValues(string(k))
	}
	return m
}

func (m *Metrics) poll(err error) {
	if m == nil {
		return
	}
	m.polls.Inc()
	if err != nil {
		m.pollErrors.Inc()
	}
}

func (m *Metrics) archived(n int) {
	if m != nil {
		m.archivedEntries.Add(float64(n))
	}
}

// runners sets the runners' gauges from the cluster timeline's runners and
// the node dumps' supervisor runners.
func (m *Metrics) runners(docs []*Document) {
	if m == nil {
		return
	}
	var runners []runnerSample
	for _, d := range docs {
		var doc struct {
			Runners           []runnerSample `json:"runners"`
			SupervisorRunners []runnerSample `json:"supervisorRunners"`
		}
		if json.Unmarshal(d.Body, &doc) == nil {
			runners = append(append(runners, doc.Runners...), doc.SupervisorRunners...)
		}
	}
	m.runnerGauges.set(runners)
}

// A runnerSample is what a snapshot says of one runner.
type runnerSample struct {
	NodeID         string      `json:"nodeId"`
	RunnerID       string      `json:"runnerId"`
	InstanceID     string      `json:"instanceId"`
	DeviceRank     json.Number `json:"deviceRank"`
	Phase          *string     `json:"phase"`
	SecondsInPhase *float64    `json:"secondsInPhase"`
}

// runnerCollector serves the runners' gauges of the last snapshot as a
// whole: a scrape sees one snapshot's runners, never a look's half-set
// gauges.
type runnerCollector struct {
	phase, secondsInPhase *prometheus.Desc
	mu                    sync.Mutex
	runners               []runnerSample
}

func (c *runnerCollector) set(runners []runnerSample) {
	c.mu.Lock()
	c.runners = runners
	c.mu.Unlock()
}

func (c *runnerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.phase
	ch <- c.secondsInPhase
}

func (c *runnerCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	runners := c.runners
	c.mu.Unlock()
	type key struct{ node, runner, instance, rank, phase string }
	seen := map[key]bool{} // a runner in both the timeline and a node dump is one series
	for _, r := range runners {
		rank := string(r.DeviceRank)
		if r.Phase != nil {
			if k := (key{r.NodeID, r.RunnerID, r.InstanceID, rank, *r.Phase}); !seen[k] {
				seen[k] = true
				send(ch, c.phase, 1, r.NodeID, r.RunnerID, r.InstanceID, rank, *r.Phase)
			}
		}
		if r.SecondsInPhase != nil {
			if k := (key{r.NodeID, r.RunnerID, r.InstanceID, rank, ""}); !seen[k] {
				seen[k] = true
				send(ch, c.secondsInPhase, *r.SecondsInPhase, r.NodeID, r.RunnerID, r.InstanceID, rank)
			}
		}
	}
}

// send sends a gauge; one whose labels Prometheus refuses is left out.
func send(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	if m, err := prometheus.NewConstMetric(d, prometheus.GaugeValue, v, labels...); err == nil {
		ch <- m
	}
}

// analysis sets the suspects and recoveries from explain's analysis.
func (m *Metrics) analysis(res *explain.Analysis) {
	if m == nil {
		return
	}
	counts := map[explain.Kind]int{}
	for _, s := range res.Suspects {
		counts[s.Kind]++
	}
	for _, k := range []explain.Kind{explain.BehindPeer, explain.Crashed, explain.UnreachableNode, explain.NeverReported, explain.Frozen} {
		m.suspects.WithLabelValues(string(k)).Set(float64(counts[k]))
		delete(counts, k)
	}
	for k, n := range counts {
		m.suspects.WithLabelValues(string(k)).Set(float64(n))
	}
	m.recovered.Set(float64(len(res.Recovered)))
}
