package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/flightline-dev/flightline/schema"
)

const versionDoc = `Prints flightline's module version and the identity of its built-in schema
(a SHA-256 of the schema files), so that a CI log says which schema validated
a dump. validate --format json carries the same identity.`

func runVersion(e *env, args []string) int {
	fs := newFlags(e, "version", "[flags]", versionDoc)
	format := fs.String("format", "text", "output `format`: text or json")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		e.errorf("version: unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	v := currentVersion()
	switch *format {
	case "text":
		fmt.Fprintf(e.stdout, "flightline %s\n", v.Version)
		fmt.Fprintf(e.stdout, "schema %s (%s)\n", v.Schema, strings.Join(v.SchemaFiles, ", "))
		fmt.Fprintf(e.stdout, "%s %s/%s\n", v.Go, runtime.GOOS, runtime.GOARCH)
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(v)
	default:
		e.errorf("version: unknown --format %q; want text or json", *format)
		return exitUsage
	}
	return exitOK
}

// versionInfo is what flightline version reports.
type versionInfo struct {
	Module      string   `json:"module"`
	Version     string   `json:"version"`
	Schema      string   `json:"schema"`
	SchemaFiles []string `json:"schemaFiles"`
	Go          string   `json:"go"`
}

// currentVersion reads the module version from the build information:
// a release for go install module@version, otherwise the VCS revision
// the binary was built from, when the build recorded it.
func currentVersion() versionInfo {
	v := versionInfo{Module: "github.com/flightline-dev/flightline", Version: "(devel)",
		Schema: schema.BuiltinIdentity(), SchemaFiles: schema.BuiltinFiles, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if v.Version == "(devel)" && rev != "" {
		v.Version += " " + rev[:min(12, len(rev))]
		if modified == "true" {
			v.Version += "+dirty"
		}
	}
	return v
}
