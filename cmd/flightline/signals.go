package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
)

// tempFiles are the temporary files a command has made beside its outputs,
// to be removed when a signal stops it. A command that stops on a signal
// by itself (watch) sets graceful instead.
type tempFiles struct {
	mu       sync.Mutex
	paths    map[string]bool
	stopped  bool
	graceful func()
}

// stopGracefully makes a signal call stop instead of ending the program:
// the command then finishes its work and returns.
func (t *tempFiles) stopGracefully(stop func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.graceful = stop
}

// gracefully calls the graceful stop, if there is one.
func (t *tempFiles) gracefully() bool {
	t.mu.Lock()
	stop := t.graceful
	t.mu.Unlock()
	if stop != nil {
		stop()
	}
	return stop != nil
}

// errStopping is the error of creating a temporary file while a signal
// stops the program.
var errStopping = errors.New("stopping on a signal")

// create creates a new file named .flightline-*.tmp in dir with perm (less
// the umask) and records it.
func (t *tempFiles) create(dir string, perm os.FileMode) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return nil, errStopping
	}
	for {
		var b [8]byte
		rand.Read(b[:])
		name := filepath.Join(dir, ".flightline-"+hex.EncodeToString(b[:])+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if t.paths == nil {
			t.paths = map[string]bool{}
		}
		t.paths[name] = true
		return f, nil
	}
}

// rename renames the temporary file to path and forgets it.
func (t *tempFiles) rename(tmp, path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return errStopping
	}
	delete(t.paths, tmp)
	return os.Rename(tmp, path)
}

// remove removes the temporary file and forgets it.
func (t *tempFiles) remove(tmp string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.paths, tmp)
	os.Remove(tmp)
}

// stop removes every temporary file and refuses new ones.
func (t *tempFiles) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for p := range t.paths {
		os.Remove(p)
	}
	t.paths = nil
}

// handleSignals makes SIGINT, SIGTERM and SIGHUP remove the temporary
// files and exit with 128 plus the signal's number, as a shell reports a
// program the signal killed: 130, 143 and 129. The returned function stops
// the handling.
func handleSignals(temps *tempFiles) func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			var s os.Signal
			select {
			case s = <-ch:
			case <-done:
				return
			}
			if temps.gracefully() {
				continue // the command stops by itself
			}
			temps.stop()
			code := 128 + 1
			if n, ok := s.(syscall.Signal); ok {
				code = 128 + int(n)
			}
			os.Exit(code)
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
