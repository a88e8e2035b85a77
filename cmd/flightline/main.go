// Command flightline works with the cluster timelines of distributed
// inference clusters: it generates Go code from the timeline schema,
// validates recorded timeline dumps, merges per-node and per-rank dumps
// into one timeline, and explains which rank holds the others up.
//
// Usage:
//
//	flightline <command> [flags] [arguments]
//
// Run flightline help for the list of commands, and flightline <command>
// -h for the flags of one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes shared by the commands.
const (
	exitOK       = 0
	exitFindings = 1 // the input has problems (or, for gen --check, the code is stale)
	exitUsage    = 2 // bad usage, or an input that could not be read
)

// A command is one subcommand of flightline.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) int
}

// env is what a command may touch: its output streams and standard input.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "flightline: "+format+"\n", args...)
}

func commands() []command {
	return []command{
		{"gen", "generate Go code from a timeline schema", runGen},
		{"validate", "validate timeline dumps: JSON, schema, timestamps, order, ranks", runValidate},
		{"merge", "merge per-node and per-rank dumps into one timeline", runMerge},
		{"explain", "name the rank that holds the others up", runExplain},
		{"export", "write a timeline as a Chrome trace for Perfetto", runExport},
		{"diff", "compare two versions of a schema: what breaks old dumps or old code", runDiff},
		{"version", "print the module version and the built-in schema's identity", runVersion},
	}
}

func main() {
	os.Exit(run(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	e.errorf("unknown command %q; run flightline help for the list", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "flightline works with the cluster timelines of distributed inference clusters.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: flightline <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run flightline <command> -h for the flags of a command.")
}

// newFlags returns a flag set for a command that reports errors to e.
func newFlags(e *env, name, args, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: flightline %s %s\n\n%s\n\nFlags:\n", name, args, doc)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, reporting whether the command should go on; code
// is the exit code when it should not.
func parseFlags(fs *flag.FlagSet, args []string) (ok bool, code int) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, exitOK
	}
	if err != nil {
		return false, exitUsage
	}
	return true, exitOK
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
