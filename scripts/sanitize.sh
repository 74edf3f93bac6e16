#!/usr/bin/env bash
# The test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in its own
# build directory (.build-asan, .build-tsan) so the release tree (.build/) is never rebuilt.
# Release builds with testing on, as `make test` (numeric tests are too slow in debug, more so
# under a sanitizer). Any sanitizer report fails the run: halt_on_error makes the first report
# abort the test process, and the logs are searched for reports as a second check.
#
#   scripts/sanitize.sh [address|thread]…     (default: both)
#
# Left out under both sanitizers: CLITests, which run the uninstrumented release binary
# (.build/release/modelattice) and mpirun as child processes, so a sanitizer would watch only the
# test process waiting for them.
#
# AddressSanitizer runs every other suite. ThreadSanitizer (5-15x slower) runs the suites whose
# code runs on several threads: all of SupportTests (ParallelMap, UnitRunner, Checkpoint,
# ProgressLine), BLASTests and TrainingTests (BLAS and im2col workers, concurrent models),
# SweepTests (Newman-Ziff trials on ParallelMap with checkpoints) and ExperimentsTests (the
# runner). TSAN_FILTER=. runs it on everything; SANITIZE_FILTER (a swift test --filter pattern)
# replaces both selections. SANITIZE_CONFIG=debug builds in debug (faster to compile, slower to run).
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
case ${SANITIZE_CONFIG:-release} in
  release) FLAGS=(-c release -Xswiftc -enable-testing) ;;
  debug) FLAGS=(-c debug) ;;
  *) echo "sanitize: SANITIZE_CONFIG is release or debug" >&2; exit 64 ;;
esac
SKIP=(--skip CLITests)
TSAN_FILTER=${TSAN_FILTER:-'SupportTests\.|BLASTests|TrainingTests|SweepTests|ExperimentsTests\.'}
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)

failed=()
for kind in "${kinds[@]}"; do
  case $kind in
    address) scratch=.build-asan; short=asan ;;
    thread) scratch=.build-tsan; short=tsan ;;
    *) echo "sanitize: unknown sanitizer '$kind' (address, thread)" >&2; exit 64 ;;
  esac
  log="$scratch/sanitize-$short.log"
  mkdir -p "$scratch"
  echo "sanitize: building the tests with -sanitize=$kind into $scratch" >&2
  "$SWIFT" build --build-tests "${FLAGS[@]}" --sanitize="$kind" --scratch-path "$scratch"
  filter=()
  if [ -n "${SANITIZE_FILTER:-}" ]; then filter=(--filter "$SANITIZE_FILTER")
  elif [ "$kind" = thread ]; then filter=(--filter "$TSAN_FILTER"); fi
  echo "sanitize: running the tests under $kind (log: $log)" >&2
  status=0
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}" \
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}" \
  SWIFT_BACKTRACE=enable=no \
    "$SWIFT" test "${FLAGS[@]}" --sanitize="$kind" --scratch-path "$scratch" --skip-build "${SKIP[@]}" "${filter[@]}" \
    > "$log" 2>&1 || status=$?
  reports=$(grep -cE "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak)Sanitizer)" "$log" || true)
  tail -4 "$log" >&2
  if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
    echo "sanitize: $kind FAILED (exit $status, $reports sanitizer report lines; see $log)" >&2
    grep -m 20 -A 12 -E "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer)" "$log" >&2 || true
    failed+=("$kind")
  else
    echo "sanitize: $kind clean" >&2
  fi
done
[ ${#failed[@]} -eq 0 ] || exit 1
