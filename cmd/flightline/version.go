package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flightline-dev/flightline/schema"
)

const versionDoc = `Prints flightline's module version and the identity of its built-in schema
(a SHA-256 of the schema files), so that a CI log says which schema validated
a dump. validate --format json carries the same identity.`

func versionCommand(e *env) *cobra.Command {
	var format *string
	cmd := command("version [--format text|json]", "print the module version and the built-in schema's identity", versionDoc,
		func(cmd *cobra.Command, args []string) int {
			if err := oneOf(cmd, "format", *format, "text", "json"); err != nil {
				return usage(e, err)
			}
			v := currentVersion()
			if *format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				enc.Encode(v)
				return exitOK
			}
			fmt.Fprint(e.stdout, versionText(v))
			return exitOK
		})
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return newUsageError(cmd, "unexpected argument %q", args[0])
		}
		return nil
	}
	format = formatFlag(cmd, "text", "text", "json")
	return cmd
}

// versionText is what flightline version and flightline --version print.
func versionText(v versionInfo) string {
	return fmt.Sprintf("flightline %s\nschema %s (%s)\n%s %s/%s\n", v.Version, v.Schema, strings.Join(v.SchemaFiles, ", "),
		v.Go, runtime.GOOS, runtime.GOARCH)
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
