# flightline: make test is what CI runs (.ci/run calls it).
GO ?= go

# TOOLS are the project's programs under testdata, which ./... leaves out.
TOOLS = ./testdata/gen ./testdata/tracepic

.PHONY: all build test vet fmt-check generate check-generated

all: test

build:
	$(GO) build ./...

# generate regenerates the committed code, through the go:generate line
# the generated package carries.
generate:
	$(GO) generate ./generated/...

# check-generated fails, naming each stale file, when the committed
# generated code is not what the generator produces from the schema.
check-generated:
	$(GO) run ./cmd/flightline gen --go-generate --check

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./... $(TOOLS)

test: fmt-check vet check-generated
	$(GO) test ./... $(TOOLS)
