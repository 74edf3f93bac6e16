# ModeLattice: the two commands a user needs are `make run` and `make test`.
# Both install what is missing first (Debian packages via apt-get; sudo when not root).
SWIFT ?= swift
RELEASE_FLAGS := -c release
TEST_FLAGS := -c release -Xswiftc -enable-testing
BIN := .build/release/modelattice

.PHONY: deps build run test bench figures clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product modelattice

# The main job on its embedded default: the quick reproduction profile, written into results/.
run: build
	$(BIN) percolation sweep --dim 2 --size 128 --kind site --boundary periodic --trials 64 \
	    --seed 1 --points 41 --pmin 0.4 --pmax 0.8 --output results/percolation_2d_L128.csv

# Numeric code runs 10-100x slower in debug builds, so the tests build in release with testing on.
test: deps
	$(SWIFT) build $(TEST_FLAGS) --product modelattice
	$(SWIFT) test $(TEST_FLAGS)

# Figures: matplotlib from PyPI in a local virtual environment (.venv), rendered from results/*.csv.
figures:
	@command -v python3 >/dev/null || { echo "figures: python3 not found; skipping"; exit 0; }
	@test -x .venv/bin/python || python3 -m venv .venv
	@.venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/pip install -q "matplotlib>=3.7,<4"
	.venv/bin/python scripts/figures.py results

bench: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product modelattice-bench
	.build/release/modelattice-bench

clean:
	rm -rf .build
