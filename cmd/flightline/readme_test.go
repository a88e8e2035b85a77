package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/testdata/shared"
	"github.com/flightline-dev/flightline/validate/live/livetest"
)

// A readmeBlock is a shell block of the README marked for TestReadme by a
// <!-- README test: NAME --> line before it.
type readmeBlock struct {
	name  string
	line  int // of the block's first command
	lines []readmeLine
	// shown is the plain block that follows, if any: what the commands
	// print, or lines of it, in order.
	shown      []string
	shownStart int
}

// A readmeLine is one command of a block, continuation lines joined, and
// the exit status its comment promises ("# ... exit status 1 ..."), 0
// without one.
type readmeLine struct {
	text string
	line int
	code int
}

var (
	readmeMarker = regexp.MustCompile(`^<!-- README test: ([a-z-]+) -->$`)
	exitComment  = regexp.MustCompile(`#.*\bexit status (\d+)`)
)

// readmeBlocks reads the marked blocks of the README text.
func readmeBlocks(text string) ([]readmeBlock, error) {
	lines := strings.Split(text, "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		m := readmeMarker.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if i+1 >= len(lines) || lines[i+1] != "```sh" {
			return nil, fmt.Errorf("README.md:%d: the marker is not followed by a ```sh block", i+1)
		}
		b := readmeBlock{name: m[1], line: i + 3}
		i += 2
		for ; i < len(lines) && lines[i] != "```"; i++ {
			start := i
			cmd := lines[i]
			for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
				i++
				cmd += "\n" + lines[i]
			}
			if strings.TrimSpace(cmd) == "" || strings.HasPrefix(strings.TrimSpace(cmd), "#") {
				continue
			}
			code := 0
			if m := exitComment.FindStringSubmatch(cmd); m != nil {
				code, _ = strconv.Atoi(m[1])
			}
			b.lines = append(b.lines, readmeLine{cmd, start + 1, code})
		}
		if i == len(lines) {
			return nil, fmt.Errorf("README.md:%d: the block does not end", b.line)
		}
		next := i + 1
		for next < len(lines) && lines[next] == "" {
			next++
		}
		if next < len(lines) && lines[next] == "```" {
			b.shownStart = next + 2
			for i = next + 1; i < len(lines) && lines[i] != "```"; i++ {
				b.shown = append(b.shown, lines[i])
			}
			if i == len(lines) {
				return nil, fmt.Errorf("README.md:%d: the block of output does not end", b.shownStart)
			}
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// script is the block as a bash script that stops at the first command
// whose exit status is not the one promised, naming its README line.
func (b *readmeBlock) script() string {
	var s strings.Builder
	for _, l := range b.lines {
		fmt.Fprintf(&s, "%s\nst=$?; if [ $st -ne %d ]; then echo \"README.md:%d: exit status $st, want %d\" >&2; exit 1; fi\n",
			l.text, l.code, l.line, l.code)
	}
	return s.String()
}

// TestReadme runs the README's marked shell blocks, in order, as a user
// would on a fresh clone: on a copy of this checkout's files, with
// go install putting flightline in a directory of its own on PATH. Each
// block starts at the top of the copy.
func TestReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("builds flightline and a module: skipped with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	text, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := readmeBlocks(string(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"install":     "schema sha256:",
		"live":        "verdict: 1 suspect",
		"first-run":   "verdict: 1 suspect",
		"walkthrough": "896 entries from 4 inputs into merged.ndjson",
		"downstream":  "",
	}
	if len(blocks) != len(want) {
		t.Errorf("%d marked blocks, want %d", len(blocks), len(want))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	clone := filepath.Join(tmp, "flightline")
	snapshotCheckout(t, ctx, absRoot, clone)
	bin := filepath.Join(tmp, "bin")
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "GOBIN" && name != "PATH" && name != "GOWORK" && !strings.HasPrefix(name, "FLIGHTLINE") && !strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GOWORK=off")
	for _, b := range blocks {
		cmd := exec.CommandContext(ctx, "bash", "-c", b.script())
		cmd.Dir = clone
		cmd.Env = env
		if b.name == "live" {
			// The live block reads http://node-a:52415: a fake Skulk that
			// serves the recorded hung cluster answers for it, as the
			// proxy flightline's requests go through.
			url, ok := fakeNode(t)
			if !ok {
				continue
			}
			cmd.Env = append(slices.Clip(env), "HTTP_PROXY="+url)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("README block %s (README.md:%d): %v\n%s", b.name, b.line, err, out)
		}
		if w, ok := want[b.name]; !ok {
			t.Errorf("README block %s: unknown to the test", b.name)
		} else if !strings.Contains(string(out), w) {
			t.Errorf("README block %s: the output lacks %q:\n%s", b.name, w, out)
		}
		if line, ok := showsOutput(b.shown, string(out)); !ok {
			t.Errorf("README.md:%d: the block %s shows %q, which the commands no longer print in that order:\n%s",
				b.shownStart+line, b.name, b.shown[line], out)
		}
	}
}

// fakeNode serves Skulk's recorded hung cluster on loopback for the
// README's live block, or reports that the shared data is not here (the
// test then fails when FLIGHTLINE_REQUIRE_SUITES=1).
func fakeNode(t *testing.T) (string, bool) {
	t.Helper()
	dir := shared.Find()
	if dir == "" {
		if os.Getenv("FLIGHTLINE_REQUIRE_SUITES") == "1" {
			t.Error("the shared data is not found: the README's live block cannot run")
		} else {
			t.Log("the shared data is not found: the README's live block is not run")
		}
		return "", false
	}
	s, err := livetest.Scenario(filepath.Join(dir, "skulk", "clusters", "hung"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.URL, true
}

// showsOutput reports whether the lines shown are lines of out, in order,
// and else the first that is not.
func showsOutput(shown []string, out string) (int, bool) {
	printed := strings.Split(out, "\n")
	for i, l := range shown {
		j := slices.Index(printed, l)
		if j < 0 {
			return i, false
		}
		printed = printed[j+1:]
	}
	return 0, true
}

func TestReadmeBlocks(t *testing.T) {
	text := "x\n<!-- README test: a -->\n```sh\n# a comment\nfoo --x \\\n    --y\nbar   # exit status 1: a suspect\n\n```\n```\nout 1\nout 2\n```\n"
	blocks, err := readmeBlocks(text)
	if err != nil || len(blocks) != 1 {
		t.Fatalf("%v, %v", blocks, err)
	}
	b := blocks[0]
	if b.name != "a" || len(b.lines) != 2 || b.lines[0].text != "foo --x \\\n    --y" || b.lines[0].line != 5 ||
		b.lines[1].code != 1 || b.lines[0].code != 0 {
		t.Errorf("%+v", b)
	}
	if !slices.Equal(b.shown, []string{"out 1", "out 2"}) || b.shownStart != 11 {
		t.Errorf("shown %q from line %d", b.shown, b.shownStart)
	}
	for _, c := range []struct {
		out  string
		line int
		ok   bool
	}{{"out 1\nout 2\n", 0, true}, {"x\nout 1\ny\nout 2\n", 0, true}, {"out 2\nout 1\n", 1, false}, {"out 1\n", 1, false}, {"out 1 more\nout 2", 0, false}} {
		if line, ok := showsOutput(b.shown, c.out); line != c.line || ok != c.ok {
			t.Errorf("showsOutput(%q) = %d, %t; want %d, %t", c.out, line, ok, c.line, c.ok)
		}
	}
	if !strings.Contains(b.script(), `README.md:7: exit status $st, want 1`) {
		t.Errorf("script:\n%s", b.script())
	}
	for _, bad := range []string{"<!-- README test: a -->\n```\nx\n```\n", "<!-- README test: a -->\n```sh\nx\n"} {
		if _, err := readmeBlocks(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
