// Command flightline works with the cluster timelines of distributed
// inference clusters.
//
// It names the rank that holds a stuck job up, on a running cluster or from
// dumps, watches a cluster, merges, validates and draws timelines, and
// generates Go code from the timeline schema.
//
// Usage:
//
//	flightline <command> [flags] [arguments]
//
// Run flightline help for the list of commands, and flightline help
// <command> (or flightline <command> --help) for the flags of one.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/flightline-dev/flightline/validate/live"
)

// Exit codes shared by the commands.
const (
	exitOK       = 0
	exitFindings = 1 // the input has problems (or, for gen --check, the code is stale)
	exitUsage    = 2 // bad usage, or an input that could not be read
)

// env is what a command may touch: its streams, whether they are
// terminals, the environment, and the temporary files to remove when a
// signal stops the program.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// noStdin reports a standard input that is a terminal or not open:
	// a command then reads it only when told to with -.
	noStdin bool
	// stdoutTerminal and stderrTerminal report streams a person reads.
	stdoutTerminal, stderrTerminal bool
	getenv                         func(string) string
	temps                          *tempFiles
	// progressAfter is how long work runs before a progress bar shows.
	progressAfter time.Duration

	// The global flags.
	color colorMode
	quiet bool

	// client reads the URLs a command is given, as liveFlags set it.
	client      *live.Client
	liveTimeout time.Duration
	liveHeaders []string

	// annotate says that the command writes GitHub workflow commands
	// (--format github): a path it cannot read is one of them too.
	annotate bool
}

func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "flightline: "+format+"\n", args...)
}

// osEnv is the env of the running program.
func osEnv() *env {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		temps: &tempFiles{}, progressAfter: time.Second}
	if _, err := os.Stdin.Stat(); err != nil || term.IsTerminal(int(os.Stdin.Fd())) {
		e.noStdin = true
	}
	e.stdoutTerminal = term.IsTerminal(int(os.Stdout.Fd()))
	e.stderrTerminal = term.IsTerminal(int(os.Stderr.Fd()))
	return e
}

func main() {
	e := osEnv()
	stop := handleSignals(e.temps)
	code := run(e, os.Args[1:])
	stop()
	os.Exit(code)
}

// exitCode carries a command's exit status out of cobra; the command has
// said what there was to say.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// A usageError is bad usage: exit status 2, with a one-line message.
type usageError struct {
	cmd string // the command path after flightline, or ""
	msg string
}

func (u *usageError) Error() string { return u.msg }

// newUsageError is a usage error of cmd.
func newUsageError(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: commandName(cmd), msg: fmt.Sprintf(format, args...)}
}

// commandName is the path of cmd after "flightline".
func commandName(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// run runs flightline with args and returns the exit status.
func run(e *env, args []string) int {
	root := newRoot(e)
	if len(args) == 0 {
		root.InitDefaultHelpCmd()
		root.InitDefaultCompletionCmd()
		root.Help()
		return exitUsage
	}
	if code, done := unknownCommand(e, root, args); done {
		return code
	}
	root.SetArgs(longFlags(root, args))
	err := root.Execute()
	var code exitCode
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &usage):
		prefix := "flightline: "
		if usage.cmd != "" {
			prefix += usage.cmd + ": "
		}
		fmt.Fprintf(e.stderr, "%s%s\n", prefix, usage.msg)
		return exitUsage
	}
	e.errorf("%s", oneLine(err.Error()))
	return exitUsage
}

