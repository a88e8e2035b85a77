package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WriteDir writes files into dir, creating it if needed, and removes the
// files an earlier generation left there that this one no longer writes.
// Files without the generated header are never touched.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644); err != nil {
			return err
		}
	}
	leftovers, err := leftovers(dir, files)
	if err != nil {
		return err
	}
	for _, name := range leftovers {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// Stale lists the files of dir that are not what files would make them:
// changed, missing, or generated earlier and no longer written.
func Stale(dir string, files []File) ([]string, error) {
	var stale []string
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		if err != nil || !bytes.Equal(got, f.Content) {
			stale = append(stale, f.Name)
		}
	}
	extra, err := leftovers(dir, files)
	if err != nil {
		return nil, err
	}
	stale = append(stale, extra...)
	slices.Sort(stale)
	return stale, nil
}

// leftovers lists the generated Go files in dir that files does not hold.
func leftovers(dir string, files []File) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || slices.ContainsFunc(files, func(f File) bool { return f.Name == name }) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(data, []byte("// "+Header+"\n")) {
			out = append(out, name)
		}
	}
	return out, nil
}
