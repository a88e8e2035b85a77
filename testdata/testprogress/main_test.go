package main

import (
	"strings"
	"testing"
	"time"
)

func TestPrinter(t *testing.T) {
	now := time.Date(2026, 4, 24, 22, 0, 0, 0, time.UTC)
	var b strings.Builder
	p := newPrinter(&b, func() time.Time { return now })
	events := `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestSlow"}
{"Action":"run","Package":"a","Test":"TestBad"}
{"Action":"output","Package":"a","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Action":"output","Package":"a","Test":"TestBad","Output":"    bad_test.go:9: wrong\n"}
{"Action":"fail","Package":"a","Test":"TestBad","Elapsed":0.25}
{"Action":"start","Package":"b"}
{"Action":"output","Package":"b","Output":"?   \tb\t[no test files]\n"}
{"Action":"skip","Package":"b","Elapsed":0}
not json
`
	p.read(strings.NewReader(events))
	now = now.Add(45 * time.Second)
	p.still()
	p.read(strings.NewReader(`{"Action":"run","Package":"a","Test":"TestSlow/sub"}
{"Action":"pass","Package":"a","Test":"TestSlow/sub","Elapsed":1}
{"Action":"skip","Package":"a","Test":"TestSkip","Elapsed":0}
{"Action":"pass","Package":"a","Test":"TestSlow","Elapsed":44.5}
{"Action":"fail","Package":"a","Elapsed":45.1}
`))
	p.close()
	want := `--- FAIL: TestBad (0.3s)
    bad_test.go:9: wrong
-      b (no tests)
not json
...    a still running after 45.0s: TestSlow
       TestSlow 44.5s
FAIL   a 45.1s
failed packages: a
go test ran for 45.0s
tests: 2 passed, 1 failed, 1 skipped
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
