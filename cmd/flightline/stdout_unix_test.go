//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStdoutFile: merge's standard output redirected to a file (> file or
// >> file) is rewound in place when an input turns out not to be in order
// late, after output went out, and cut back to where it started when the
// merge fails; what >> appends to stays. Through a pipe, what went out
// cannot be taken back: the merge goes on if the sorted timeline starts
// with it (here an adjacent pair swapped), and fails with a clear error
// rather than write a wrong timeline otherwise (an entry far out of place).
func TestStdoutFile(t *testing.T) {
	bin, err := exec.LookPath("flightline")
	if err != nil {
		t.Fatalf("flightline is not on PATH, where TestMain puts it: %v", err)
	}
	dir := t.TempDir()
	sorted := string(generator(t, "-n", "5000"))
	ls := strings.SplitAfter(sorted, "\n")
	i := 4000
	for ls[i][:40] == ls[i+1][:40] { // the first 40 bytes hold at
		i++
	}
	ls[i], ls[i+1] = ls[i+1], ls[i]
	farLines := strings.SplitAfter(sorted, "\n")
	farLines = append(farLines[:100:100], append(farLines[101:4500:4500], append([]string{farLines[100]}, farLines[4500:]...)...)...)
	late := filepath.Join(dir, "late.ndjson")
	far := filepath.Join(dir, "far.ndjson")
	bad := filepath.Join(dir, "bad.ndjson")
	writeTree(t, dir, map[string]string{"late.ndjson": strings.Join(ls, ""), "far.ndjson": strings.Join(farLines, ""), "bad.ndjson": sorted + "{\n"})

	merge := func(stdout *os.File, in string) (int, string) {
		cmd := exec.Command(bin, "merge", in)
		cmd.Stdout = stdout
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, stderr.String()
	}
	out := filepath.Join(dir, "out.ndjson")
	for _, c := range []struct {
		name   string
		flag   int
		before string
		in     string
		code   int
		want   string
	}{
		{"truncate", os.O_TRUNC, "", late, 0, sorted},
		{"append", os.O_APPEND, "kept\n", late, 0, "kept\n" + sorted},
		{"truncate-far", os.O_TRUNC, "", far, 0, sorted},
		{"append-far", os.O_APPEND, "kept\n", far, 0, "kept\n" + sorted},
		{"truncate-bad", os.O_TRUNC, "", bad, 2, ""},
		{"append-bad", os.O_APPEND, "kept\n", bad, 2, "kept\n"},
	} {
		if err := os.WriteFile(out, []byte(c.before), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(out, os.O_WRONLY|c.flag, 0)
		if err != nil {
			t.Fatal(err)
		}
		code, stderr := merge(f, c.in)
		f.Close()
		got, _ := os.ReadFile(out)
		if code != c.code || string(got) != c.want {
			t.Errorf("%s: exit %d, want %d; output right %v (%d bytes): %s", c.name, code, c.code, string(got) == c.want, len(got), stderr)
		}
	}

	pipe := func(in string) (int, string, string) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan string)
		go func() {
			data, _ := io.ReadAll(r)
			done <- string(data)
		}()
		code, stderr := merge(w, in)
		w.Close()
		out := <-done
		r.Close()
		return code, out, stderr
	}
	if code, out, stderr := pipe(late); code != 0 || out != sorted {
		t.Errorf("an adjacent pair through a pipe: exit %d, output right %v: %s", code, out == sorted, stderr)
	}
	if code, _, stderr := pipe(far); code != 2 || !strings.Contains(stderr, "cannot be rewound") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("an entry far out of place through a pipe: exit %d: %s", code, stderr)
	}
}
