package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHooks proves the hooks of .pre-commit-hooks.yaml and the plain git
// hook .githooks/pre-commit in a downstream repository: a scratch git
// repository with a schema, the package flightline gen made from it and a
// folder of dumps. The pre-commit hooks run through pre-commit run, with a
// configuration (outside the repository) that pins a committed snapshot of
// this checkout, as a user's .pre-commit-config.yaml pins a release:
// pre-commit clones it and builds flightline with go install ./... once,
// into the PRE_COMMIT_HOME all the subtests share. One scratch repository
// serves every subtest, reset between them, and flightline is built once
// for the test's own use.
//
// It needs pre-commit on PATH and skips without it, unless
// FLIGHTLINE_REQUIRE_PRECOMMIT=1 (which .ci/run sets) makes that a failure.
func TestHooks(t *testing.T) {
	required := os.Getenv("FLIGHTLINE_REQUIRE_PRECOMMIT") == "1"
	if _, err := exec.LookPath("pre-commit"); err != nil {
		if required {
			t.Fatal("pre-commit is not on PATH, and FLIGHTLINE_REQUIRE_PRECOMMIT=1 requires this test to run (apt-get install pre-commit, or pip install pre-commit)")
		}
		t.Skip("pre-commit is not on PATH (apt-get install pre-commit, or pip install pre-commit); FLIGHTLINE_REQUIRE_PRECOMMIT=1 fails instead of skipping")
	}
	if testing.Short() && !required {
		t.Skip("builds flightline with pre-commit several times: skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the plain git hook is a bash script; this test runs it on Unix only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	h := newHookRig(t, ctx)

	t.Run("check-generated", func(t *testing.T) {
		h.reset(t)
		h.edit(t, schemaPath, "Runner ID that emitted this entry.", "The runner that emitted this entry.")
		r := h.tryRepo(t, "flightline-check-generated", schemaPath)
		h.expectFailed(t, r, "internal/timeline/types_gen.go: stale; run flightline gen to regenerate")

		// Regenerate through the directive the package carries.
		if r := h.flightline(t, "gen", "./internal/timeline"); r.code != 0 {
			t.Fatalf("flightline gen ./internal/timeline: exit %d: %s", r.code, r.stderr)
		}
		h.expectPassed(t, h.tryRepo(t, "flightline-check-generated", schemaPath, "internal/timeline/types_gen.go"))
	})

	t.Run("validate", func(t *testing.T) {
		h.reset(t)
		h.write(t, "dumps/bad.ndjson", strings.Replace(h.firstEntry, `"phase":"created"`, `"phase":"bogus"`, 1))
		// package.json and the schema are JSON but no dumps: the default
		// files pattern must leave them out.
		files := []string{"dumps/bad.ndjson", "dumps/cluster.ndjson", "package.json", schemaPath}
		r := h.tryRepo(t, "flightline-validate", files...)
		h.expectFailed(t, r, `dumps/bad.ndjson:1: error schema: /phase: "bogus" is not a Phase`)
		for _, name := range []string{"package.json", schemaPath} {
			if strings.Contains(r.stdout, name+":") {
				t.Errorf("the validate hook checked %s, which is not a dump:\n%s", name, r.stdout)
			}
		}

		h.write(t, "dumps/bad.ndjson", h.firstEntry)
		h.expectPassed(t, h.tryRepo(t, "flightline-validate", files...))
	})

	t.Run("schema-diff", func(t *testing.T) {
		h.reset(t)
		h.edit(t, schemaPath, "\"warmup\",\n", "")
		r := h.tryRepo(t, "flightline-schema-diff", schemaPath)
		h.expectFailed(t, r, removedWarmup)

		h.reset(t)
		h.expectPassed(t, h.tryRepo(t, "flightline-schema-diff", schemaPath))

		// A new phase is compatible, and a schema new since HEAD is noted.
		h.edit(t, schemaPath, "\"warmup\",\n", "\"warmup\",\n        \"cooldown\",\n")
		h.write(t, "schema/extra.schema.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Extra", "type": "object"}`+"\n")
		r = h.tryRepo(t, "flightline-schema-diff", schemaPath, "schema/extra.schema.json")
		h.expectPassed(t, r)
		for _, want := range []string{`enum-value-added: value "cooldown"`, "schema/extra.schema.json: new schema"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the schema-diff hook's output lacks %q:\n%s", want, r.stdout)
			}
		}
	})

	t.Run("git-hook", func(t *testing.T) {
		h.reset(t)
		hook := filepath.Join(h.hookRepo, ".githooks", "pre-commit")
		script, err := os.ReadFile(hook)
		if err != nil {
			t.Fatal(err)
		}
		h.write(t, ".githooks/pre-commit", string(script))
		if err := os.Chmod(filepath.Join(h.work, ".githooks", "pre-commit"), 0o755); err != nil {
			t.Fatal(err)
		}
		h.git(t, "config", "core.hooksPath", ".githooks")
		h.git(t, "add", ".githooks")
		h.commit(t, true, "add the hook")

		// A bad dump is refused, also when only the working tree is fixed:
		// the hook checks what is staged.
		bad := strings.Replace(h.firstEntry, `"phase":"created"`, `"phase":"bogus"`, 1)
		h.write(t, "dumps/bad.ndjson", bad)
		h.git(t, "add", "dumps/bad.ndjson")
		finding := `dumps/bad.ndjson:1: error schema: /phase: "bogus" is not a Phase`
		h.expectRefused(t, h.commit(t, false, "a bad dump"), finding)
		h.write(t, "dumps/bad.ndjson", h.firstEntry)
		h.expectRefused(t, h.commit(t, false, "a bad dump fixed but not staged"), finding)

		// Staged, the fix goes in, with flightline named by FLIGHTLINE
		// rather than found on PATH.
		h.git(t, "add", "dumps/bad.ndjson")
		h.commit(t, true, "the dump fixed", "FLIGHTLINE="+h.bin, "PATH="+os.Getenv("PATH"))

		// A hand-edited generated file is refused.
		h.edit(t, "internal/timeline/types_gen.go", "package timeline\n", "package timeline\n\n// edited\n")
		h.git(t, "add", "internal/timeline/types_gen.go")
		h.expectRefused(t, h.commit(t, false, "an edited generated file"), "internal/timeline/types_gen.go: stale")
		h.git(t, "reset", "-q", "--hard")

		// A breaking schema change, regenerated, is refused by diff alone,
		// and goes in when allowed.
		h.edit(t, schemaPath, "\"warmup\",\n", "")
		if r := h.flightline(t, "gen", "./internal/timeline"); r.code != 0 {
			t.Fatalf("flightline gen ./internal/timeline: exit %d: %s", r.code, r.stderr)
		}
		h.git(t, "add", "-A")
		r := h.commit(t, false, "a breaking schema change")
		h.expectRefused(t, r, removedWarmup)
		if strings.Contains(r.stdout+r.stderr, ": stale") {
			t.Errorf("the regenerated package was reported stale:\n%s%s", r.stdout, r.stderr)
		}
		h.commit(t, true, "a breaking schema change, allowed", "FLIGHTLINE_DIFF_FLAGS=--allow-breaking")
	})
}

// removedWarmup is what flightline diff says when the scratch schema loses
// the phase warmup.
const removedWarmup = `/phase: backward-breaking enum-value-removed: value "warmup" of Phase is removed`

// schemaPath is the schema of the scratch repository, as git names it.
const schemaPath = "schema/cluster_timeline_entry.schema.json"

// hookRig is the setting of TestHooks: the snapshot of this checkout that
// pre-commit installs the hooks from, flightline built from that snapshot
// (so that the code the test generates is the code the hooks expect, even
// while the checkout is being edited), and the scratch repository the hooks
// run in.
type hookRig struct {
	ctx        context.Context
	env        []string // the environment of every command the test runs
	hookRepo   string   // the committed snapshot of this checkout
	config     string   // the pre-commit configuration that pins it
	bin        string   // flightline built from the snapshot; its directory is first on PATH
	work       string   // the downstream repository
	firstEntry string   // the first line of dumps/cluster.ndjson, a valid entry
}

func newHookRig(t *testing.T, ctx context.Context) *hookRig {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	h := &hookRig{
		ctx:      ctx,
		hookRepo: filepath.Join(tmp, "flightline"),
		bin:      filepath.Join(tmp, "bin", "flightline"),
		work:     filepath.Join(tmp, "downstream"),
	}
	h.env = hookEnv(t, tmp, filepath.Dir(h.bin))

	// The snapshot: every file of the checkout git does not ignore, as it is
	// on disk, committed in a new repository.
	snapshotCheckout(t, ctx, root, h.hookRepo)
	for _, name := range []string{".pre-commit-hooks.yaml", filepath.Join(".githooks", "pre-commit")} {
		if _, err := os.Stat(filepath.Join(h.hookRepo, name)); err != nil {
			t.Fatalf("the checkout lacks %s: %v", name, err)
		}
	}
	h.gitIn(t, h.hookRepo, "init", "-q")
	h.gitIn(t, h.hookRepo, "add", "-A")
	h.gitIn(t, h.hookRepo, "-c", "user.name=flightline test", "-c", "user.email=test@flightline.invalid", "commit", "-q", "--no-verify", "-m", "snapshot")
	if r := h.runIn(t, h.hookRepo, nil, "go", "build", "-o", h.bin, "./cmd/flightline"); r.code != 0 {
		t.Fatalf("building flightline from the snapshot: exit %d: %s", r.code, r.stderr)
	}
	rev := strings.TrimSpace(h.gitIn(t, h.hookRepo, "rev-parse", "HEAD"))
	h.config = filepath.Join(tmp, "pre-commit-config.yaml")
	config := "repos:\n  - repo: " + h.hookRepo + "\n    rev: " + rev + "\n    hooks:\n" +
		"      - id: flightline-check-generated\n      - id: flightline-validate\n      - id: flightline-schema-diff\n"
	if err := os.WriteFile(h.config, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	// The downstream repository.
	schemaText, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(schemaPath)))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile(filepath.Join(root, "testdata", "sample", "timeline.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	h.firstEntry, _, _ = strings.Cut(string(dump), "\n")
	h.firstEntry += "\n"
	if !strings.Contains(h.firstEntry, `"phase":"created"`) {
		t.Fatalf("testdata/sample/timeline.ndjson no longer starts with a created entry: %s", h.firstEntry)
	}
	if err := os.MkdirAll(h.work, 0o755); err != nil {
		t.Fatal(err)
	}
	h.git(t, "init", "-q")
	h.git(t, "config", "user.name", "flightline test")
	h.git(t, "config", "user.email", "test@flightline.invalid")
	h.write(t, "go.mod", "module example.com/downstream\n\ngo 1.25\n")
	h.write(t, schemaPath, string(schemaText))
	h.write(t, "dumps/cluster.ndjson", string(dump))
	h.write(t, "package.json", `{"name": "downstream", "private": true}`+"\n")
	r := h.flightline(t, "gen", "--schema", schemaPath, "--package", "timeline", "--out", "internal/timeline", "--go-generate")
	if r.code != 0 {
		t.Fatalf("flightline gen in the downstream repository: exit %d: %s", r.code, r.stderr)
	}
	h.git(t, "add", "-A")
	h.git(t, "commit", "-q", "--no-verify", "-m", "downstream")
	return h
}

// hookEnv is the environment of the commands TestHooks runs. Variables that
// would change what git, pre-commit or the hook do (GIT_*, PRE_COMMIT_*,
// SKIP, FLIGHTLINE*) are left out, and git ignores the user's and the
// system's configuration. Go's settings are passed on explicitly:
// pre-commit sets GOPATH to its environment directory, so without
// GOMODCACHE it would download every module again, and GOCACHE keeps
// go install fast.
func hookEnv(t *testing.T, tmp, binDir string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_") || strings.HasPrefix(name, "PRE_COMMIT") ||
			strings.HasPrefix(name, "FLIGHTLINE") || name == "SKIP" || name == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	goVars := []string{"GOMODCACHE", "GOCACHE", "GOPROXY", "GOFLAGS", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOTOOLCHAIN"}
	out, err := exec.Command("go", append([]string{"env", "-json"}, goVars...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var goEnv map[string]string
	if err := json.Unmarshal(out, &goEnv); err != nil {
		t.Fatalf("go env -json: %v", err)
	}
	for _, name := range goVars {
		if v := goEnv[name]; v != "" {
			env = append(env, name+"="+v)
		}
	}
	gitConfig := filepath.Join(tmp, "gitconfig")
	if err := os.WriteFile(gitConfig, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// flightline's directory comes first on PATH, for the plain hook.
	return append(env,
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-home"),
		"GIT_CONFIG_GLOBAL="+gitConfig,
		"GIT_CONFIG_NOSYSTEM=1",
		"GOWORK=off",
	)
}

// snapshotCheckout copies the files of the git checkout at root that git
// does not ignore, committed or not, to dst. Files deleted from the working
// tree are left out.
func snapshotCheckout(t *testing.T, ctx context.Context, root, dst string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("listing the files of %s (the hook test needs a git checkout): %v", root, err)
	}
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, filepath.FromSlash(name))
		info, err := os.Lstat(src)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && !info.Mode().IsRegular()) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// runIn runs a command in dir with the rig's environment and extra
// variables after it.
func (h *hookRig) runIn(t *testing.T, dir string, extraEnv []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(h.ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(h.env[:len(h.env):len(h.env)], extraEnv...)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) && h.ctx.Err() == nil {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v (%v)\n%s%s", name, strings.Join(args, " "), err, h.ctx.Err(), stdout.String(), stderr.String())
	}
	return result{code, stdout.String(), stderr.String()}
}

// flightline runs the snapshot's flightline in the downstream repository.
func (h *hookRig) flightline(t *testing.T, args ...string) result {
	t.Helper()
	return h.runIn(t, h.work, nil, h.bin, args...)
}

// gitIn runs git in dir and fails the test if git fails.
func (h *hookRig) gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := h.runIn(t, dir, nil, "git", args...)
	if r.code != 0 {
		t.Fatalf("git %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// git runs git in the downstream repository.
func (h *hookRig) git(t *testing.T, args ...string) string {
	t.Helper()
	return h.gitIn(t, h.work, args...)
}

// reset puts the downstream repository back to its last commit.
func (h *hookRig) reset(t *testing.T) {
	t.Helper()
	h.git(t, "reset", "-q", "--hard")
	h.git(t, "clean", "-q", "-f", "-d")
}

// write writes a file of the downstream repository.
func (h *hookRig) write(t *testing.T, name, content string) {
	t.Helper()
	writeTree(t, h.work, map[string]string{name: content})
}

// edit replaces the first old in a file of the downstream repository.
func (h *hookRig) edit(t *testing.T, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(h.work, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	h.write(t, name, strings.Replace(string(data), old, new, 1))
}

// tryRepo runs one hook of the snapshot on files with pre-commit run,
// verbose so that a passing hook's output is shown too.
func (h *hookRig) tryRepo(t *testing.T, hook string, files ...string) result {
	t.Helper()
	start := time.Now()
	args := append([]string{"run", "--config", h.config, "--color", "never", "--verbose", hook, "--files"}, files...)
	r := h.runIn(t, h.work, nil, "pre-commit", args...)
	t.Logf("pre-commit run %s: exit %d in %v", hook, r.code, time.Since(start).Round(100*time.Millisecond))
	return r
}

// expectFailed checks that a hook run failed and said want.
func (h *hookRig) expectFailed(t *testing.T, r result, want string) {
	t.Helper()
	if r.code == 0 || !strings.Contains(r.stdout, "Failed") || !strings.Contains(r.stdout, want) {
		t.Errorf("want the hook to fail saying %q; exit %d:\n%s%s", want, r.code, r.stdout, r.stderr)
	}
}

// expectPassed checks that a hook ran and passed.
func (h *hookRig) expectPassed(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 || !strings.Contains(r.stdout, "Passed") {
		t.Errorf("want the hook to pass; exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// commit runs git commit in the downstream repository, with the hook, and
// checks that the commit was made (or not) as ok says.
func (h *hookRig) commit(t *testing.T, ok bool, msg string, extraEnv ...string) result {
	t.Helper()
	before := h.git(t, "rev-parse", "HEAD")
	r := h.runIn(t, h.work, extraEnv, "git", "commit", "-q", "-m", msg)
	after := h.git(t, "rev-parse", "HEAD")
	if made := r.code == 0 && after != before; made != ok {
		t.Errorf("git commit (%s): exit %d, commit made %v, want %v:\n%s%s", msg, r.code, made, ok, r.stdout, r.stderr)
	}
	return r
}

// expectRefused checks that the hook's output says want.
func (h *hookRig) expectRefused(t *testing.T, r result, want string) {
	t.Helper()
	out := r.stdout + r.stderr
	if !strings.Contains(out, want) || !strings.Contains(out, "commit aborted") {
		t.Errorf("want the hook to refuse the commit saying %q:\n%s", want, out)
	}
}
