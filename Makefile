# svcgen — see README.md. `make demo` and `make test` are the two commands a
# fresh clone needs.

GO      ?= go
BIN     := bin/svcgen
# The version a binary reports and records in .svcgen-manifest: the nearest
# tag, commits since it and the commit (v0.2.0-3-gabc1234), or the commit
# alone before the first tag; -dirty for uncommitted changes.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/svcgen/svcgen/cmd/svcgen/cli.version=$(VERSION)
PREFIX  ?= $(HOME)/.local
EXAMPLES := $(sort $(patsubst examples/%/,%,$(dir $(wildcard examples/*/*.cue))))

.PHONY: help demo build install test vet unit drift consumers tools bench bench-sloth fuzz clean

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST) | column -t -s ':' 2>/dev/null || sed -n 's/^## //p' $(MAKEFILE_LIST)

## demo: build svcgen and compile examples/shop into ./gen
demo: build
	$(BIN) build examples/shop -o gen

## build: build the svcgen binary into bin/
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/svcgen

## install: install svcgen, stamped with its version, into PREFIX/bin (~/.local/bin)
install:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(PREFIX)/bin/svcgen ./cmd/svcgen
	@$(PREFIX)/bin/svcgen --version

## test: go vet, every test, the golden drift check and the real consumers
test: vet unit drift consumers

## vet: go vet over every package, the devtools-tagged commands (synth, routecases) too
vet:
	$(GO) vet -tags devtools ./...

## unit: every Go test
unit:
	$(GO) test ./...

## drift: svcgen diff of every example against its golden output
drift: build
	@for ex in $(EXAMPLES); do \
		echo "svcgen diff examples/$$ex -o golden/$$ex"; \
		$(BIN) diff examples/$$ex -o golden/$$ex || exit 1; \
	done

## consumers: promtool, amtool and kubeconform -strict (offline schemas) over the golden outputs
consumers: tools
	./scripts/check-consumers.sh
	./scripts/check-kubeconform.sh

tools:
	./scripts/install-tools.sh

## bench: benchmarks on generated catalogs of 10 to 1,000 services
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-sloth: svcgen against Sloth v0.16.0 on the same 1,000 services × 3 SLOs (N=, RUNS=)
bench-sloth: build
	./scripts/bench-sloth.sh

## fuzz: run each fuzz target for FUZZTIME (20s); `make unit` runs their seed corpora
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime=$(FUZZTIME) ./compiler/
	$(GO) test -run '^$$' -fuzz '^FuzzWrite$$' -fuzztime=$(FUZZTIME) ./emitters/emit/
	$(GO) test -run '^$$' -fuzz '^FuzzCheckPath$$' -fuzztime=$(FUZZTIME) ./emitters/emit/
	$(GO) test -run '^$$' -fuzz '^FuzzSelectorRoundTrip$$' -fuzztime=$(FUZZTIME) ./emitters/prometheus/
	$(GO) test -run '^$$' -fuzz '^FuzzString$$' -fuzztime=$(FUZZTIME) ./emitters/yamlenc/

clean:
	rm -rf bin gen
