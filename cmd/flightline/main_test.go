package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goldenfile "github.com/flightline-dev/flightline/testdata/golden"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files and the expected output in the test scripts")

// repoRoot is the top of the repository, where the in-process tests run
// the command, so that the paths in its output read as a user would type
// them.
const repoRoot = "../.."

// absRoot is repoRoot as an absolute path, for tests that change directory.
var absRoot, _ = filepath.Abs(repoRoot)

// TestMain makes the test binary the flightline command when testscript
// runs it under that name: the scripts' exec flightline runs main, in the
// test binary, so that coverage counts it.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"flightline": func() { main() },
	})
}

// TestScripts runs the end-to-end tests in testdata/script. Each script
// runs in a fresh $WORK, with copies of the repository's testdata and schema, and these commands beside testscript's own:
//
//	exits N PROG ARGS...   run PROG; its exit status must be N
//	gen-data ARGS...       run the data generator of testdata/gen
//	mkfifo PATH            make a FIFO
//	mknod-null PATH        make a character device like /dev/null (as root)
//	umask MASK             set the umask of the commands that follow (octal)
//	mode PATH MODE         PATH's permission bits must be MODE (octal)
//	isregular PATH, ischardev PATH, isfifo PATH, islink PATH
//	replace FILE OLD NEW   replace the first OLD in FILE with NEW
//	notmp DIR              no .flightline-*.tmp file is left in DIR
//
// and the conditions [root] and [unix].
func TestScripts(t *testing.T) {
	root := absRoot
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			for _, name := range []string{"testdata", "schema"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, name), os.DirFS(filepath.Join(root, name))); err != nil {
					return err
				}
			}
			env.Setenv("REPO", root)
			env.Setenv("NO_COLOR", "")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "unix":
				return runtime.GOOS != "windows", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: scriptCommands,
	})
}

var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"exits": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: exits N PROG ARGS...")
		}
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		err = ts.Exec(args[1], args[2:]...)
		got := 0
		if ee, ok := err.(*exec.ExitError); ok {
			got = ee.ExitCode()
		} else if err != nil {
			ts.Fatalf("%s: %v", args[1], err)
		}
		if got != want {
			ts.Fatalf("%s exited with status %d, want %d", strings.Join(args[1:], " "), got, want)
		}
		if args[1] == "flightline" {
			checkNoCrash(ts)
		}
	},
	"gen-data": func(ts *testscript.TestScript, neg bool, args []string) {
		bin, err := dataGenerator()
		if err != nil {
			ts.Fatalf("building testdata/gen: %v", err)
		}
		ts.Check(ts.Exec(bin, args...))
	},
	"mkfifo": func(ts *testscript.TestScript, neg bool, args []string) {
		ts.Check(mkfifo(ts.MkAbs(args[0])))
	},
	"mknod-null": func(ts *testscript.TestScript, neg bool, args []string) {
		ts.Check(mknodNull(ts.MkAbs(args[0])))
	},
	"umask": func(ts *testscript.TestScript, neg bool, args []string) {
		mask, err := strconv.ParseUint(args[0], 8, 32)
		ts.Check(err)
		setUmask(int(mask))
		ts.Defer(func() { setUmask(0o022) })
	},
	"mode": func(ts *testscript.TestScript, neg bool, args []string) {
		info, err := os.Stat(ts.MkAbs(args[0]))
		ts.Check(err)
		want, err := strconv.ParseUint(args[1], 8, 32)
		ts.Check(err)
		if got := info.Mode().Perm(); (got == os.FileMode(want)) == neg {
			ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
	},
	"isregular": fileType(func(m os.FileMode) bool { return m.IsRegular() }, os.Stat),
	"ischardev": fileType(func(m os.FileMode) bool { return m&os.ModeCharDevice != 0 }, os.Stat),
	"isfifo":    fileType(func(m os.FileMode) bool { return m&os.ModeNamedPipe != 0 }, os.Stat),
	"islink":    fileType(func(m os.FileMode) bool { return m&os.ModeSymlink != 0 }, os.Lstat),
	"replace": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: replace FILE OLD NEW")
		}
		text := ts.ReadFile(args[0])
		if !strings.Contains(text, args[1]) {
			ts.Fatalf("%s does not contain %q", args[0], args[1])
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Replace(text, args[1], args[2], 1)), 0o644))
	},
	"notmp": func(ts *testscript.TestScript, neg bool, args []string) {
		left, err := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), ".flightline-*.tmp"))
		ts.Check(err)
		if len(left) > 0 {
			ts.Fatalf("temporary files left behind: %v", left)
		}
	},
}

func fileType(is func(os.FileMode) bool, stat func(string) (os.FileInfo, error)) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		info, err := stat(ts.MkAbs(args[0]))
		ts.Check(err)
		if is(info.Mode()) == neg {
			ts.Fatalf("%s has mode %v", args[0], info.Mode())
		}
	}
}

// checkNoCrash fails a script whose flightline panicked.
func checkNoCrash(ts *testscript.TestScript) {
	stderr := ts.ReadFile("stderr")
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		ts.Fatalf("flightline crashed")
	}
}

var (
	genOnce sync.Once
	genBin  string
	genErr  error
)

// dataGenerator builds testdata/gen once for the whole test binary.
func dataGenerator() (string, error) {
	genOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flightline-gen")
		if err != nil {
			genErr = err
			return
		}
		genBin = filepath.Join(dir, "gen")
		if runtime.GOOS == "windows" {
			genBin += ".exe"
		}
		build := exec.Command("go", "build", "-o", genBin, "./testdata/gen")
		build.Dir = absRoot
		out, err := build.CombinedOutput()
		if err != nil {
			genErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	return genBin, genErr
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the command in-process in the current directory, with stdin
// and as if no stream were a terminal, unless e is changed by setup.
func runIn(t *testing.T, stdin string, setup func(e *env), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, temps: &tempFiles{}, progressAfter: time.Second}
	if setup != nil {
		setup(e)
	}
	code := run(e, args)
	return result{code, stdout.String(), stderr.String()}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	goldenfile.Check(t, path, got, *update, "go test ./cmd/flightline -update")
}

// writeTree writes files (slash path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
