package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/live/livetest"
)

// fakeSkulk serves one of Skulk's recorded scenarios on loopback.
func fakeSkulk(t *testing.T, scenario string, peersUp bool) *livetest.Server {
	t.Helper()
	s, err := livetest.Scenario(filepath.Join(sharedDir(t), "skulk", "clusters", scenario), peersUp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestLiveCluster runs the commands on a running (fake) cluster's URL: the
// timeline endpoint is read, and the node the API node could not reach is
// tried directly.
func TestLiveCluster(t *testing.T) {
	hung := fakeSkulk(t, "hung", false)
	r := runIn(t, "", nil, "explain", hung.URL)
	if r.code != 1 || !strings.Contains(r.stdout, "rank 1 of task 43f2f773-4c3c-434f-884d-997386b03d3f: behind-peer") {
		t.Errorf("explain %s: exit %d\n%s%s", hung.URL, r.code, r.stdout, r.stderr)
	}
	if r := runIn(t, "", nil, "validate", hung.URL); r.code != 0 {
		t.Errorf("validate %s: exit %d\n%s%s", hung.URL, r.code, r.stdout, r.stderr)
	}

	main := fakeSkulk(t, "main", true)
	r = runIn(t, "", nil, "merge", "--header", "Authorization: Bearer t0ken", main.URL)
	if r.code != 0 || !strings.Contains(r.stderr, "but answered here") || strings.Count(r.stdout, "\n") != 512+128 {
		t.Errorf("merge %s: exit %d, %d entries\n%s", main.URL, r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}
	if got := main.Headers.Get("Authorization"); got != "Bearer t0ken" {
		t.Errorf("the header was not sent: %q", got)
	}
	down := fakeSkulk(t, "main", false)
	r = runIn(t, "", nil, "merge", down.URL)
	if r.code != 0 || !strings.Contains(r.stderr, "and from here: ") || strings.Count(r.stdout, "\n") != 512 {
		t.Errorf("merge %s with its peer down: exit %d, %d entries\n%s", down.URL, r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "http://127.0.0.1:1"}, "http://127.0.0.1:1/v1/diagnostics/cluster/timeline: dial: connect: connection refused"},
		{[]string{"validate", hung.URL + "/v1/nothing"}, "/v1/nothing: HTTP 404 Not Found"},
		{[]string{"merge", "--header", "nocolon", hung.URL}, `--header "nocolon": want Name: value`},
	} {
		if r := runIn(t, "", nil, c.args...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", c.args, r.code, c.want, r.stderr)
		}
	}
}
