// Package jsonrt is the source of the runtime flightline gen writes into
// every generated package: the scanner behind the generated Validator and
// decoder, timestamps, integers of any size, ordered members and the
// violations. Its files are copied, with the names that are not API made
// unexported; doc.go and the tests are not.
package jsonrt
