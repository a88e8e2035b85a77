package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flightline-dev/flightline/validate/dump"
	"github.com/flightline-dev/flightline/validate/rule"
)

// run validates a dump and renders its findings, one "line rule pointer"
// a line.
func run(t *testing.T, input string, opts Options) ([]string, Stats) {
	t.Helper()
	var got []string
	stats := Dump("dump", strings.NewReader(input), opts, func(f Finding) {
		if f.Path != "dump" {
			t.Errorf("finding path %q", f.Path)
		}
		got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Rule, f.Pointer))
	})
	return got, stats
}

// e writes an entry; fields override the defaults ("-" removes one).
func e(fields ...string) string {
	base := [][2]string{
		{"at", `"2026-04-24T22:03:50.000000+00:00"`}, {"nodeId", `"node-a"`}, {"runnerId", `"runner-0"`},
		{"deviceRank", `0`}, {"worldSize", `1`}, {"phase", `"decode_stream"`}, {"event", `"enter"`},
	}
	for i := 0; i+1 < len(fields); i += 2 {
		found := false
		for j := range base {
			if base[j][0] == fields[i] {
				base[j][1], found = fields[i+1], true
			}
		}
		if !found {
			base = append(base, [2]string{fields[i], fields[i+1]})
		}
	}
	var parts []string
	for _, f := range base {
		if f[1] != "-" {
			parts = append(parts, `"`+f[0]+`":`+f[1])
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func lines(entries ...string) string { return strings.Join(entries, "\n") + "\n" }

func TestRules(t *testing.T) {
	at := func(s string) string { return `"2026-04-24T22:03:` + s + `"` }
	cases := []struct {
		name  string
		input string
		want  []string
	}{
		{"valid", lines(e(), e("at", at("51+00:00"))), nil},
		{"Z then +00:00 in order", lines(e("at", at("50Z")), e("at", at("50.5+00:00")), e("at", at("51+00:00"))), nil},
		{"order by instant, not text", lines(e("at", at("51+01:00")), e("at", at("50+00:00"))),
			[]string{"1 timestamp-offset /at"}},
		{"goes backwards", lines(e("at", at("52Z")), e("at", at("51Z")), e("at", at("53Z"))), []string{"2 order "}},
		{"ties by node, rank, runner", lines(
			e("nodeId", `"a"`, "runnerId", `"r1"`), e("nodeId", `"b"`, "runnerId", `"r0"`),
			e("nodeId", `"b"`, "runnerId", `"r2"`, "deviceRank", `0`), e("nodeId", `"a"`, "runnerId", `"r3"`)),
			[]string{"4 order "}},
		{"unparsable at is skipped by order", lines(e("at", at("55Z")), e("at", `"noon"`), e("at", at("56Z"))), []string{"2 timestamp /at"}},
		{"no offset", lines(e("at", `"2026-04-24T22:03:50"`)), []string{"1 timestamp /at"}},
		{"bad generatedAt", lines(e("mlxMemory", `{"generatedAt":"2026-02-30T00:00:00Z","source":"mlx.core"}`)), []string{"1 timestamp /mlxMemory/generatedAt"}},
		{"schema", lines(e("phase", `"nope"`, "extra", `1`, "event", "-")), []string{"1 schema /phase", "1 schema /extra", "1 schema /event"}},
		{"world size below 1", lines(e("worldSize", `0`)), []string{"1 rank-range /worldSize"}},
		{"rank out of range", lines(e("deviceRank", `1`)), []string{"1 rank-range /deviceRank"}},
		{"negative rank", lines(e("deviceRank", `-1`, "worldSize", `2`)), []string{"1 rank-range /deviceRank"}},
		{"runner moves", lines(e("worldSize", `2`), e("at", at("51Z"), "nodeId", `"node-b"`, "worldSize", `2`)), []string{"2 runner-changed /nodeId"}},
		{"task world size", lines(e("taskId", `"t"`), e("taskId", `"t"`, "runnerId", `"r1"`, "worldSize", `2`, "deviceRank", `1`, "at", at("51Z"))),
			[]string{"2 task-world-size /worldSize"}},
		{"rank held twice", lines(e("taskId", `"t"`, "worldSize", `2`), e("taskId", `"t"`, "runnerId", `"r9"`, "worldSize", `2`, "at", at("51Z")),
			e("taskId", `"t"`, "runnerId", `"r1"`, "deviceRank", `1`, "worldSize", `2`, "at", at("52Z"))),
			[]string{"2 task-rank-conflict /runnerId"}},
		{"missing rank", lines(e("taskId", `"t"`, "worldSize", `3`), e("taskId", `"t"`, "runnerId", `"r2"`, "deviceRank", `2`, "worldSize", `3`, "at", at("51Z"))),
			[]string{"1 task-missing-rank "}},
		{"duplicate", lines(e(), e(), e("at", at("51Z"))), []string{"2 duplicate-entry "}},
		{"empty", "", []string{"1 empty "}},
		{"empty array", "[]", []string{"1 empty "}},
		{"empty timeline", `{"generatedAt":"2026-04-24T22:03:50+00:00","localNodeId":"a","masterNodeId":"a","runners":[ ],"timeline":[],"unreachableNodes":[]}`,
			[]string{"1 empty "}},
		{"runners null", `{"generatedAt":"2026-04-24T22:03:50+00:00","localNodeId":"a","masterNodeId":"a","runners":null,"timeline":[],"unreachableNodes":[]}`,
			[]string{"1 schema /runners", "1 empty "}},
		{"runners an object", `{"generatedAt":"2026-04-24T22:03:50+00:00","localNodeId":"a","masterNodeId":"a","runners":{"a":1},"timeline":[],"unreachableNodes":[]}`,
			[]string{"1 schema /runners", "1 empty "}},
		// A cluster whose runners have recorded nothing yet, as the
		// snapshot flightline watch keeps: not an empty dump.
		{"runners, no entries", `{"generatedAt":"2026-04-24T22:03:50+00:00","localNodeId":"a","masterNodeId":"a","runners":[{"nodeId":"a","runnerId":"r",` +
			`"instanceId":"i","modelId":"m","deviceRank":0,"worldSize":1,"pid":1,"processAlive":true,"statusKind":"RunnerRunning","phase":"idle",` +
			`"phaseDetail":null,"secondsInPhase":1.5,"lastProgressAt":null,"activeTaskId":null,"activeCommandId":null,"lastMlxMemory":null}],"timeline":[],"unreachableNodes":[]}`,
			nil},
		{"json problems", lines(e()[:20], e()+" {}", `{"a":1,"a":2}`), []string{"1 json-truncated /at", "2 json-trailing ", "3 schema /a", "3 json-duplicate-key /a",
			"3 schema /at", "3 schema /nodeId", "3 schema /runnerId", "3 schema /deviceRank", "3 schema /worldSize", "3 schema /phase", "3 schema /event"}},
	}
	for _, c := range cases {
		for _, jobs := range []int{1, 3} {
			got, _ := run(t, c.input, Options{Jobs: jobs})
			if !slices.Equal(got, c.want) {
				t.Errorf("%s (jobs %d):\n got %q\nwant %q", c.name, jobs, got, c.want)
			}
		}
	}
}

func TestTimelineMembers(t *testing.T) {
	doc := `{"generatedAt":"yesterday","localNodeId":"n",` + "\n" + `"runners":[{"nodeId":"n"}],` + "\n" +
		`"timeline":[` + e() + `],"extra":1}`
	got, stats := run(t, doc, Options{})
	want := []string{"2 schema /runners/0/runnerId", "2 schema /runners/0/instanceId", "2 schema /runners/0/modelId",
		"2 schema /runners/0/deviceRank", "2 schema /runners/0/worldSize", "2 schema /runners/0/processAlive",
		"2 schema /runners/0/statusKind", "2 schema /runners/0/phase", "2 schema /runners/0/secondsInPhase",
		"3 schema /extra", "1 timestamp /generatedAt"}
	if !slices.Equal(got, want) || stats.Format != dump.Timeline || stats.Entries != 1 {
		t.Errorf("%v %v\n got %q\nwant %q", stats.Format, stats.Entries, got, want)
	}
}

// TestDuplicateWindow: a runner's entry repeats one of its last 128, or it
// is not a duplicate; the finding names the latest copy.
func TestDuplicateWindow(t *testing.T) {
	entry := func(i int) string { return e("attrs", fmt.Sprintf(`{"i":%d}`, i)) }
	cases := []struct {
		name string
		seq  []int // the attrs.i of each entry
		want []string
	}{
		{"127 between", append(append([]int{-1}, seqRange(127, 0)...), -1), []string{"129 duplicate-entry "}},
		{"128 between", append(append([]int{-1}, seqRange(128, 0)...), -1), nil},
		{"three copies", append(append([]int{-1, -1}, seqRange(127, 0)...), -1), []string{"2 duplicate-entry ", "130 duplicate-entry "}},
		{"copy kept after its twin leaves", append(append([]int{-1}, seqRange(100, 0)...), append([]int{-1}, append(seqRange(40, 1000), -1)...)...),
			[]string{"102 duplicate-entry ", "143 duplicate-entry "}},
	}
	for _, c := range cases {
		var in []string
		for _, i := range c.seq {
			in = append(in, entry(i))
		}
		var got []string
		Dump("dump", strings.NewReader(lines(in...)), Options{}, func(f Finding) {
			got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Rule, f.Pointer))
		})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// seqRange returns n integers from start.
func seqRange(n, start int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = start + i
	}
	return s
}

// TestManyEntriesInOrder: findings come out in input order whatever the
// number of goroutines, across many batches.
func TestManyEntriesInOrder(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		at := fmt.Sprintf(`"2026-04-24T%02d:%02d:%02d.%06d+00:00"`, 10+i/3600, i/60%60, i%60, 0)
		if i%997 == 0 {
			b.WriteString(e("at", at, "phase", `"nope"`) + "\n")
		} else {
			b.WriteString(e("at", at) + "\n")
		}
	}
	var prev []string
	for _, jobs := range []int{1, 2, 7} {
		got, stats := run(t, b.String(), Options{Jobs: jobs})
		if stats.Entries != 5000 || len(got) != 6 {
			t.Fatalf("jobs %d: %d entries, findings %v", jobs, stats.Entries, got)
		}
		if prev != nil && !slices.Equal(got, prev) {
			t.Errorf("jobs %d: %v, jobs 1: %v", jobs, got, prev)
		}
		prev = got
	}
}

// TestREADMEListsEveryRule keeps the README's rule table in step with Rules.
func TestREADMEListsEveryRule(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rule.All {
		row := fmt.Sprintf("| `%s` | %s |", r.Name, r.Severity)
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row for rule %s (%s)", r.Name, r.Severity)
		}
	}
}

