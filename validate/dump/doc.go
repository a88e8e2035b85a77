// Package dump reads timeline dumps of every kind Skulk serves as a stream
// of entries.
//
// A dump is NDJSON, a JSON array of entries, a ClusterTimeline, a node's
// NodeDiagnostics, a ClusterDiagnostics or a DiagnosticCaptureResponse,
// gzipped or not; the kind is told from the content. The flight recorders
// of node documents are lifted onto their runners as Skulk lifts them, the
// rest of a document is checked whole against its schema, and every
// problem is a Problem with a typed rule id, at its line and JSON pointer.
// Memory is bounded by the largest entry, not by the dump.
package dump
