package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/validate/explain"
	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/live"
)

const watchDoc = `Watches a running cluster: every --interval it reads the cluster timeline
(and, directly, the nodes the API node cannot reach), keeps every entry it
has seen in the archive DIR, beyond the 128 entries each flight recorder
holds, and prints a line when explain's verdict changes: a new suspect, a
recovery, the cluster out of reach and back.

The archive is a directory of gzipped NDJSON segments, each in timeline
order, and snapshot.json, the last look's runners and unreachable nodes as
a ClusterTimeline without entries. validate, merge and explain read it as
it is, even while the watch writes it: flightline explain DIR names the
rank that holds the others up from the whole history, measuring every wait
to the last look, as the live cluster would. Entries the archive holds
already are not written again; a restarted watch goes on where it stopped.

With --listen ADDR, Prometheus metrics are served at http://ADDR/metrics
(names under flightline_): each runner's phase and seconds in phase,
suspects by kind, recovered hangs, polls and poll errors, archived entries.

SIGINT, SIGTERM or SIGHUP stop the watch cleanly, after the look under way:
every entry seen is in the archive. Exit status: 0 when stopped so, 2 for
bad usage or an archive that cannot be written.`

// watchFlags are watch's flags.
type watchFlags struct {
	dir, listen string
	interval    time.Duration
	silence     time.Duration
	startup     time.Duration
}

func watchCommand(e *env) *cobra.Command {
	var f watchFlags
	cmd := command("watch URL -o DIR [flags]", "archive a live cluster's timeline and say when the verdict changes", watchDoc,
		func(cmd *cobra.Command, args []string) int { return runWatch(e, cmd, args, &f) })
	fl := cmd.Flags()
	fl.StringVarP(&f.dir, "output", "o", "", "the archive `directory` (created if need be)")
	fl.DurationVar(&f.interval, "interval", live.DefaultInterval, "how often to look at the cluster")
	fl.StringVar(&f.listen, "listen", "", "serve Prometheus metrics at http://`addr`/metrics (such as :9464)")
	fl.DurationVar(&f.silence, "silence", 30*time.Second, "explain's --silence")
	fl.DurationVar(&f.startup, "startup-silence", 10*time.Minute, "explain's --startup-silence")
	liveFlags(e, cmd)
	return cmd
}

func runWatch(e *env, cmd *cobra.Command, args []string, f *watchFlags) int {
	switch {
	case len(args) != 1 || !live.IsURL(args[0]):
		return usage(e, newUsageError(cmd, "name the cluster's URL, such as http://node:52415"))
	case f.dir == "":
		return usage(e, newUsageError(cmd, "name the archive directory with -o DIR"))
	case f.interval <= 0:
		return usage(e, newUsageError(cmd, "--interval %v: want a duration above zero, such as 5s", f.interval))
	case f.silence <= 0 || f.startup <= 0:
		return usage(e, newUsageError(cmd, "--silence and --startup-silence: want durations above zero"))
	}
	if err := checkHeaders(e, cmd); err != nil {
		return usage(e, err)
	}
	archive, err := live.OpenArchive(f.dir)
	if err != nil {
		e.errorf("watch: %s", human.Escape(pathError(err)))
		return exitUsage
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.temps.stopGracefully(cancel)
	defer e.temps.stopGracefully(nil)

	w := &live.Watcher{Client: e.liveClient(), URL: args[0], Archive: archive, Interval: f.interval,
		Explain: explain.Options{Silence: f.silence, StartupSilence: f.startup}, Log: e.stdout}
	if f.listen != "" {
		reg := prometheus.NewRegistry()
		w.Metrics = live.NewMetrics(reg)
		l, err := net.Listen("tcp", f.listen)
		if err != nil {
			archive.Close()
			e.errorf("watch: --listen %s: %v", f.listen, err)
			return exitUsage
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(l)
		defer srv.Close()
		if !e.quiet {
			e.errorf("watch: metrics at http://%s/metrics", l.Addr())
		}
	}
	if !e.quiet {
		e.errorf("watch: looking at %s every %s; archive in %s (SIGINT stops)", human.Escape(args[0]), human.Duration(f.interval), human.Escape(f.dir))
	}
	if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		e.errorf("watch: %s", human.Escape(err.Error()))
		return exitUsage
	}
	if !e.quiet {
		e.errorf("watch: stopped; the archive in %s holds every entry seen", human.Escape(f.dir))
	}
	return exitOK
}
