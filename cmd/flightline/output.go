package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// An output is where a command writes its result: the file -o names, or
// standard output. It is written to a temporary file first and put in
// place only when the command succeeds, so that a failure leaves no
// partial file behind (and nothing on standard output).
type output struct {
	path string // "" for standard output
	tmp  *os.File
	w    *bufio.Writer
}

func newOutput(path string) (*output, error) {
	dir := os.TempDir()
	if path != "" {
		dir = filepath.Dir(path)
	}
	tmp, err := os.CreateTemp(dir, ".flightline-*.tmp")
	if err != nil {
		return nil, err
	}
	return &output{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20)}, nil
}

func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// reset forgets what was written, to start over.
func (o *output) reset() error {
	o.w.Reset(o.tmp)
	if _, err := o.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return o.tmp.Truncate(0)
}

// commit puts the output in place: renames the file, or copies it to w.
func (o *output) commit(w io.Writer) error {
	if err := o.w.Flush(); err != nil {
		o.discard()
		return err
	}
	if o.path == "" {
		defer o.discard()
		if _, err := o.tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := io.Copy(w, o.tmp)
		return err
	}
	if err := o.tmp.Chmod(0o644); err != nil {
		o.discard()
		return err
	}
	if err := o.tmp.Close(); err != nil {
		os.Remove(o.tmp.Name())
		return err
	}
	if err := os.Rename(o.tmp.Name(), o.path); err != nil {
		os.Remove(o.tmp.Name())
		return err
	}
	return nil
}

// discard removes the temporary file.
func (o *output) discard() {
	o.tmp.Close()
	os.Remove(o.tmp.Name())
}
