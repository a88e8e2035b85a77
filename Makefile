# flightline: make test is what CI runs (.ci/run calls it).
GO ?= go

# TOOLS are the project's programs under testdata, and the tests' helpers
# that find the shared data and compare golden files (testdata/shared,
# testdata/golden), which ./... leaves out.
TOOLS = ./testdata/gen ./testdata/tracepic ./testdata/benchcompare ./testdata/testprogress ./testdata/shared ./testdata/golden

.PHONY: all build test vet fmt-check generate check-generated bench bench-compare

all: test

build:
	$(GO) build ./...

# generate regenerates the committed code, through the go:generate line
# the generated package carries.
generate:
	$(GO) generate ./generated/...

# check-generated fails, naming each stale file, when the committed
# generated code is not what the generator produces from the schema: it
# reruns the go:generate line of each generated package in check mode.
check-generated:
	$(GO) run ./cmd/flightline gen --check ./generated/...

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./... $(TOOLS)

# test prints a line per package as it finishes (and the tests that took
# long, and what still runs every half minute) through testdata/testprogress,
# which runs go test -json.
test: fmt-check vet check-generated
	$(GO) run ./testdata/testprogress ./... $(TOOLS)
	$(GO) test -race -short -count=1 $(RACE)
	$(GO) test -race -short -count=1 -run '$(RACE_CMD)' ./cmd/flightline

# RACE are the packages whose work runs on several goroutines, tested
# again with the race detector; RACE_CMD the tests of the command whose
# work does (the progress bar, signals, watch, live inputs).
RACE = ./validate ./validate/merge ./validate/live
RACE_CMD = TestTerminal|TestSignals|TestWatch|TestLiveCluster|TestStdinNotSpooled

# bench runs the Go benchmarks of decoding, validation, merging,
# explaining and trace writing.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./generated/... ./validate/...

# bench-compare times flightline's commands against flightline validate of
# the same input, and flightline against its peers, on a generated dump of
# BENCH_N entries, alternating them round by round (see
# testdata/benchcompare); it installs the sourcemeta CLI from npm into the
# user cache directory when it is missing. BENCH_ROWS picks the rows.
BENCH_N ?= 1000000
BENCH_RUNS ?= 3
BENCH_ROWS ?= validate,timeline,ranks,merge,explain,export,schema,sourcemeta
bench-compare:
	$(GO) run ./testdata/benchcompare -n $(BENCH_N) -runs $(BENCH_RUNS) -rows $(BENCH_ROWS) $(BENCH_ARGS)

.PHONY: hooks test-hooks

# hooks makes git run .githooks/pre-commit, flightline's checks of the
# staged files, in this clone, with the flightline of the tree (go run) so
# that generator changes count, and without testdata, whose invalid dumps
# are meant to be invalid.
hooks:
	git config core.hooksPath .githooks
	git config flightline.command '$(GO) run ./cmd/flightline'
	git config flightline.exclude '^testdata/'
	git config flightline.generatedFiles '(\.schema\.json|_gen\.go|openapi.*\.json|^(gen|schema)/.*\.go)$$'

# test-hooks runs the test of the pre-commit hooks and of .githooks/pre-commit
# (cmd/flightline/hooks_test.go), failing rather than skipping without
# pre-commit.
test-hooks:
	FLIGHTLINE_REQUIRE_PRECOMMIT=1 $(GO) test -count=1 -run '^TestHooks$$' ./cmd/flightline