// TestSchemaEntryBound: the general path refuses an entry too large for
// jsonschema/v5 to check in bounded memory, and says so.
func TestSchemaEntryBound(t *testing.T) {
	s, err := BuiltinSchema()
	if err != nil {
		t.Fatal(err)
	}
	s.SetMaxEntryBytes(150)
	entry := `{"at":"2026-04-24T22:03:50+00:00","nodeId":"a","runnerId":"r","deviceRank":0,"worldSize":1,"phase":"idle","event":"e"}`
	got, _ := run(t, entry+"\n"+entry[:len(entry)-1]+`,"detail":"`+strings.Repeat("x", 100)+`"}`+"\n", Options{Schema: s})
	want := []string{"2 too-large "}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestHugeExponentQuoted: a number jsonschema/v5 checks in a tamed form
// is still quoted as written, on both paths.
func TestHugeExponentQuoted(t *testing.T) {
	s, err := BuiltinSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field, literal string
		quoted               bool // the message quotes the number
	}{
		{"rank out of range", "deviceRank", "1e999999", true},
		{"world size below 1", "worldSize", "-2e99999", true},
		{"not an integer", "deviceRank", "1.5e-999999", false},
	} {
		for _, opts := range []Options{{}, {Schema: s}} {
			t.Run(fmt.Sprintf("%s/schema=%t", tc.name, opts.Schema != nil), func(t *testing.T) {
				var msgs []string
				Dump("dump", strings.NewReader(e(tc.field, tc.literal)+"\n"), opts, func(f Finding) {
					if f.Pointer == "/"+tc.field {
						msgs = append(msgs, f.Message)
					}
				})
				if len(msgs) == 0 {
					t.Fatalf("no finding at /%s", tc.field)
				}
				for _, m := range msgs {
					if tc.quoted && !strings.Contains(m, tc.literal) {
						t.Errorf("message %q does not quote %s", m, tc.literal)
					}
					if strings.Contains(m, tameExponent(tc.literal)) {
						t.Errorf("message %q quotes the tamed %s", m, tameExponent(tc.literal))
					}
				}
			})
		}
	}
}
