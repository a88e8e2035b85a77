package schema

import (
	"testing"
)

func TestLoadBuiltinMatchesOpenAPI(t *testing.T) {
	js, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	oa, err := LoadOpenAPI("../testdata/openapi/skulk.openapi.json", "ClusterTimelineEntry", "RunnerFlightRecorderEntry", "ClusterTimeline", "NodeDiagnostics", "ClusterDiagnostics", "DiagnosticCaptureResponse")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := dump(js), dump(oa); a != b {
		t.Errorf("models differ:\n--- JSON Schema\n%s\n--- OpenAPI\n%s", a, b)
	}
	t.Log(dump(js))
}
