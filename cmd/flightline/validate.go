package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/human"
)

const validateDoc = `Validates cluster timeline dumps and diagnostics documents: NDJSON (one entry
per line), a JSON array of entries, a ClusterTimeline object as Skulk's
timeline endpoint serves it, a node diagnostics object, a ClusterDiagnostics
object or a capture, each optionally gzipped; a document is checked whole,
its entries one by one. PATH is a file, a directory (searched for *.json,
*.ndjson and *.jsonl files, each optionally .gz) or - for standard input,
which is read when no PATH is given and it is not a terminal. A URL reads a running cluster: http://node:52415 reads its cluster timeline,
and the diagnostics of each node it could not reach, tried directly from
here; any other URL (an endpoint such as .../v1/diagnostics/cluster) is read
as it is (--timeout, --header).

Each finding is printed as PATH:LINE: SEVERITY RULE: message, LINE being the
line where the entry starts; see the README for the rules.

Exit status: 0 without errors (warnings allowed unless --strict), 1 when a
dump has errors, 2 for bad usage or a path that cannot be read.`

// Bounds of the numeric flags. --jobs beyond maxJobs gains nothing on any
// machine and costs a goroutine and its buffers each.
const maxJobs = 1024

func validateCommand(e *env) *cobra.Command {
	var (
		format, schemaFile     *string
		strict                 bool
		maxFindings, jobs, max int
		maxSchema              int
	)
	cmd := command("validate [flags] [PATH...]", "validate timeline dumps: JSON, schema, timestamps, order, ranks", validateDoc,
		func(cmd *cobra.Command, args []string) int {
			return runValidate(e, cmd, args, validateFlags{*format, *schemaFile, strict, maxFindings, jobs, max, maxSchema})
		})
	format = formatFlag(cmd, "text", validateFormats...)
	fl := cmd.Flags()
	schemaFile = fl.String("schema", "", "validate entries against this JSON Schema `file` (with jsonschema/v5) instead of the built-in schema")
	fl.BoolVar(&strict, "strict", false, "fail on warnings too, including an empty dump")
	fl.IntVar(&maxFindings, "max-findings", 100, "print at most `n` findings (0: all); the rest are counted")
	fl.IntVar(&jobs, "jobs", 0, fmt.Sprintf("check entries on `n` goroutines, 1 to %d (0: one per CPU)", maxJobs))
	fl.IntVar(&max, "max-entry-bytes", dump.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
	fl.IntVar(&maxSchema, "max-schema-entry-bytes", validate.DefaultMaxSchemaEntryBytes, "with --schema, the largest entry checked, in `bytes` (jsonschema/v5 needs about 80 times an entry's size in memory)")
	liveFlags(e, cmd)
	return cmd
}

// validateFlags are validate's flags.
type validateFlags struct {
	format, schema           string
	strict                   bool
	maxFindings, jobs, entry int
	schemaEntry              int
}

// checkBounds refuses --jobs, --max-findings, --max-entry-bytes and
// --max-schema-entry-bytes out of their range, before any work.
func checkBounds(cmd *cobra.Command, jobs, maxFindings, maxEntry, maxSchemaEntry int) error {
	switch {
	case jobs < 0 || jobs > maxJobs:
		return newUsageError(cmd, "--jobs %d: want 1 to %d goroutines, or 0 for one per CPU", jobs, maxJobs)
	case maxFindings < 0:
		return newUsageError(cmd, "--max-findings %d: want 0 (all) or more", maxFindings)
	case maxEntry <= 0:
		return newUsageError(cmd, "--max-entry-bytes %d: want 1 or more", maxEntry)
	case maxSchemaEntry <= 0:
		return newUsageError(cmd, "--max-schema-entry-bytes %d: want 1 or more", maxSchemaEntry)
	}
	return nil
}

// validateFormats are validate's output formats.
var validateFormats = []string{"text", "json", "github", "sarif", "junit", "markdown"}

func runValidate(e *env, cmd *cobra.Command, args []string, fl validateFlags) int {
	if err := oneOf(cmd, "format", fl.format, validateFormats...); err != nil {
		return usage(e, err)
	}
	e.annotate = fl.format == "github"
	if err := checkBounds(cmd, fl.jobs, fl.maxFindings, fl.entry, fl.schemaEntry); err != nil {
		return usage(e, err)
	}
	args, err := pathArgs(e, cmd, args)
	if err != nil {
		return usage(e, err)
	}
	// Standard output keeps its first write error, for the findings and
	// the workflow commands of unreadable paths alike.
	stdout := keepErr(e.stdout)
	e.stdout = stdout
	out := newReportWriter(fl.format, stdout, e.stdoutPainter(), fl.strict)
	var step strings.Builder // the summary for GitHub Actions, when it is wanted
	if e.getenv(stepSummaryVar) != "" {
		out = teeReport{out, &markdownReport{w: &step, strict: fl.strict}}
	}
	opts := validate.Options{Jobs: fl.jobs, MaxEntryBytes: fl.entry}
	sum := summary{schema: reportSchema{Source: "built-in", Identity: schema.BuiltinIdentity()}}
	if fl.schema != "" {
		s, err := validate.LoadSchema(fl.schema)
		if err != nil {
			e.errorf("validate: --schema: %s", human.Escape(oneLine(err.Error())))
			return exitUsage
		}
		s.SetMaxEntryBytes(fl.schemaEntry)
		opts.Schema = s
		sum.schema = reportSchema{Source: fl.schema, Identity: s.Identity()}
		// jsonschema/v5 allocates hundreds of small objects per entry and
		// keeps none: collecting a quarter as often costs about 50 MB more
		// and saves about 15% of the time. GOGC, when set, has the last word.
		if e.getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
	}

	code := exitOK
	bad := func(path string, err error) {
		msg := e.pathFailed("validate", path, err)
		sum.unreadable = append(sum.unreadable, unreadable{path, msg})
		code = exitUsage
	}
	if err := checkHeaders(e, cmd); err != nil {
		return usage(e, err)
	}
	files := inputFiles(e, "validate", args, bad)
	p := e.startProgress("validate", sizes(files))
	for i, f := range files {
		r, err := f.open(e, p, i)
		if err != nil {
			bad(f.name, err)
			continue
		}
		stats := validate.Dump(f.name, r, opts, func(f validate.Finding) {
			if fl.maxFindings > 0 && sum.shown >= fl.maxFindings {
				sum.notShown++
				return
			}
			sum.shown++
			out.finding(f)
		})
		r.Close()
		out.fileDone(f.name, stats)
		sum.files++
		sum.entries += stats.Entries
		sum.errors += stats.Errors
		sum.warnings += stats.Warnings
	}
	p.finish()
	err = out.summary(&sum)
	if err == nil {
		err = stdout.err
	}
	if err != nil {
		return stdoutFailed(e, "validate", err)
	}
	if code == exitOK && (sum.errors > 0 || (fl.strict && sum.warnings > 0)) {
		code = exitFindings
	}
	return e.stepSummary("validate", code, func(w io.Writer) { io.WriteString(w, step.String()) })
}

// usage reports a usage error and returns its exit status.
func usage(e *env, err error) int {
	var u *usageError
	if errors.As(err, &u) && u.cmd != "" {
		e.errorf("%s: %s", u.cmd, u.msg)
	} else {
		e.errorf("%s", err)
	}
	return exitUsage
}

// summary is what a validation found in all.
type summary struct {
	files, entries   int
	errors, warnings int
	shown, notShown  int
	unreadable       []unreadable
	schema           reportSchema
}

// reportSchema says which schema validated the dumps.
type reportSchema struct {
	// Source is "built-in" or the --schema file as given.
	Source string `json:"source"`
	// Identity is the hash of the schema's files; flightline version
	// prints the built-in one.
	Identity string `json:"identity"`
}

type unreadable struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// A reportWriter writes findings in one output format: each finding of a
// file, then fileDone with what the file held; the summary at the end.
type reportWriter interface {
	finding(f validate.Finding)
	fileDone(name string, st validate.Stats)
	// summary writes the end of the report and returns the error of
	// writing it, if any.
	summary(s *summary) error
}

func newReportWriter(format string, w io.Writer, p painter, strict bool) reportWriter {
	switch format {
	case "json":
		return &jsonReport{w: w, findings: []validate.Finding{}}
	case "github":
		return &githubReport{w: w}
	case "sarif":
		return newSARIFReport(w)
	case "junit":
		return &junitReport{w: w, strict: strict}
	case "markdown":
		return &markdownReport{w: w, strict: strict}
	}
	return &textReport{w: w, p: p}
}

// teeReport writes to two reportWriters.
type teeReport [2]reportWriter

func (t teeReport) finding(f validate.Finding) { t[0].finding(f); t[1].finding(f) }
func (t teeReport) fileDone(name string, st validate.Stats) {
	t[0].fileDone(name, st)
	t[1].fileDone(name, st)
}
func (t teeReport) summary(s *summary) error {
	return errors.Join(t[0].summary(s), t[1].summary(s))
}

func summaryLine(s *summary) string {
	line := fmt.Sprintf("%s in %s: %s, %s", plural(s.entries, "entry", "entries"), plural(s.files, "file", "files"),
		plural(s.errors, "error", "errors"), plural(s.warnings, "warning", "warnings"))
	if s.notShown > 0 {
		line += fmt.Sprintf(" (%d more findings not shown; raise --max-findings)", s.notShown)
	}
	if len(s.unreadable) > 0 {
		line += fmt.Sprintf("; %s could not be read", plural(len(s.unreadable), "path", "paths"))
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// textReport writes PATH:LINE: SEVERITY RULE: message lines, with the
// control characters of paths, pointers and messages escaped.
type textReport struct {
	w io.Writer
	p painter
}

func (r *textReport) finding(f validate.Finding) {
	fmt.Fprintf(r.w, "%s:%d: %s %s: %s\n", human.Escape(f.Path), f.Line, r.p.severity(f.Severity.String()), f.Rule, findingMessage(f))
}

// findingMessage is a finding's pointer and message, escaped.
func findingMessage(f validate.Finding) string {
	msg := f.Message
	if f.Pointer != "" {
		msg = f.Pointer + ": " + msg
	}
	return human.Escape(msg)
}

func (r *textReport) fileDone(string, validate.Stats) {}
func (r *textReport) summary(s *summary) error {
	_, err := fmt.Fprintln(r.w, summaryLine(s))
	return err
}

// jsonReport writes one JSON document; schema/validate_report.schema.json
// describes it.
type jsonReport struct {
	w        io.Writer
	findings []validate.Finding
}

func (r *jsonReport) finding(f validate.Finding)      { r.findings = append(r.findings, f) }
func (r *jsonReport) fileDone(string, validate.Stats) {}

func (r *jsonReport) summary(s *summary) error {
	doc := struct {
		Findings   []validate.Finding `json:"findings"`
		Summary    any                `json:"summary"`
		Unreadable []unreadable       `json:"unreadable"`
		Schema     reportSchema       `json:"schema"`
	}{
		Schema:   s.schema,
		Findings: r.findings,
		Summary: struct {
			Files    int `json:"files"`
			Entries  int `json:"entries"`
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
			NotShown int `json:"notShown"`
		}{s.files, s.entries, s.errors, s.warnings, s.notShown},
		Unreadable: append([]unreadable{}, s.unreadable...),
	}
	enc := json.NewEncoder(r.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// githubReport writes GitHub Actions workflow commands, which show the
// findings on the lines of a pull request's diff.
type githubReport struct{ w io.Writer }

func (r *githubReport) finding(f validate.Finding) {
	annotation(r.w, f.Severity.String(), f.Path, f.Line, "flightline "+f.Rule.String(), findingMessage(f))
}

func (r *githubReport) fileDone(string, validate.Stats) {}
func (r *githubReport) summary(s *summary) error {
	_, err := fmt.Fprintln(r.w, summaryLine(s))
	return err
}

func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
