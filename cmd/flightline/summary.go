package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/flightline-dev/flightline/validate/human"
)

// stepSummaryVar names the file GitHub Actions shows as a job's summary:
// a command that finds it set appends a Markdown summary of what it did.
const stepSummaryVar = "GITHUB_STEP_SUMMARY"

// stepSummary appends what write writes to the file GITHUB_STEP_SUMMARY
// names, if it is set, and returns code; when the file cannot be written,
// it says so as a workflow command (::error) on standard error and returns
// exitUsage.
func (e *env) stepSummary(name string, code int, write func(w io.Writer)) int {
	path := e.getenv(stepSummaryVar)
	if path == "" {
		return code
	}
	var b bytes.Buffer
	write(&b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err == nil {
		_, err = f.Write(b.Bytes())
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		msg := fmt.Sprintf("%s: %s: cannot append the summary: %s", name, stepSummaryVar, pathError(err))
		annotation(e.stderr, "error", "", 0, "flightline "+name, msg)
		return max(code, exitUsage)
	}
	return code
}

// pathFailed reports a path a command cannot read: a line on standard
// error and, with --format github, an ::error workflow command among the
// others on standard output. It returns the message.
func (e *env) pathFailed(name, path string, err error) string {
	msg := pathError(err)
	e.errorf("%s: %s", name, human.Escape(msg))
	if e.annotate {
		annotation(e.stdout, "error", path, 0, "flightline "+name, msg)
	}
	return msg
}
