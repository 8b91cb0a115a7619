# Morph: `make test` runs every test, `make demo` runs the article's notebooks.
# Each target installs what it needs (Debian packages as root, a Python venv), builds, runs.
#
# Variables: BUILD (SwiftPM scratch path), VENV (the test venv), PYTEST_ARGS (extra pytest args).

SHELL := /bin/bash
BUILD ?= .build
VENV ?= .venv
PYTEST_TIMEOUT ?= 300
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
TARGETS ?=
PYTEST_ARGS ?=
SWIFT_TEST_ARGS ?=

ROOT := $(abspath .)
MORPH := $(abspath $(BUILD))/release/morph
VENV_ABS := $(abspath $(VENV))

# OpenBLAS reads OPENBLAS_CORETYPE when it loads and picks its slowest kernels on CPUs it does
# not know (docs/ARCHITECTURE.md, "Platform"). `morph` re-executes itself with it set; the test binaries do not, so
# set it here the same way (from the CPU's features) unless the environment already has it.
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
  CORETYPE := $(shell if grep -qw avx512f /proc/cpuinfo; then echo SkylakeX; elif grep -qw avx2 /proc/cpuinfo; then echo Haswell; fi)
  ifneq ($(CORETYPE),)
    export OPENBLAS_CORETYPE := $(CORETYPE)
  endif
endif

.NOTPARALLEL:

.PHONY: all test demo deps venv build-release swift-test sanitize fuzz fuzz-smoke kernelspec integration bench bench-kernel clean-venv

all: test

# Every Swift test runs under AddressSanitizer (that run is the Swift test run: one debug
# build less than a plain `swift test` plus a sanitizer run); the kernel, language and engine
# tests run again under ThreadSanitizer. Then the fuzz smoke run and the integration tests.
# Each step runs even when another fails; the exit status is non-zero if any failed.
test: deps venv build-release
	@rc=0; \
	$(MAKE) --no-print-directory sanitize || { rc=1; echo "make test: Swift tests under the sanitizers FAILED"; }; \
	$(MAKE) --no-print-directory fuzz-smoke || { rc=1; echo "make test: fuzz smoke run FAILED"; }; \
	$(MAKE) --no-print-directory integration || { rc=1; echo "make test: integration tests FAILED"; }; \
	if [ $$rc -eq 0 ]; then echo "make test: all steps passed"; fi; \
	exit $$rc

demo: deps build-release
	$(MORPH) run notebooks/*.ipynb --output out --figures out/figures

deps:
	bash scripts/install-deps.sh

venv:
	VENV=$(VENV) bash scripts/setup-venv.sh

# Static Swift runtime: about 3 MB less resident memory per kernel; lld links it without the
# gold warning FoundationEssentials' static archive triggers.
# morph-kernel is what the kernelspec runs: it listens on the kernel's ports, then execs morph.
build-release:
	swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld --scratch-path $(BUILD) --product morph
	swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld --scratch-path $(BUILD) --product morph-kernel

# A plain debug `swift test` of every target (quicker to iterate with than `make sanitize`).
swift-test:
	swift test --scratch-path $(BUILD) $(SWIFT_TEST_ARGS)

# Every Swift test under ASan, the kernel/language/engine tests under TSan (scripts/sanitizers.sh).
sanitize:
	ASAN_FILTER="$${ASAN_FILTER:-.*}" bash scripts/sanitizers.sh

# libFuzzer targets (scripts/fuzz.sh; crashes land in fuzz/<Target>/crashes/ and fail the run):
# `make fuzz [FUZZ_SECONDS=60] [TARGETS="Wire JSON"]`; the test command runs each for FUZZ_SMOKE_SECONDS
# from a fixed seed, so a test run's inputs do not change between runs (exploring with fresh seeds
# is `make fuzz`'s job; whatever it finds becomes a seed-corpus file and a regression test). The smoke
# run starts from the committed seeds only, not from the corpus earlier runs grew.
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS) $(TARGETS)

fuzz-smoke:
	FUZZ_SEEDS_ONLY=1 FUZZ_FLAGS="-seed=1 $${FUZZ_FLAGS:-}" bash scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

# The kernelspec goes into the venv (sys-prefix) and JUPYTER_PATH points there first, so a
# `morph` kernelspec installed elsewhere (e.g. --user) cannot shadow the binary under test.
kernelspec: build-release venv
	VIRTUAL_ENV=$(VENV_ABS) PATH=$(VENV_ABS)/bin:$$PATH $(MORPH) install --sys-prefix
	JUPYTER_PATH=$(VENV_ABS)/share/jupyter $(VENV_ABS)/bin/jupyter kernelspec list

integration: kernelspec
	cd $(ROOT) && JUPYTER_PATH=$(VENV_ABS)/share/jupyter MORPH_BIN=$(MORPH) \
	  PATH=$(VENV_ABS)/bin:$$PATH \
	  $(VENV_ABS)/bin/python -m pytest Tests/integration -ra --durations=10 --timeout=$(PYTEST_TIMEOUT) $(PYTEST_ARGS)

# Benchmarks (release builds); results go to bench/RESULTS.md.
bench: bench-kernel

# Kernel benchmark: Morph vs ipykernel side by side.
bench-kernel: build-release venv kernelspec
	VENV=$(VENV) bash bench/setup.sh
	JUPYTER_PATH=$(VENV_ABS)/share/jupyter MORPH_BIN=$(MORPH) \
	  $(VENV_ABS)/bin/python bench/kernel/bench_kernel.py --write bench/RESULTS.md

clean-venv:
	rm -rf $(VENV)
