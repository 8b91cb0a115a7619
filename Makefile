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
PYTEST_ARGS ?=
SWIFT_TEST_ARGS ?=

ROOT := $(abspath .)
MORPH := $(abspath $(BUILD))/release/morph
VENV_ABS := $(abspath $(VENV))

.NOTPARALLEL:

.PHONY: all test demo deps venv build-release swift-test fuzz fuzz-smoke kernelspec integration bench bench-kernel clean-venv

all: test

# The Swift tests, the fuzz smoke run and the integration tests all run even when another
# fails; the exit status is non-zero if any failed.
test: deps venv build-release
	@rc=0; \
	$(MAKE) --no-print-directory swift-test || { rc=1; echo "make test: swift test FAILED"; }; \
	$(MAKE) --no-print-directory fuzz-smoke || { rc=1; echo "make test: fuzz smoke run FAILED"; }; \
	$(MAKE) --no-print-directory integration || { rc=1; echo "make test: integration tests FAILED"; }; \
	$(MAKE) -k --no-print-directory fuzz sanitize SECONDS=10 || { rc=1; echo "make test: fuzz smoke or sanitizers FAILED"; }; \
	if [ $$rc -eq 0 ]; then echo "make test: all steps passed"; fi; \
	exit $$rc

demo: deps build-release
	$(MORPH) run notebooks/*.ipynb --output out --figures out/figures

deps:
	bash scripts/install-deps.sh

venv:
	VENV=$(VENV) bash scripts/setup-venv.sh

build-release:
	swift build -c release --scratch-path $(BUILD) --product morph

# `swift test` builds the debug configuration of every target and runs every test target.
swift-test:
	swift test --scratch-path $(BUILD) $(SWIFT_TEST_ARGS)

# libFuzzer targets (scripts/fuzz.sh): `make fuzz` runs each for FUZZ_SECONDS; the test
# command runs each for FUZZ_SMOKE_SECONDS.
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke:
	bash scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

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

# Hardening (issue 7). `make fuzz SECONDS=60 [TARGETS="Wire JSON"]` runs each libFuzzer target
# for SECONDS from its seed corpus (crashes land in fuzz/<Target>/crashes/ and fail the run);
# `make sanitize` runs the kernel, language and engine tests under ASan and TSan.
.PHONY: fuzz sanitize
SECONDS ?= 60
TARGETS ?=

fuzz:
	bash scripts/fuzz.sh $(SECONDS) $(TARGETS)

sanitize:
	bash scripts/sanitizers.sh
