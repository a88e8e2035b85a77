package gen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WriteOptions say what WriteDir may do to what the directory holds.
type WriteOptions struct {
	// Force lets WriteDir replace a file that flightline gen did not write
	// (one without the generated header) when it writes a file of that
	// name. Without it, such a file is an error and nothing is written.
	Force bool
}

// A WriteError is a file WriteDir will not replace.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *WriteError) Unwrap() error { return e.Err }

// The reasons for a WriteError.
var (
	ErrNotGenerated = errors.New("not written by flightline gen (it has no \"" + Header + "\" header); move it away, or use --force to replace it")
	ErrSymlink      = errors.New("a symbolic link; flightline gen does not write through one")
	ErrNotFile      = errors.New("not a regular file")
)

// These are variables so that a test can make them fail.
var (
	writeFile = writeSynced
	rename    = os.Rename
)

// WriteDir writes files into dir, creating it if needed, and removes the
// files an earlier generation left there that this one no longer writes.
// It writes every file into a temporary directory beside dir first and
// moves the files into dir only when all are written: on any failure dir
// holds what it held before. It never writes through a symbolic link, and
// never replaces or removes a file that flightline gen did not write,
// unless opts.Force allows the first.
func WriteDir(dir string, files []File, opts WriteOptions) error {
	if info, err := os.Lstat(dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return &WriteError{dir, ErrSymlink}
	} else if err == nil && !info.IsDir() {
		return &WriteError{dir, errors.New("not a directory")}
	}
	var replaced []string // files of dir that the new ones replace
	for _, f := range files {
		switch generated, err := generatedFile(filepath.Join(dir, f.Name)); {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case !generated && !opts.Force:
			return &WriteError{filepath.Join(dir, f.Name), ErrNotGenerated}
		default:
			replaced = append(replaced, f.Name)
		}
	}
	gone, err := leftovers(dir, files)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".flightline-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		if err := writeFile(filepath.Join(tmp, f.Name), f.Content); err != nil {
			return fmt.Errorf("%s: %w (nothing in %s was changed)", filepath.Join(dir, f.Name), err, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return swap(dir, tmp, files, append(replaced, gone...))
}

// swap moves the files written in tmp into dir. The files of dir they
// replace, and the leftovers to remove (old), are moved aside into tmp
// first, so that a failure can put everything back as it was.
func swap(dir, tmp string, files []File, old []string) error {
	backup := filepath.Join(tmp, ".old")
	if err := os.Mkdir(backup, 0o755); err != nil {
		return err
	}
	var movedOut, movedIn []string
	undo := func(err error) error {
		for _, name := range movedIn {
			os.Remove(filepath.Join(dir, name))
		}
		for _, name := range movedOut {
			if rerr := rename(filepath.Join(backup, name), filepath.Join(dir, name)); rerr != nil {
				return fmt.Errorf("%v; and %s could not be put back from %s: %v", err, name, backup, rerr)
			}
		}
		return err
	}
	for _, name := range old {
		if err := rename(filepath.Join(dir, name), filepath.Join(backup, name)); err != nil {
			return undo(err)
		}
		movedOut = append(movedOut, name)
	}
	for _, f := range files {
		if err := rename(filepath.Join(tmp, f.Name), filepath.Join(dir, f.Name)); err != nil {
			return undo(err)
		}
		movedIn = append(movedIn, f.Name)
	}
	return nil
}

// writeSynced writes a new file and flushes it to the disk, so that a
// full disk shows before the file is moved into place.
func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// generatedFile reports whether the file at path starts with the generated
// header. A symbolic link or anything else that is not a regular file is
// an error: gen neither reads nor writes through it.
func generatedFile(path string) (bool, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return false, err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return false, &WriteError{path, ErrSymlink}
	case !info.Mode().IsRegular():
		return false, &WriteError{path, ErrNotFile}
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len("// "+Header+"\n"))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return bytes.Equal(head[:n], []byte("// "+Header+"\n")), nil
}

// Stale lists the files of dir that are not what files would make them:
// changed, missing, or generated earlier and no longer written. A file
// that is a symbolic link or not a regular file is stale, unread.
func Stale(dir string, files []File) ([]string, error) {
	var stale []string
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if _, err := generatedFile(path); err != nil {
			var we *WriteError
			if errors.As(err, &we) || errors.Is(err, fs.ErrNotExist) {
				stale = append(stale, f.Name)
				continue
			}
			return nil, err
		}
		got, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(got, f.Content) {
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

// leftovers lists the generated Go files in dir that files does not hold;
// links and other files that are not regular are left alone.
func leftovers(dir string, files []File) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || slices.ContainsFunc(files, func(f File) bool { return f.Name == name }) {
			continue
		}
		generated, err := generatedFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if generated {
			out = append(out, name)
		}
	}
	return out, nil
}
