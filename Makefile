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

.PHONY: help demo build install test vet lint unit runtime-cover drift consumers interop interop-otelcol tools bench bench-sloth fuzz clean

# Modules of their own in this repository: the runtime the generated Go
# imports, golden/, whose generated packages require it as a user's
# module would, and two test modules: emitters/prometheus/configtest (Prometheus's
# kubernetes_sd brings client-go) and e2e/ (the shop on real Prometheus and
# Alertmanager, with golden/'s generated clients).
MODULES := runtime golden emitters/prometheus/configtest e2e

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

## test: go vet, staticcheck, every test (e2e/ runs Debian's prometheus and prometheus-alertmanager,
## which tools installs first), the golden drift check, the real consumers and the interop proofs
test: vet lint unit runtime-cover drift consumers interop

## vet: go vet over every package, the devtools-tagged commands (synth, routecases) too, and the runtime and golden modules
vet:
	$(GO) vet -tags devtools ./...
	@for m in $(MODULES); do echo "cd $$m && go vet ./..."; (cd $$m && $(GO) vet ./...) || exit 1; done

## lint: staticcheck over every package and module (installed with the Go toolchain into ~/.cache/svcgen/bin)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
TOOLBIN ?= $(or $(SVCGEN_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/svcgen)/bin
lint:
	@$(TOOLBIN)/staticcheck -version 2>/dev/null | grep -q '(0.8.2)' || GOBIN=$(TOOLBIN) $(GO) install $(STATICCHECK)
	$(TOOLBIN)/staticcheck -tags devtools ./...
	@for m in $(MODULES); do echo "cd $$m && staticcheck ./..."; (cd $$m && $(TOOLBIN)/staticcheck ./...) || exit 1; done

## unit: every Go test, in the runtime, golden and test modules too
unit: tools
	$(GO) test ./...
	@for m in $(MODULES); do echo "cd $$m && go test ./..."; (cd $$m && $(GO) test ./...) || exit 1; done

## runtime-cover: the runtime's statement coverage, which must stay at 90 % or more
runtime-cover:
	@profile=$$(mktemp) && trap 'rm -f $$profile' EXIT && \
	(cd runtime && $(GO) test -coverprofile=$$profile ./resilience/ >/dev/null && $(GO) tool cover -func=$$profile) | \
	awk '/^total:/ { seen = 1; sub("%", "", $$3); print "runtime coverage: " $$3 "%"; if ($$3 + 0 < 90) { print "below 90%"; exit 1 } } \
		END { if (!seen) { print "the runtime tests failed"; exit 1 } }'

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

## interop: imported Sloth specs alert as Sloth v0.16.0's own rules do (promtool; its own module), and interop-otelcol
interop: interop-otelcol
	cd interop/slothcheck && $(GO) vet ./... && $(GO) test -timeout 30m ./...

## interop-otelcol: the collector's own components over the generated otelcol files (its own module)
interop-otelcol:
	@cd interop/otelcol && if $(GO) mod download >/dev/null 2>&1; then $(GO) vet ./... && $(GO) test -count=1 ./...; else echo "interop/otelcol: skipped: its collector modules cannot be downloaded"; fi

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
