# Yardstick developer commands; `make help` lists them.
#
#   make test    environment (PostgreSQL, Citus, Chromium) + gofmt + vet + go.mod tidy + staticcheck + templ and API code checks + go test + fuzz
#   make bench   benchmarks, with the same environment
#
# Knobs: make test FUZZTIME=30s FUZZ_TARGETS= TEST_PKGS=./internal/store/... GO_TEST_FLAGS=-race
#        CI=true makes a missing PostgreSQL/Citus/Chromium (or fuzz package) fatal instead of a warning.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
# Steps run in the order given, even under make -j.
.NOTPARALLEL:
.DEFAULT_GOAL := help

GO ?= go
TEST_PKGS ?= ./...
TEST_TIMEOUT ?= 25m
GO_TEST_FLAGS ?=
# package:FuzzName:BUDGET run by `make fuzz` (part of `make test`). Budgets are execution counts,
# about 10 s each on a quiet machine (see scripts/fuzz.sh for why not durations); FUZZTIME=30s
# overrides them all.
FUZZ_TARGETS ?= ./internal/period:FuzzAt:600000x ./internal/period:FuzzParse:400000x ./internal/period:FuzzLabel:200000x \
	./internal/graph:FuzzRender:30000x ./internal/importer:FuzzParse:100000x ./internal/dataimport:FuzzPeriodOf:50000x \
	./internal/calc:FuzzFormula:500000x ./internal/store:FuzzAppendChanges:100000x ./internal/export:FuzzNeutralize:100000x
FUZZTIME ?=
# (a pattern whose directory does not exist yet is left out)
BENCH_PKGS ?= $(foreach p,./bench/... ./internal/...,$(if $(wildcard $(p:/...=)),$(p)))
BENCHTIME ?= 1s
ARGS ?=

# Screenshots and other files the tests keep.
YARDSTICK_TEST_ARTIFACTS ?= $(CURDIR)/test-artifacts
export YARDSTICK_TEST_ARTIFACTS

# Prefix of a recipe line: prepares the test environment in that line's shell, and drops the
# throwaway database when the shell exits.
WITH_TESTENV = env_out="$$(bash scripts/testenv.sh)"; eval "$$env_out"; \
	trap 'bash scripts/testenv.sh --drop' EXIT;

.PHONY: help test bench generate run fmt check-fmt vet check-mod staticcheck check-templ check-api test-go fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 20

test: ## prepare the environment, then check-fmt, vet, check-mod, staticcheck, check-templ, check-api, test-go, fuzz; stop at the first failure
	@$(WITH_TESTENV) $(MAKE) --no-print-directory check-fmt vet check-mod staticcheck check-templ check-api test-go fuzz

bench: ## run the benchmarks (BENCHTIME=1s, BENCH_PKGS) with the test environment
	@$(WITH_TESTENV) $(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) $(BENCH_PKGS)

generate: ## regenerate the *_templ.go files and internal/api/api.gen.go
	$(GO) tool templ generate -path .
	cd internal/api && $(GO) generate .

run: ## run the app (ARGS=… are passed on)
	$(GO) run ./cmd/yardstick $(ARGS)

fmt: ## gofmt -w every .go file
	@bash scripts/gofmt.sh -w

# The steps of `make test`; each can be run alone (then without the prepared environment
# unless the YARDSTICK_TEST_* variables are set, e.g. by: eval "$(scripts/testenv.sh)").

check-fmt: ## fail if a .go file is not gofmt-formatted
	@bash scripts/gofmt.sh

vet: ## go vet ./...
	$(GO) vet ./...

check-mod: ## fail if go.mod or go.sum is not tidy
	$(GO) mod tidy -diff

staticcheck: ## staticcheck ./... (the version pinned in go.mod as a tool)
	$(GO) tool staticcheck ./...

check-templ: ## fail if templ generate changes a *_templ.go file
	@GO=$(GO) bash scripts/check-templ.sh

check-api: ## fail if oapi-codegen changes internal/api/api.gen.go (openapi.yaml edited without regenerating)
	@GO=$(GO) bash scripts/check-api.sh

test-go: ## go test -count=1 (TEST_PKGS, GO_TEST_FLAGS); internal/web in two go tests of its own (browser journeys, the rest), started first
	@mkdir -p "$(YARDSTICK_TEST_ARTIFACTS)"
	@GO=$(GO) TEST_TIMEOUT=$(TEST_TIMEOUT) GO_TEST_FLAGS="$(GO_TEST_FLAGS)" bash scripts/test-go.sh $(TEST_PKGS)

fuzz: ## short fuzz runs of FUZZ_TARGETS, each for its budget (or FUZZTIME)
	@GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh $(FUZZ_TARGETS)
