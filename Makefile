# ModeLattice: the two commands a user needs are `make run` and `make test`.
# Both install what is missing first (Debian packages via apt-get; sudo when not root).
SWIFT ?= swift
RELEASE_FLAGS := -c release
TEST_FLAGS := -c release -Xswiftc -enable-testing
BIN := .build/release/modelattice

.PHONY: deps build run test bench figures clean

# One set of OpenBLAS kernels wherever the CPU can run them (Sources/NetworkCore/BLASKernels.swift):
# OpenBLAS picks its kernels by CPU model (or OPENBLAS_CORETYPE), and kernel sets round sgemm
# differently. Every committed table was made with the SkylakeX kernels; the executables pin them
# themselves on CPUs with their AVX-512 subsets, overriding OPENBLAS_CORETYPE; exported here too so
# the test process, which computes beside them, runs the same ones. MODELATTICE_BLAS_CORETYPE=NAME
# pins another set, =auto leaves OpenBLAS's choice.
ifeq ($(origin MODELATTICE_BLAS_CORETYPE),undefined)
ifeq ($(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | tr ' \t' '\n\n' | grep -cxE 'avx512(f|cd|bw|dq|vl)'),5)
export OPENBLAS_CORETYPE := SkylakeX
endif
else ifneq ($(MODELATTICE_BLAS_CORETYPE),auto)
export OPENBLAS_CORETYPE := $(MODELATTICE_BLAS_CORETYPE)
endif

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product modelattice

# The main job on its embedded default: the quick reproduction profile of the experiment catalog
# (experiments/*.json) into results/, then the figures (skipped when Python is missing).
# Whether an experiment is finished is decided by results/.state/ (written by the run itself, ignored
# by git), never by a committed table: on a clean clone every quick table is recomputed, and the run
# ends by saying which regenerated files differ from the committed ones. An interrupted run resumes;
# a second `make run` skips what the first finished. FORCE=1 reruns everything. Entries marked
# optionalIn quick (the ResNet-18 training evolution, the CNN star and its training, the star
# trajectory, claims under the seed paper's protocol: 13 min together on 2 cores) are left out to keep
# make run within 10 minutes; ALL=1 runs them.
run: build
	$(BIN) reproduce --profile quick $(if $(FORCE),--force,) $(if $(ALL),--all,)
	@bash scripts/figures.sh results || echo "figures: not rendered (see above)"
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  changed=$$(git status --porcelain -- results); \
	  if [ -z "$$changed" ]; then echo "make run: results/ is byte-identical to the committed tables and figures"; \
	  else echo "make run: these files in results/ differ from the committed ones:"; echo "$$changed"; fi; fi

# Numeric code runs 10-100x slower in debug builds, so the tests build in release with testing on.
# One build of everything (tests included) with the test flags, then the tests without rebuilding:
# building the CLI product and the tests separately recompiles every module twice.
# The interop suite (Tests/InteropTests) needs torch 2.13.0+cpu, safetensors and numpy in .venv:
# installed here when missing. CI=true: tests needing Fashion-MNIST, mpirun or torch (all installed
# by this target) fail instead of skipping.
test: deps
	@bash scripts/interop/install.sh || echo "interop: PyTorch not installed in .venv; the interop suite fails" >&2
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	CI=true $(SWIFT) test $(TEST_FLAGS) --skip-build
	@FUZZ_OPT=-Onone bash scripts/fuzz.sh run 10000

# Figures: matplotlib from PyPI in a local virtual environment (.venv), rendered from results/*.csv.
figures:
	@bash scripts/figures.sh results

# The percolation group times cc3d (PyPI, in .venv) as its labeling baseline when it is installed.
bench: deps
	@bash scripts/bench/install-cc3d.sh || echo "bench: cc3d not installed; the labeling baseline is skipped" >&2
	$(SWIFT) build $(RELEASE_FLAGS) --product modelattice-bench
	.build/release/modelattice-bench

# Every build directory: the release tree, the fuzz binaries and the two sanitizer trees.
clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan

# Reliability (README "Reliability"): libFuzzer over the file and spec readers, FUZZ_RUNS
# executions per target (make test runs 10^4 at -Onone as a smoke check), built into .build-fuzz; and the
# test suite under AddressSanitizer and ThreadSanitizer in .build-asan / .build-tsan.
.PHONY: fuzz sanitize
FUZZ_RUNS ?= 1000000
fuzz: deps
	@bash scripts/fuzz.sh run $(FUZZ_RUNS)

sanitize: deps
	@bash scripts/sanitize.sh