// newRoot builds the command tree.
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "flightline",
		Short: "flightline works with the cluster timelines of distributed inference clusters.",
		Long: `flightline works with the cluster timelines of distributed inference clusters:
it names the rank that holds a stuck job up, on a running cluster
(flightline explain http://node:52415) or from dumps; watches a cluster and
archives its timeline; merges, validates and draws timelines; and generates
Go code from the timeline schema and reviews its changes.`,
		Version:                    versionText(currentVersion()),
		SilenceErrors:              true,
		SilenceUsage:               true,
		DisableFlagsInUseLine:      true,
		SuggestionsMinimumDistance: 2,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return e.setColor(cmd)
		},
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetIn(e.stdin)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return newUsageError(cmd, "%v (run flightline %s --help for the flags)", err, commandName(cmd))
	})
	pf := root.PersistentFlags()
	pf.StringVar((*string)(&e.color), "color", "auto", "colour the output: `when` auto (on a terminal, unless NO_COLOR is set), always or never")
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "no progress bar, and no report on standard error beyond warnings and errors")
	root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		genCommand(e),
		validateCommand(e),
		mergeCommand(e),
		explainCommand(e),
		exportCommand(e),
		watchCommand(e),
		reportCommand(e),
		diffCommand(e),
		versionCommand(e),
	)
	root.SetHelpCommand(helpCommand(root))
	return root
}

// command is a subcommand whose run returns an exit status.
func command(use, short, long string, run func(cmd *cobra.Command, args []string) int) *cobra.Command {
	return &cobra.Command{
		Use:                   use,
		Short:                 short,
		Long:                  long,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := run(cmd, args); code != exitOK {
				return exitCode(code)
			}
			return nil
		},
	}
}

// formatFlag defines --format with its values, for help and completion.
func formatFlag(cmd *cobra.Command, def string, values ...string) *string {
	p := cmd.Flags().String("format", def, "output `format`: "+strings.Join(values, ", "))
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	return p
}

// oneOf returns a usage error unless the flag's value is one of values.
func oneOf(cmd *cobra.Command, flag, value string, values ...string) error {
	for _, v := range values {
		if v == value {
			return nil
		}
	}
	return newUsageError(cmd, "unknown --%s %q; want %s", flag, value, orList(values))
}

// orList is "a, b or c".
func orList(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// unknownCommand handles a first argument that names no command: a
// one-line error with the commands it might have meant.
func unknownCommand(e *env, root *cobra.Command, args []string) (int, bool) {
	name := args[0]
	if strings.HasPrefix(name, "-") {
		return 0, false
	}
	for _, c := range root.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return 0, false
		}
	}
	if name == "help" || name == "completion" || name == cobra.ShellCompRequestCmd || name == cobra.ShellCompNoDescRequestCmd {
		return 0, false
	}
	e.errorf("unknown command %q%s; run flightline help for the list", name, suggest(root, name))
	return exitUsage, true
}

// suggest is "; did you mean x?" for the commands close to name, or "".
func suggest(root *cobra.Command, name string) string {
	s := root.SuggestionsFor(name)
	if len(s) == 0 {
		return ""
	}
	for i := range s {
		s[i] = fmt.Sprintf("%q", s[i])
	}
	return " (did you mean " + orList(s) + "?)"
}

// helpCommand is flightline help [command]: the help of a command on
// standard output, and an error with suggestions for one that does not
// exist.
func helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "print the help of flightline or of a command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, sub := range root.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				name := strings.Join(args, " ")
				return &usageError{cmd: "help", msg: fmt.Sprintf("no command %q%s; run flightline help for the list", name, suggest(root, args[len(args)-1]))}
			}
			cmd.InitDefaultHelpFlag() // as cmd --help shows it
			return cmd.Help()
		},
	}
}

// longFlag matches -name and -name=value, the form Go's flag package
// accepts for long flags, which earlier versions of flightline used.
var longFlag = regexp.MustCompile(`^-([a-z][a-z0-9-]+)(=.*)?$`)

// longFlags rewrites -name to --name where name is a long flag of the
// command args run, so that command lines written for Go's flag package
// keep their meaning.
func longFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	return doubleDash(args, func(name string) bool { return lookupFlag(cmd, name) != nil })
}

// doubleDash rewrites each -name that isFlag accepts to --name, leaving
// the arguments after -- alone.
func doubleDash(args []string, isFlag func(name string) bool) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if m := longFlag.FindStringSubmatch(a); m != nil && isFlag(m[1]) {
			out[i] = "-" + a
		}
	}
	return out
}

// lookupFlag finds a flag of cmd, its own or inherited.
func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	if name == "help" {
		return &pflag.Flag{Name: name}
	}
	return cmd.InheritedFlags().Lookup(name)
}

// oneLine joins the lines of a message, so that an error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
