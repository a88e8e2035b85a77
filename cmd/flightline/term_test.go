package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// slowReader gives its text a line at a time, waiting between lines, so
// that a command runs long enough to show its progress.
type slowReader struct {
	lines []string
	wait  time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.wait)
	n := copy(p, s.lines[0])
	s.lines[0] = s.lines[0][n:]
	if s.lines[0] == "" {
		s.lines = s.lines[1:]
	}
	return n, nil
}

// TestTerminal: colour and progress appear on a terminal, and not when the
// output is piped, with --quiet, --color=never or NO_COLOR.
func TestTerminal(t *testing.T) {
	t.Chdir(repoRoot)
	dump, err := os.ReadFile(filepath.Join("testdata", "dumps", "valid", "skulk-example.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	const bad = "testdata/dumps/invalid/rules.ndjson"
	cases := []struct {
		name               string
		stdout, stderr     bool   // terminals
		noColor            string // NO_COLOR
		args               []string
		wantColor, wantBar bool
	}{
		{"terminal", true, true, "", []string{"validate", bad}, true, false},
		{"piped", false, false, "", []string{"validate", bad}, false, false},
		{"no-color", true, true, "1", []string{"validate", bad}, false, false},
		{"color-never", true, true, "", []string{"validate", "--color=never", bad}, false, false},
		{"color-always-piped", false, false, "", []string{"validate", "--color", "always", bad}, true, false},
		{"progress", true, true, "", []string{"validate", "-"}, false, true},
		{"progress-piped", true, false, "", []string{"validate", "-"}, false, false},
		{"progress-quiet", true, true, "", []string{"--quiet", "validate", "-"}, false, false},
		{"merge-progress", false, true, "", []string{"merge", "-"}, false, true},
		{"merge-progress-piped", false, false, "", []string{"merge", "-"}, false, false},
		{"export-progress-quiet", false, true, "", []string{"export", "-q", "-"}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runIn(t, "", func(e *env) {
				e.stdoutTerminal, e.stderrTerminal = c.stdout, c.stderr
				e.getenv = func(k string) string { return map[string]string{"NO_COLOR": c.noColor}[k] }
				e.progressAfter = 0
				e.stdin = &slowReader{lines: strings.SplitAfter(string(dump), "\n"), wait: 100 * time.Millisecond}
			}, c.args...)
			if r.code == exitUsage {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.Contains(r.stdout, "\x1b[31merror\x1b[0m"); got != c.wantColor {
				t.Errorf("colour %v, want %v:\n%q", got, c.wantColor, r.stdout)
			}
			if !c.wantColor && strings.Contains(r.stdout, "\x1b") {
				t.Errorf("escape codes on standard output: %q", r.stdout)
			}
			bar := strings.Contains(r.stderr, "\r") && strings.Contains(r.stderr, c.args[len(c.args)-2]+" ")
			if bar != c.wantBar {
				t.Errorf("progress %v, want %v:\n%q", bar, c.wantBar, r.stderr)
			}
			if !c.stderr && strings.ContainsAny(r.stderr, "\r\x1b") {
				t.Errorf("escape codes or carriage returns on piped standard error: %q", r.stderr)
			}
		})
	}
}

// TestNoStdin: without PATH, a terminal (or a closed standard input) is
// not read: it is a usage error.
func TestNoStdin(t *testing.T) {
	for _, cmd := range []string{"validate", "merge", "explain", "export"} {
		r := runIn(t, "", func(e *env) { e.noStdin = true }, cmd)
		want := "flightline: " + cmd + ": name at least one PATH (a file, a directory, or - for standard input)\n"
		if r.code != exitUsage || r.stderr != want {
			t.Errorf("%s: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
	}
	// - is read all the same.
	if r := runIn(t, "", func(e *env) { e.noStdin = true }, "validate", "-"); r.code != exitOK {
		t.Errorf("validate -: exit %d: %s", r.code, r.stderr)
	}
	if r := runIn(t, "", nil, "validate", "-", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "standard input (-) can be named once") {
		t.Errorf("validate - -: exit %d: %s", r.code, r.stderr)
	}
}

// TestNewFileMode: a new -o file gets 0644 less the umask.
func TestNewFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no umask")
	}
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join(repoRoot, "testdata", "merge", "passthrough.ndjson"))
	defer setUmask(0o022)
	for mask, want := range map[int]os.FileMode{0o022: 0o644, 0o027: 0o640, 0o077: 0o600} {
		setUmask(mask)
		out := filepath.Join(dir, "out.ndjson")
		os.Remove(out)
		if r := runIn(t, "", nil, "merge", "-o", out, in); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		info, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("umask %#o: mode %#o, want %#o", mask, got, want)
		}
	}
}

// TestStdinNotSpooled: merge reads standard input as a stream; nothing of
// it is copied into TMPDIR.
func TestStdinNotSpooled(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dump, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "merge", "passthrough.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	check := &checkingReader{r: strings.NewReader(string(dump)), check: func() {
		left, _ := os.ReadDir(tmp)
		for _, f := range left {
			seen = append(seen, f.Name())
		}
	}}
	for _, args := range [][]string{{"merge"}, {"merge", "--format", "json"}, {"export"}, {"explain"}} {
		check.r = strings.NewReader(string(dump))
		r := runIn(t, "", func(e *env) { e.stdin = check }, args...)
		if r.code != exitOK {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	if len(seen) > 0 {
		t.Errorf("files in TMPDIR while standard input was read: %v", seen)
	}
}

// checkingReader calls check when its reader is at its end.
type checkingReader struct {
	r     io.Reader
	check func()
}

func (c *checkingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if errors.Is(err, io.EOF) {
		c.check()
	}
	return n, err
}

// TestRewinder: after a rewind, output that repeats what a stream already
// has is dropped; output that differs is an error.
func TestRewinder(t *testing.T) {
	var out strings.Builder
	o := streamOutput("standard output", &out)
	o.w = nil // write through the rewinder itself, unbuffered
	r := o.stream
	io.WriteString(r, "one\ntwo\n")
	r.rewind()
	io.WriteString(r, "one\n")
	io.WriteString(r, "two\nthree\n")
	if out.String() != "one\ntwo\nthree\n" {
		t.Errorf("after a rewind with the same beginning: %q", out.String())
	}
	r.rewind()
	if _, err := io.WriteString(r, "one\ntwo\nthree\nfour\n"); err != nil || out.String() != "one\ntwo\nthree\nfour\n" {
		t.Errorf("second rewind: %v, %q", err, out.String())
	}
	r.rewind()
	if _, err := io.WriteString(r, "one\nTWO\nthree\nfour\n"); !isRewind(err) {
		t.Errorf("a different beginning: %v", err)
	}
	if _, err := io.WriteString(r, "more"); !isRewind(err) {
		t.Errorf("after the difference: %v", err)
	}
	// Shorter output than what the stream has fails at commit.
	out.Reset()
	o = streamOutput("standard output", &out)
	io.WriteString(o, "one\n")
	o.w.Flush()
	o.reset()
	io.WriteString(o, "one\n")
	if err := o.commit(); err != nil || out.String() != "one\n" {
		t.Errorf("the same output again: %v, %q", err, out.String())
	}
	o = streamOutput("standard output", &out)
	io.WriteString(o.stream, "one\n")
	o.reset()
	io.WriteString(o, "on")
	if err := o.commit(); !isRewind(err) {
		t.Errorf("shorter output after a rewind: %v", err)
	}
}
