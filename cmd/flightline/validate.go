package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/flightline-dev/flightline/schema"
	"github.com/flightline-dev/flightline/validate"
	"github.com/flightline-dev/flightline/validate/dump"
)

const validateDoc = `Validates cluster timeline dumps: NDJSON (one entry per line), a JSON array
of entries, a ClusterTimeline object as Skulk's timeline endpoint serves it,
or a node diagnostics object, each optionally gzipped. PATH is a file, a
directory (searched for *.json, *.ndjson and *.jsonl files, each optionally
.gz) or - for standard input.

Each finding is printed as PATH:LINE: SEVERITY RULE: message, LINE being the
line where the entry starts; see the README for the rules.

Exit status: 0 without errors (warnings allowed unless --strict), 1 when a
dump has errors, 2 for bad usage or a path that cannot be read.`

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "[flags] PATH...", validateDoc)
	format := fs.String("format", "text", "output `format`: text, json or github (GitHub Actions annotations)")
	schemaFile := fs.String("schema", "", "validate entries against this JSON Schema `file` (with jsonschema/v5) instead of the built-in schema")
	strict := fs.Bool("strict", false, "fail on warnings too, including an empty dump")
	maxFindings := fs.Int("max-findings", 100, "print at most `n` findings (0: all); the rest are counted")
	jobs := fs.Int("jobs", 0, "check entries on `n` goroutines (0: one per CPU)")
	maxEntry := fs.Int("max-entry-bytes", dump.DefaultMaxEntryBytes, "the largest entry or line accepted, in `bytes`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	out, err := newReportWriter(*format, e.stdout)
	if err != nil {
		e.errorf("validate: %v", err)
		return exitUsage
	}
	if fs.NArg() == 0 {
		e.errorf("validate: name at least one PATH (a file, a directory, or - for standard input)")
		return exitUsage
	}
	opts := validate.Options{Jobs: *jobs, MaxEntryBytes: *maxEntry}
	sum := summary{schema: reportSchema{Source: "built-in", Identity: schema.BuiltinIdentity()}}
	if *schemaFile != "" {
		s, err := validate.LoadSchema(*schemaFile)
		if err != nil {
			e.errorf("validate: --schema: %v", err)
			return exitUsage
		}
		opts.Schema = s
		sum.schema = reportSchema{Source: *schemaFile, Identity: s.Identity()}
		// jsonschema/v5 allocates hundreds of small objects per entry and
		// keeps none: collecting a quarter as often costs about 50 MB more
		// and saves about 15% of the time. GOGC, when set, has the last word.
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
	}

	code := exitOK
	for _, arg := range fs.Args() {
		files, err := dumpFiles(arg)
		if err != nil {
			e.errorf("validate: %s", pathError(err))
			sum.unreadable = append(sum.unreadable, unreadable{arg, pathError(err)})
			code = exitUsage
			continue
		}
		for _, path := range files {
			stats, err := validateFile(path, opts, func(f validate.Finding) {
				if *maxFindings > 0 && sum.shown >= *maxFindings {
					sum.notShown++
					return
				}
				sum.shown++
				out.finding(f)
			})
			if err != nil {
				e.errorf("validate: %s", pathError(err))
				sum.unreadable = append(sum.unreadable, unreadable{path, pathError(err)})
				code = exitUsage
				continue
			}
			sum.files++
			sum.entries += stats.Entries
			sum.errors += stats.Errors
			sum.warnings += stats.Warnings
		}
	}
	out.summary(&sum)
	switch {
	case code != exitOK:
		return code
	case sum.errors > 0 || (*strict && sum.warnings > 0):
		return exitFindings
	}
	return exitOK
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

// dumpFiles expands a PATH argument: a file, a directory of dumps, or -.
func dumpFiles(arg string) ([]string, error) {
	if arg == "-" {
		return []string{"-"}, nil
	}
	info, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{arg}, nil
	}
	var files []string
	err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != arg && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && isDumpName(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no dump files (*.json, *.ndjson, *.jsonl, optionally .gz) in the directory", arg)
	}
	return files, nil
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

// stdinName names standard input in findings.
const stdinName = "<stdin>"

// validateFile validates one dump file, or standard input for "-".
func validateFile(path string, opts validate.Options, report func(validate.Finding)) (validate.Stats, error) {
	var r io.Reader = os.Stdin
	name := stdinName
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return validate.Stats{}, err
		}
		defer f.Close()
		r, name = f, path
	}
	return validate.Dump(name, r, opts, report), nil
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

// A reportWriter writes findings in one output format.
type reportWriter interface {
	finding(f validate.Finding)
	summary(s *summary)
}

func newReportWriter(format string, w io.Writer) (reportWriter, error) {
	switch format {
	case "text":
		return &textReport{w: w}, nil
	case "json":
		return &jsonReport{w: w, findings: []validate.Finding{}}, nil
	case "github":
		return &githubReport{w: w}, nil
	}
	return nil, fmt.Errorf("unknown --format %q; want text, json or github", format)
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

// textReport writes PATH:LINE: SEVERITY RULE: message lines.
type textReport struct{ w io.Writer }

func (r *textReport) finding(f validate.Finding) {
	msg := f.Message
	if f.Pointer != "" {
		msg = f.Pointer + ": " + msg
	}
	fmt.Fprintf(r.w, "%s:%d: %s %s: %s\n", f.Path, f.Line, f.Severity, f.Rule, msg)
}

func (r *textReport) summary(s *summary) { fmt.Fprintln(r.w, summaryLine(s)) }

// jsonReport writes one JSON document; schema/validate_report.schema.json
// describes it.
type jsonReport struct {
	w        io.Writer
	findings []validate.Finding
}

func (r *jsonReport) finding(f validate.Finding) { r.findings = append(r.findings, f) }

func (r *jsonReport) summary(s *summary) {
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
	enc.Encode(doc)
}

// githubReport writes GitHub Actions workflow commands, which show the
// findings on the lines of a pull request's diff.
type githubReport struct{ w io.Writer }

func (r *githubReport) finding(f validate.Finding) {
	props := "file=" + githubProperty(f.Path)
	if f.Line > 0 {
		props += fmt.Sprintf(",line=%d", f.Line)
	}
	props += ",title=" + githubProperty("flightline "+f.Rule.String())
	msg := f.Message
	if f.Pointer != "" {
		msg = f.Pointer + ": " + msg
	}
	fmt.Fprintf(r.w, "::%s %s::%s\n", f.Severity, props, githubData(msg))
}

func (r *githubReport) summary(s *summary) { fmt.Fprintln(r.w, summaryLine(s)) }

func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
