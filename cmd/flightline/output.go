package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/flightline-dev/flightline/validate/human"
)

// An output is where a command writes its result, as -o names it:
//
//   - standard output (no -o, or -o -, /dev/stdout): written as the
//     command goes;
//   - a regular file, or a new path: written to a temporary file beside it,
//     with the file's mode (a new file's is 0644 less the umask), and
//     renamed over it when the command succeeds, so that a failure leaves
//     the file as it was; a symbolic link is followed, and its target
//     written that way;
//   - anything else (a device, a FIFO): written to directly, as the
//     command goes.
//
// A command that starts over (merge, when an input turns out not to be in
// order) resets the output. Output that went to a stream cannot be taken
// back: the output then checks that the new run writes the same bytes
// first, and fails if it does not.
type output struct {
	name string // as the user named it, for messages
	w    *bufio.Writer

	// For a regular file written through a temporary file.
	temps  *tempFiles
	tmp    *os.File
	target string

	// For standard output as a regular file: where the command's output
	// starts in it.
	file  *os.File
	start int64

	// For a stream.
	stream *rewinder
	closer io.Closer // a device or FIFO opened for -o
}

// errRewind is the error of a command that starts over after its output
// went to a stream, when it would write something else the second time.
var errRewind = errors.New("an input turned out not to be in order after output had begun, and the sorted output differs from what was written to a stream that cannot be rewound; write to a file with -o, or sort the input first")

// openOutput opens the output -o names; "" and - are standard output. It
// fails, naming path as given, when path is a directory or in a directory
// that does not exist.
func openOutput(e *env, path string) (*output, error) {
	switch filepath.Clean(path) {
	case ".":
		if path == "" {
			return stdoutOutput(e), nil
		}
	case "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return stdoutOutput(e), nil
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("-o %s: is a directory", path)
	case err == nil && info.Mode().IsRegular():
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, fmt.Errorf("-o %s: %v", path, pathError(err))
		}
		return atomicOutput(e, path, target, info.Mode().Perm(), true)
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("-o %s: %v", path, pathError(err))
		}
		o := streamOutput(path, f)
		o.closer = f
		return o, nil
	case errors.Is(err, fs.ErrNotExist):
		target, err := linkTarget(path)
		if err != nil {
			return nil, fmt.Errorf("-o %s: %v", path, pathError(err))
		}
		dir := filepath.Dir(target)
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("-o %s: no directory %s to write it in", path, dir)
		}
		return atomicOutput(e, path, target, 0o644, false)
	}
	return nil, fmt.Errorf("-o %s: %v", path, pathError(err))
}

// linkTarget follows the symbolic links of a path that does not exist to
// the path that would be created.
func linkTarget(path string) (string, error) {
	for hops := 0; ; hops++ {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 || hops == 40 {
			return "", fmt.Errorf("%s: cannot follow the symbolic link", path)
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
}

// atomicOutput writes target through a temporary file beside it, with
// mode perm: set as it is for an existing file, less the umask for a new
// one.
func atomicOutput(e *env, name, target string, perm os.FileMode, exists bool) (*output, error) {
	create := perm
	if exists {
		create = 0o600
	}
	tmp, err := e.temps.create(filepath.Dir(target), create)
	if err != nil {
		return nil, fmt.Errorf("-o %s: cannot create a file beside it: %v", name, pathError(err))
	}
	if exists {
		if err := tmp.Chmod(perm); err != nil {
			tmp.Close()
			e.temps.remove(tmp.Name())
			return nil, fmt.Errorf("-o %s: %v", name, pathError(err))
		}
	}
	return &output{name: name, w: bufio.NewWriterSize(tmp, 1<<20), temps: e.temps, tmp: tmp, target: target}, nil
}

// stdoutOutput writes to standard output: rewound in place when it is a
// regular file the command writes at the end of (> file, or >> file, where
// what was there before stays), as a stream otherwise.
func stdoutOutput(e *env) *output {
	if f, ok := e.stdout.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			start, err := f.Seek(0, io.SeekCurrent)
			if appending(f) {
				start, err = info.Size(), nil
			}
			if err == nil && start == info.Size() {
				return &output{name: "standard output", w: bufio.NewWriterSize(f, 1<<20), file: f, start: start}
			}
		}
	}
	return streamOutput("standard output", e.stdout)
}

func streamOutput(name string, w io.Writer) *output {
	r := &rewinder{w: w, h: sha256.New()}
	return &output{name: name, w: bufio.NewWriterSize(r, 64<<10), stream: r}
}

