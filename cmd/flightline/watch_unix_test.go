//go:build unix

package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/validate/live/livetest"
)

// TestWatch runs flightline watch on a cluster whose rings roll over,
// reads its metrics, stops it with SIGINT and reads the archive: every
// entry each runner recorded is there, far beyond the ring's 128.
func TestWatch(t *testing.T) {
	bin, err := exec.LookPath("flightline")
	if err != nil {
		t.Fatalf("flightline is not on PATH, where TestMain puts it: %v", err)
	}
	cluster := livetest.Rolling(2, 40)
	defer cluster.Close()
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	cmd := exec.Command(bin, "watch", cluster.URL, "-o", archive, "--interval", "20ms", "--listen", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	metrics := ""
	for metrics == "" && lines.Scan() {
		if m := regexp.MustCompile(`metrics at (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			metrics = m[1]
		}
	}
	go io.Copy(io.Discard, stderr)
	deadline := time.Now().Add(30 * time.Second)
	for cluster.Total() < 400 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "flightline_polls_total") || !strings.Contains(string(body), "flightline_runner_seconds_in_phase") {
		t.Errorf("metrics:\n%.2000s", body)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch stopped by SIGINT: %v", err)
	}
	total := cluster.Total()
	r := runIn(t, "", nil, "merge", archive)
	if r.code != 0 {
		t.Fatalf("merge %s: exit %d: %s", archive, r.code, r.stderr)
	}
	// The last look may have been made after the entries it saw were
	// counted, or stopped before it wrote; every entry of the looks before
	// is there.
	if n := strings.Count(r.stdout, "\n"); n < 2*(total-40) || n > 2*total {
		t.Errorf("the archive holds %d entries; the cluster recorded %d a runner", n, total)
	}
	if v := runIn(t, "", nil, "validate", archive); v.code != 0 {
		t.Errorf("validate %s: exit %d\n%s", archive, v.code, v.stdout)
	}
	if _, err := os.Stat(archive); err != nil {
		t.Fatal(err)
	}
}
