package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/validate/human"
	"github.com/flightline-dev/flightline/validate/live"
	"github.com/flightline-dev/flightline/validate/merge"
)

// stdinName names standard input in findings.
const stdinName = "<stdin>"

// An inputFile is one dump to read: a file, standard input, or a document
// read from a cluster.
type inputFile struct {
	name string // as findings name it: the path, <stdin>, or the URL
	path string // "" for standard input and documents read already
	size int64  // -1 when not known
	once bool   // not a regular file: it can be read only once
	data []byte // a document read from a URL
}

// pathArgs returns the PATH arguments of a command that reads dumps:
// standard input when none is given and standard input is neither a
// terminal nor closed.
func pathArgs(e *env, cmd *cobra.Command, args []string) ([]string, error) {
	if len(args) == 0 {
		if e.noStdin {
			return nil, newUsageError(cmd, "name at least one PATH (a file, a directory, or - for standard input)")
		}
		return []string{"-"}, nil
	}
	stdin := 0
	for _, a := range args {
		if a == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, newUsageError(cmd, "standard input (-) can be named once")
	}
	return args, nil
}

// inputFiles expands PATH arguments into the dump files they name. Each
// path that cannot be read, an argument or a file or directory below one,
// is passed to bad, and the rest are read. A URL argument is read from the
// cluster (see live.Client.Cluster), and what it says about nodes out of
// reach is a note on standard error.
func inputFiles(e *env, cmd string, args []string, bad func(path string, err error)) []inputFile {
	var files []inputFile
	for _, arg := range args {
		if arg == "-" {
			files = append(files, inputFile{name: stdinName, size: -1, once: true})
			continue
		}
		if live.IsURL(arg) {
			docs, notes, err := e.liveClient().Cluster(context.Background(), arg)
			if err != nil {
				bad(arg, err)
				continue
			}
			for _, n := range notes {
				e.errorf("%s: note: %s", cmd, human.Escape(n))
			}
			for _, d := range docs {
				files = append(files, inputFile{name: d.URL, size: int64(len(d.Body)), data: d.Body})
			}
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			bad(arg, err)
			continue
		}
		if !info.IsDir() {
			files = append(files, fileInput(arg, info))
			continue
		}
		before := len(files)
		reported := false
		walkDumps(os.DirFS(arg), func(name string, err error) {
			p := filepath.Join(arg, filepath.FromSlash(name))
			if err == nil {
				var info fs.FileInfo
				if info, err = os.Stat(p); err == nil {
					files = append(files, fileInput(p, info))
					return
				}
			}
			reported = true
			bad(p, err)
		})
		if len(files) == before && !reported {
			bad(arg, fmt.Errorf("%s: no dump files (*.json, *.ndjson, *.jsonl, optionally .gz) in the directory", arg))
		}
	}
	return files
}

func fileInput(path string, info fs.FileInfo) inputFile {
	if !info.Mode().IsRegular() {
		return inputFile{name: path, path: path, size: -1, once: true}
	}
	return inputFile{name: path, path: path, size: info.Size()}
}

// walkDumps calls found with the slash path of each dump file below the
// root of fsys, in lexical order, and with the error of each directory
// that cannot be read; the walk goes on with the rest. Directories whose
// names start with . are left out.
func walkDumps(fsys fs.FS, found func(name string, err error)) {
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			found(name, err)
			return nil // a directory that cannot be read is skipped
		}
		if d.IsDir() {
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if isDumpName(path.Base(name)) {
			found(name, nil)
		}
		return nil
	})
}

func isDumpName(name string) bool {
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range []string{".json", ".ndjson", ".jsonl"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func sizes(files []inputFile) []int64 {
	s := make([]int64, len(files))
	for i, f := range files {
		s[i] = f.size
	}
	return s
}

// open opens the input, counting what is read from it as input i of p.
func (f inputFile) open(e *env, p *progress, i int) (io.ReadCloser, error) {
	if f.data != nil {
		return io.NopCloser(p.reader(i, bytes.NewReader(f.data))), nil
	}
	if f.path == "" {
		return io.NopCloser(p.reader(i, e.stdin)), nil
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	return readCloser{p.reader(i, fh), fh}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errReadTwice is the error of opening an input that can be read only
// once a second time; merge.Input.Once keeps it from happening.
var errReadTwice = errors.New("can be read only once")

// mergeInputs makes the files inputs to merge, each opened once per read.
// An input that can be read only once (standard input, a FIFO) is marked
// so: merge reads it whole, once, and keeps it.
func mergeInputs(e *env, files []inputFile, p *progress) []merge.Input {
	inputs := make([]merge.Input, len(files))
	for i, f := range files {
		var opened atomic.Bool
		inputs[i] = merge.Input{Name: f.name, Once: f.once, Open: func() (io.ReadCloser, error) {
			if opened.Swap(true) && f.once {
				return nil, fmt.Errorf("%s %w", f.name, errReadTwice)
			}
			return f.open(e, p, i)
		}}
	}
	return inputs
}

// pathError says what went wrong with a path in the words a user wants:
// "dumps/x.json: no such file or directory", not "stat dumps/x.json: ...".
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// liveFlags gives a command that reads dumps the flags of reading them
// from a cluster: --timeout and --header.
func liveFlags(e *env, cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&e.liveTimeout, "timeout", live.DefaultTimeout, "how long one request to a cluster URL may take")
	fl.StringArrayVar(&e.liveHeaders, "header", nil, "send the `header` (Name: value) with each request to a cluster URL (repeatable)")
}

// liveClient is the client of the URLs a command reads, as its flags set
// it.
func (e *env) liveClient() *live.Client {
	if e.client != nil {
		return e.client
	}
	c := &live.Client{Timeout: e.liveTimeout, Header: http.Header{}}
	for _, h := range e.liveHeaders {
		name, value, _ := strings.Cut(h, ":")
		c.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	e.client = c
	return c
}

// checkHeaders refuses a --header that is not Name: value.
func checkHeaders(e *env, cmd *cobra.Command) error {
	for _, h := range e.liveHeaders {
		name, _, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t") {
			return newUsageError(cmd, "--header %q: want Name: value, such as 'Authorization: Bearer ...'", h)
		}
	}
	if e.liveTimeout <= 0 {
		return newUsageError(cmd, "--timeout %v: want a duration above zero, such as 10s", e.liveTimeout)
	}
	return nil
}