func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// reset forgets what was written, to start over.
func (o *output) reset() error {
	switch {
	case o.tmp != nil:
		o.w.Reset(o.tmp)
		if _, err := o.tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return o.tmp.Truncate(0)
	case o.file != nil:
		o.w.Reset(o.file)
		return o.rewindFile()
	}
	o.w.Reset(o.stream)
	o.stream.rewind()
	return nil
}

func (o *output) rewindFile() error {
	if err := o.file.Truncate(o.start); err != nil {
		return err
	}
	_, err := o.file.Seek(o.start, io.SeekStart)
	return err
}

// commit finishes the output: renames the temporary file over the target,
// or flushes what is left to the stream.
func (o *output) commit() error {
	if err := o.w.Flush(); err != nil {
		o.discard()
		return err
	}
	switch {
	case o.tmp != nil:
		if err := o.tmp.Sync(); err != nil {
			o.discard()
			return err
		}
		if err := o.tmp.Close(); err != nil {
			o.temps.remove(o.tmp.Name())
			return err
		}
		if err := o.temps.rename(o.tmp.Name(), o.target); err != nil {
			o.temps.remove(o.tmp.Name())
			return err
		}
		return nil
	case o.stream != nil && (o.stream.replay > 0 || o.stream.failed):
		o.discard()
		return errRewind
	}
	if o.closer != nil {
		return o.closer.Close()
	}
	return nil
}

// discard gives up the output: a temporary file is removed and standard
// output as a regular file is cut back to where the command started; what
// went to a stream stays there.
func (o *output) discard() {
	switch {
	case o.tmp != nil:
		o.tmp.Close()
		o.temps.remove(o.tmp.Name())
	case o.file != nil:
		o.rewindFile()
	}
	if o.closer != nil {
		o.closer.Close()
	}
}

// A rewinder passes bytes to a stream, and after a rewind checks that the
// bytes written again are those the stream already has, dropping them, so
// that a command can start over as long as it writes the same beginning.
type rewinder struct {
	w       io.Writer
	written int64     // bytes written to w
	h       hash.Hash // of those bytes

	replay int64     // bytes still to compare after a rewind
	want   []byte    // the hash of the bytes written before the rewind
	again  hash.Hash // of the bytes written since the rewind
	failed bool      // the bytes written again differed
}

func (r *rewinder) rewind() {
	if r.written == 0 {
		return
	}
	r.replay, r.want = r.written, r.h.Sum(nil)
	r.again = sha256.New()
}

func (r *rewinder) Write(p []byte) (int, error) {
	n := len(p)
	if r.failed {
		return 0, errRewind
	}
	if r.replay > 0 {
		k := min(int64(len(p)), r.replay)
		r.again.Write(p[:k])
		r.replay -= k
		p = p[k:]
		if r.replay == 0 && !bytes.Equal(r.again.Sum(nil), r.want) {
			r.failed = true
			return 0, errRewind
		}
	}
	if len(p) == 0 {
		return n, nil
	}
	w, err := r.w.Write(p)
	r.h.Write(p[:w])
	r.written += int64(w)
	if err != nil {
		return n - len(p) + w, err
	}
	return n, nil
}

// partial reports whether a failed command left some output where it
// cannot be taken back: a stream that got bytes.
func (o *output) partial() bool { return o.stream != nil && o.stream.written > 0 }

// isRewind reports an errRewind, so that the command can say what to do.
func isRewind(err error) bool { return errors.Is(err, errRewind) }

// outputName is how a command's report names where its output went.
func outputName(path string) string {
	if path == "" || strings.TrimSpace(path) == "-" {
		return "standard output"
	}
	return path
}

// An errWriter passes writes on to w and keeps the first error: once a
// write fails, it writes nothing more and returns that error again. The
// report writers write many small pieces; their caller checks err once.
type errWriter struct {
	w   io.Writer
	err error
}

// keepErr is w as an errWriter, w itself when it is one.
func keepErr(w io.Writer) *errWriter {
	if ew, ok := w.(*errWriter); ok {
		return ew
	}
	return &errWriter{w: w}
}

func (w *errWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// stdoutFailed reports that standard output could not be written and
// returns exitUsage.
func stdoutFailed(e *env, name string, err error) int {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	e.errorf("%s: standard output: %s", name, human.Escape(err.Error()))
	return exitUsage
}

// outputFailed reports an output that openOutput cannot open, escaped, and
// returns exitUsage.
func outputFailed(e *env, name string, err error) int {
	e.errorf("%s: %s", name, human.Escape(err.Error()))
	return exitUsage
}
