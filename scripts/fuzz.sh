#!/usr/bin/env bash
# libFuzzer targets for ModeLattice's file readers (Fuzz/*Fuzz.swift), built with direct swiftc
# calls into .build-fuzz/ so the release tree (.build/) is never rebuilt.
#
#   scripts/fuzz.sh build        compile Support and NetworkCore once (-sanitize=fuzzer,address),
#                                then link one binary per target
#   scripts/fuzz.sh run RUNS     build, then run every target for RUNS executions from its seed
#                                corpus (Fuzz/corpus/<target>/); any crash, leak, timeout or
#                                out-of-memory fails (libFuzzer's exit code), and the input is
#                                kept as .build-fuzz/O/artifacts/<target>/crash-…
#
# Environment: FUZZ_TARGETS (default: all), FUZZ_OPT (swiftc optimization, default -O; the
# build goes to .build-fuzz/O, .build-fuzz/Onone, …),
# FUZZ_TIMEOUT (seconds per input, default 30: the largest legal spec allocates 512 MiB, which took over 10 s under ASan on a loaded machine), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFTC=${SWIFTC:-swiftc}
OPT=${FUZZ_OPT:--O}
# One build directory per optimization level, so make test's smoke run (-Onone: quicker to
# compile) and make fuzz (-O: faster to run) never rebuild each other's binaries.
OUT=.build-fuzz/${OPT#-}
TARGETS=${FUZZ_TARGETS:-npy safetensors idx spec catalog}
SAN=(-sanitize=fuzzer,address)

# C include paths of the system-library modules (what SwiftPM gets from pkg-config).
CFLAGS=()
for flag in $(pkg-config --cflags-only-I openblas ompi-c); do CFLAGS+=(-Xcc "$flag"); done
LIBS=()
for flag in $(pkg-config --libs-only-L openblas ompi-c); do LIBS+=("$flag"); done
MODULEMAPS=(-I Sources/CGSL -I Sources/COpenBLAS -I Sources/CMPI -I Sources/CZlib)
COMMON=(-swift-version 6 -parse-as-library "$OPT" "${SAN[@]}" "${MODULEMAPS[@]}" "${CFLAGS[@]}" -I "$OUT/modules")

# module NAME SOURCES…: one object file and .swiftmodule per library module, rebuilt when any of
# its sources, this script or an object it imports (Support for NetworkCore) is newer.
module() {
  local name=$1; shift
  local object="$OUT/modules/$name.o" deps=("$@" scripts/fuzz.sh)
  [ "$name" = Support ] || deps+=("$OUT/modules/Support.o")
  if [ -f "$object" ] && [ -z "$(find "${deps[@]}" -newer "$object" | head -1)" ]; then
    return
  fi
  echo "fuzz: compiling $name" >&2
  "$SWIFTC" "${COMMON[@]}" -module-name "$name" -wmo -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
    -c -o "$object" "$@"
}

# target NAME SOURCES… -- OBJECTS…: one fuzz binary.
target() {
  local name=$1; shift
  local sources=() objects=()
  while [ "$1" != "--" ]; do sources+=("$1"); shift; done
  shift
  objects=("$@")
  local binary="$OUT/bin/fuzz-$name"
  if [ -f "$binary" ] && [ -z "$(find "${sources[@]}" "${objects[@]}" -newer "$binary" | head -1)" ]; then
    return
  fi
  echo "fuzz: linking fuzz-$name" >&2
  # ld.gold warns "Cannot export local symbol __asan_…" for every ASan global: harmless (BUILD-NOTES).
  "$SWIFTC" "${COMMON[@]}" -module-name "Fuzz_$name" -o "$binary" "${sources[@]}" "${objects[@]}" "${LIBS[@]}" \
    2> >(grep -v "Cannot export local symbol" >&2)
}

build() {
  mkdir -p "$OUT/modules" "$OUT/bin"
  module Support Sources/Support/*.swift
  local support="$OUT/modules/Support.o"
  for t in $TARGETS; do
    case $t in
      npy) target npy Fuzz/FuzzSupport.swift Fuzz/NPYFuzz.swift -- "$support" ;;
      safetensors|idx|spec)
        module NetworkCore Sources/NetworkCore/*.swift
        case $t in
          safetensors) target safetensors Fuzz/FuzzSupport.swift Fuzz/SafeTensorsFuzz.swift -- "$support" "$OUT/modules/NetworkCore.o" ;;
          idx) target idx Fuzz/FuzzSupport.swift Fuzz/IDXFuzz.swift -- "$support" "$OUT/modules/NetworkCore.o" ;;
          spec) target spec Fuzz/FuzzSupport.swift Fuzz/SpecFuzz.swift -- "$support" "$OUT/modules/NetworkCore.o" ;;
        esac ;;
      # The catalog's Support-level sources (parsing, runner generics), not the experiment types.
      catalog) target catalog Fuzz/FuzzSupport.swift Fuzz/CatalogFuzz.swift Sources/Experiments/Catalog/ExperimentSpec.swift \
                 Sources/Experiments/Catalog/ReproductionState.swift Sources/Experiments/Runner/*.swift -- "$support" ;;
      *) echo "fuzz: unknown target '$t'" >&2; exit 64 ;;
    esac
  done
}

run() {
  local runs=$1
  build
  local failed=()
  for t in $TARGETS; do
    local corpus="$OUT/corpus/$t" artifacts="$OUT/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    echo "fuzz: $t, $runs runs" >&2
    # Seeds (read-only, in git) come second: new inputs go to the scratch corpus only.
    # SWIFT_BACKTRACE off: libFuzzer and ASan report the crash; Swift's own backtracer would
    # instead read memory ASan reserves and obscure the report.
    if ! SWIFT_BACKTRACE=enable=no "$OUT/bin/fuzz-$t" -runs="$runs" -timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_ARGS:-} "$corpus" "Fuzz/corpus/$t" \
        > "$OUT/$t.log" 2>&1; then
      failed+=("$t")
      tail -40 "$OUT/$t.log" >&2
    fi
    grep -E "^(#[0-9]+ *DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::average_exec_per_sec)" "$OUT/$t.log" >&2 || true
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in $OUT/artifacts/<target>/, logs in $OUT/<target>.log)" >&2
    exit 1
  fi
}

case ${1:-} in
  build) build ;;
  run) run "${2:?runs}" ;;
  *) echo "usage: scripts/fuzz.sh build | run RUNS" >&2; exit 64 ;;
esac
