//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignals: SIGINT, SIGTERM and SIGHUP during a merge or export leave no
// temporary file beside the output, and exit 130, 143 and 129. The child
// is this test binary run as flightline (see TestMain), stopped in the
// middle of its work: its input is a FIFO nobody writes yet, opened after
// the output's temporary file exists.
func TestSignals(t *testing.T) {
	bin, err := exec.LookPath("flightline")
	if err != nil {
		t.Fatalf("flightline is not on PATH, where TestMain puts it: %v", err)
	}
	for _, c := range []struct {
		cmd  string
		sig  syscall.Signal
		code int
	}{
		{"merge", syscall.SIGINT, 130},
		{"merge", syscall.SIGTERM, 143},
		{"export", syscall.SIGHUP, 129},
		{"merge --format json", syscall.SIGTERM, 143},
	} {
		t.Run(c.cmd+" "+c.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "in.ndjson")
			if err := mkfifo(fifo); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out.json")
			args := append(strings.Fields(c.cmd), "-o", out, fifo)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+dir)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			deadline := time.Now().Add(30 * time.Second)
			for {
				if left, _ := filepath.Glob(filepath.Join(dir, ".flightline-*.tmp")); len(left) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no temporary file appeared: %s", stderr.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != c.code {
				t.Errorf("exit %v, want %d: %s", err, c.code, stderr.String())
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "in.ndjson" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}
