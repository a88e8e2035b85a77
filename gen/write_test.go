package gen

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// pkgFiles is a generation of three files.
func pkgFiles(version string) []File {
	var files []File
	for _, name := range []string{"a_gen.go", "b_gen.go", "types_gen.go"} {
		files = append(files, File{name, []byte("// " + Header + "\n\npackage p // " + version + "\n")})
	}
	return files
}

// snapshot reads every file of dir, links as their targets' names.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.Type()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			out[e.Name()] = "-> " + target
			continue
		}
		if !e.Type().IsRegular() {
			out[e.Name()] = "(special)"
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// noTemp fails when WriteDir left a temporary directory beside dir.
func noTemp(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*.flightline-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func TestWriteDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out", "pkg")
	if err := WriteDir(dir, pkgFiles("v1"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A second generation replaces the files, removes the one it no longer
	// writes, and leaves hand-written files alone.
	os.WriteFile(filepath.Join(dir, "old_gen.go"), []byte("// "+Header+"\n\npackage p\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "helpers.go"), []byte("package p\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes_gen.go"), []byte("package p // hand-written, despite the name\n"), 0o644)
	if err := WriteDir(dir, pkgFiles("v2"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, dir)
	want := map[string]string{"helpers.go": "package p\n", "notes_gen.go": "package p // hand-written, despite the name\n"}
	for _, f := range pkgFiles("v2") {
		want[f.Name] = string(f.Content)
	}
	if !same(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	noTemp(t, dir)
	// --out . from inside the package, as a go:generate line runs it.
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	if err := WriteDir(".", pkgFiles("v3"), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	os.Chdir(wd)
	if got := snapshot(t, dir); got["types_gen.go"] != string(pkgFiles("v3")[2].Content) {
		t.Errorf("--out .: %v", got)
	}
	noTemp(t, dir)
}

// TestWriteDirRefuses: a file flightline did not write, a symbolic link
// and a FIFO are refused with their path, and nothing is written.
func TestWriteDirRefuses(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, dir, outside string)
		force   bool
		want    error
	}{
		{"hand-written file", func(t *testing.T, dir, _ string) {
			os.WriteFile(filepath.Join(dir, "types_gen.go"), []byte("package p\n\n// mine\n"), 0o644)
		}, false, ErrNotGenerated},
		{"symlink out of the directory", func(t *testing.T, dir, outside string) {
			os.WriteFile(outside, []byte("precious\n"), 0o644)
			os.Remove(filepath.Join(dir, "types_gen.go"))
			if err := os.Symlink(outside, filepath.Join(dir, "types_gen.go")); err != nil {
				t.Fatal(err)
			}
		}, false, ErrSymlink},
		{"symlink, even with --force", func(t *testing.T, dir, outside string) {
			os.WriteFile(outside, []byte("precious\n"), 0o644)
			os.Remove(filepath.Join(dir, "a_gen.go"))
			if err := os.Symlink(outside, filepath.Join(dir, "a_gen.go")); err != nil {
				t.Fatal(err)
			}
		}, true, ErrSymlink},
		{"FIFO", func(t *testing.T, dir, _ string) {
			if runtime.GOOS == "windows" {
				t.Skip("no FIFOs on Windows")
			}
			os.Remove(filepath.Join(dir, "b_gen.go"))
			if err := syscall.Mkfifo(filepath.Join(dir, "b_gen.go"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true, ErrNotFile},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			dir, outside := filepath.Join(root, "pkg"), filepath.Join(root, "outside.go")
			if err := WriteDir(dir, pkgFiles("v1"), WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			c.prepare(t, dir, outside)
			before := snapshot(t, dir)
			beforeOutside, _ := os.ReadFile(outside)
			err := WriteDir(dir, pkgFiles("v2"), WriteOptions{Force: c.force})
			var we *WriteError
			if !errors.Is(err, c.want) || !errors.As(err, &we) || !strings.HasPrefix(we.Path, dir) {
				t.Fatalf("got %v, want %v naming a file of %s", err, c.want, dir)
			}
			if after := snapshot(t, dir); !same(before, after) {
				t.Errorf("the directory changed:\n%v\n%v", before, after)
			}
			if afterOutside, _ := os.ReadFile(outside); string(afterOutside) != string(beforeOutside) {
				t.Errorf("the file outside changed: %q", afterOutside)
			}
			noTemp(t, dir)
		})
	}
	// --force replaces a hand-written file.
	dir := filepath.Join(t.TempDir(), "pkg")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "types_gen.go"), []byte("package p\n"), 0o644)
	if err := WriteDir(dir, pkgFiles("v2"), WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, dir); got["types_gen.go"] != string(pkgFiles("v2")[2].Content) {
		t.Errorf("--force did not replace types_gen.go: %v", got)
	}
	// The output directory itself may not be a link either.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(link, pkgFiles("v3"), WriteOptions{}); !errors.Is(err, ErrSymlink) {
		t.Errorf("writing into a linked directory: %v", err)
	}
}

// TestWriteDirFailure: a write that fails (a full disk) or a move that
// fails leaves the old package as it was, and no temporary directory.
func TestWriteDirFailure(t *testing.T) {
	full := errors.New("no space left on device")
	cases := []struct {
		name   string
		inject func() (restore func())
	}{
		{"third write fails", func() func() {
			n := 0
			writeFile = func(name string, data []byte) error {
				if n++; n == 3 {
					return full
				}
				return writeSynced(name, data)
			}
			return func() { writeFile = writeSynced }
		}},
		{"a move into place fails", func() func() {
			n := 0
			rename = func(from, to string) error {
				if !strings.Contains(to, ".flightline-") {
					if n++; n == 2 {
						return full
					}
				}
				return os.Rename(from, to)
			}
			return func() { rename = os.Rename }
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "pkg")
			if err := WriteDir(dir, pkgFiles("v1"), WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "old_gen.go"), []byte("// "+Header+"\n\npackage p\n"), 0o644)
			before := snapshot(t, dir)
			restore := c.inject()
			err := WriteDir(dir, pkgFiles("v2"), WriteOptions{})
			restore()
			if !errors.Is(err, full) {
				t.Fatalf("got %v, want the injected failure", err)
			}
			if after := snapshot(t, dir); !same(before, after) {
				t.Errorf("the package changed:\n%v\n%v", before, after)
			}
			noTemp(t, dir)
		})
	}
}
