package schema

import (
	"embed"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
)

// The built-in schema files, in the order gen loads them.
const (
	// EntryFile describes ClusterTimelineEntry, one entry of a merged timeline.
	EntryFile = "cluster_timeline_entry.schema.json"
	// RunnerEntryFile describes RunnerFlightRecorderEntry, the per-runner shape.
	RunnerEntryFile = "runner_flight_recorder_entry.schema.json"
	// TimelineFile describes ClusterTimeline, the cluster timeline endpoint's response.
	TimelineFile = "cluster_timeline.schema.json"
	// NodeFile describes NodeDiagnostics, one node's diagnostics endpoint's response.
	NodeFile = "node_diagnostics.schema.json"
	// ClusterFile describes ClusterDiagnostics, every node's diagnostics as
	// the cluster diagnostics endpoint collects them.
	ClusterFile = "cluster_diagnostics.schema.json"
	// CaptureFile describes DiagnosticCaptureResponse, the response of a
	// node's diagnostics capture.
	CaptureFile = "diagnostic_capture_response.schema.json"
)

// BuiltinFiles lists the built-in schema files, one for each document
// kind Skulk serves.
var BuiltinFiles = []string{EntryFile, RunnerEntryFile, TimelineFile, NodeFile, ClusterFile, CaptureFile}

//go:embed *.schema.json
var builtin embed.FS

// ReadBuiltin reads a built-in schema file by name.
func ReadBuiltin(name string) ([]byte, error) { return builtin.ReadFile(name) }

// LoadBuiltin loads the built-in schemas.
func LoadBuiltin() (*Model, error) { return LoadJSONSchema(ReadBuiltin, BuiltinFiles...) }

// LoadJSONSchema loads JSON Schema (draft 2020-12) files; the root of each
// is a root of the Model. readFile reads them and the files their $refs
// name, relative to the referring file; nil means os.ReadFile.
func LoadJSONSchema(readFile func(string) ([]byte, error), files ...string) (*Model, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	r := newJSONSchemaReader(readFile)
	for _, f := range files { // all of them first, for their $ids
		if _, err := r.doc(f); err != nil {
			return nil, err
		}
	}
	var roots []*node
	for _, f := range files {
		n, err := r.node(f, "")
		if err != nil {
			return nil, err
		}
		roots = append(roots, n)
	}
	m, err := build(roots)
	if err != nil {
		return nil, err
	}
	if err := r.metaValidate(); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadOpenAPI loads the named component schemas of an OpenAPI 3.0 or 3.1
// document, such as the openapi.json a FastAPI service publishes.
func LoadOpenAPI(file string, components ...string) (*Model, error) {
	d, err := ReadOpenAPI(file)
	if err != nil {
		return nil, err
	}
	return d.Load(components...)
}

// An OpenAPI is an OpenAPI document, read and checked once, whose
// component schemas can be loaded in turn.
type OpenAPI struct{ r *openAPIReader }

// ReadOpenAPI reads and checks the OpenAPI 3.0 or 3.1 document in file,
// with the overlays' changes made to it first.
func ReadOpenAPI(file string, overlays ...*Overlay) (*OpenAPI, error) {
	r, err := loadOpenAPI(file, overlays)
	if err != nil {
		return nil, err
	}
	return &OpenAPI{r}, nil
}

// Load loads the named component schemas of the document.
func (d *OpenAPI) Load(components ...string) (*Model, error) {
	r := *d.r
	r.nodes = map[*openapi3.Schema]*node{}
	var roots []*node
	for _, c := range components {
		n, err := r.component(c)
		if err != nil {
			return nil, err
		}
		roots = append(roots, n)
	}
	return build(roots)
}
