package main

import (
	"strings"
	"testing"
)

// TestReportTerminal: without -o, the page does not go to a terminal.
func TestReportTerminal(t *testing.T) {
	t.Chdir(repoRoot)
	r := runIn(t, "", func(e *env) { e.stdoutTerminal = true }, "report", "testdata/sample/stuck-barrier.ndjson")
	if r.code != exitUsage || r.stdout != "" ||
		r.stderr != "flightline: report: the page is HTML: name a file with -o (or -o - for standard output)\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runIn(t, "", func(e *env) { e.stdoutTerminal = true }, "report", "-o", "-", "testdata/sample/stuck-barrier.ndjson")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") {
		t.Errorf("-o -: exit %d, stderr %q", r.code, r.stderr)
	}
}
