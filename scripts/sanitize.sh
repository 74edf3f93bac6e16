#!/usr/bin/env bash
# The test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in its own
# build directory (.build-asan, .build-tsan) so the release tree (.build/) is never rebuilt.
# Release builds with testing on, as `make test` (numeric tests are too slow in debug, more so
# under a sanitizer). Any sanitizer report fails the run: halt_on_error makes the first report
# abort the process it is in, every report is written to a file under $scratch/reports/ (log_path,
# so a report in a child process such as the CLI binary is caught too), and the test log is
# searched for reports as a second check.
#
#   scripts/sanitize.sh [address|thread]…     (default: both)
#
# AddressSanitizer runs every suite. CLITests run the CLI binary of the same instrumented build
# (MODELATTICE_CLI_BINARY=$scratch/release/modelattice, also under mpirun), so the command-line
# code is checked in its own processes. The MPI ranks run without leak checks
# (MODELATTICE_MPI_ASAN_OPTIONS, read by MPITests): OpenMPI's MPI_Init allocations in plugins it
# dlcloses again are reported at each rank's exit with one-frame, unresolvable stacks that no
# suppression can match; our code in the ranks is the same as in the leak-checked single runs.
#
# ThreadSanitizer (5-15x slower) runs the tests whose code runs on several threads (TSAN_FILTER):
# all of SupportTests (ParallelMap, UnitRunner, Checkpoint, ProgressLine, Ranks), BLASTests and
# TrainingTests (BLAS and im2col workers, concurrent models), ExperimentsTests (the runner, every
# experiment kind at threads 2), and the threaded tests of the other suites: Newman-Ziff sweeps
# and correlated-field trials on UnitRunner at 1 and 2 threads and resumed from a checkpoint
# (SweepTests, FieldTests), the growth and wrapping threshold estimators at 2 threads
# (ThresholdEstimatorTests, ThresholdWrappingTests), SiteEvaluator batches and NeighbourLogits
# chunks at 2 threads (InputLatticeEvaluationTests, FullLatticeGrowthTests). The long statistical
# tests of those suites run the same threaded code at 1 and 2 threads with more trials, and are
# left to ASan.
# CLITests are left out under TSan: the CLI only passes a thread count to that library code.
# TSAN_FILTER=. runs it on everything; SANITIZE_FILTER (a swift test --filter pattern)
# replaces both selections. SANITIZE_CONFIG=debug builds in debug (faster to compile, slower to run).
#
# Third-party reports are suppressed in scripts/sanitize/{lsan,tsan}.supp, one reason per entry;
# never our own code.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

SWIFT=${SWIFT:-swift}
case ${SANITIZE_CONFIG:-release} in
  release) FLAGS=(-c release -Xswiftc -enable-testing); config=release ;;
  debug) FLAGS=(-c debug); config=debug ;;
  *) echo "sanitize: SANITIZE_CONFIG is release or debug" >&2; exit 64 ;;
esac
TSAN_FILTER=${TSAN_FILTER:-'SupportTests\.|BLASTests|TrainingTests|SweepTests/(identicalTablesForOneAndTwoThreads|resumesFromCheckpointToTheSameResult)|FieldTests/(resumesFromACheckpoint|trialsDoNotDependOnThreads)|ThresholdEstimatorTests/(sameSeedAnyThreadsIdentical|tableRowFollowsContract)|ThresholdWrappingTests/wrappingAgreesWithGrowthAndLiterature|InputLatticeEvaluationTests/scoresAndScanRowsDoNotDependOnThreads|FullLatticeGrowthTests/neighbourChunksOnTwoThreadsGrowTheSameCluster|ExperimentsTests\.'}
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)

failed=()
for kind in "${kinds[@]}"; do
  case $kind in
    address) scratch=.build-asan; short=asan; skip=() ;;
    thread) scratch=.build-tsan; short=tsan; skip=(--skip CLITests) ;;
    *) echo "sanitize: unknown sanitizer '$kind' (address, thread)" >&2; exit 64 ;;
  esac
  log="$scratch/sanitize-$short.log"
  reports="$root/$scratch/reports"
  mkdir -p "$scratch"
  rm -rf "$reports" && mkdir -p "$reports"
  echo "sanitize: building the tests with -sanitize=$kind into $scratch" >&2
  start=$SECONDS
  "$SWIFT" build --build-tests "${FLAGS[@]}" --sanitize="$kind" --scratch-path "$scratch"
  built=$SECONDS
  filter=()
  if [ -n "${SANITIZE_FILTER:-}" ]; then filter=(--filter "$SANITIZE_FILTER")
  elif [ "$kind" = thread ]; then filter=(--filter "$TSAN_FILTER"); fi
  echo "sanitize: running the tests under $kind (log: $log)" >&2
  status=0
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports/asan:${ASAN_OPTIONS:-}" \
  LSAN_OPTIONS="suppressions=$root/scripts/sanitize/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" \
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$root/scripts/sanitize/tsan.supp:${TSAN_OPTIONS:-}" \
  MODELATTICE_CLI_BINARY="$root/$scratch/$config/modelattice" \
  MODELATTICE_MPI_ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:log_path=$reports/asan" \
  SWIFT_BACKTRACE=enable=no \
    "$SWIFT" test "${FLAGS[@]}" --sanitize="$kind" --scratch-path "$scratch" --skip-build ${skip[@]+"${skip[@]}"} ${filter[@]+"${filter[@]}"} \
    > "$log" 2>&1 || status=$?
  found=$(( $(grep -cE "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak)Sanitizer)" "$log" || true) \
            + $(find "$reports" -type f | wc -l) ))
  tail -4 "$log" >&2
  echo "sanitize: $kind: build $((built - start)) s, tests $((SECONDS - built)) s" >&2
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    echo "sanitize: $kind FAILED (exit $status, $found sanitizer reports; see $log and $reports/)" >&2
    grep -m 20 -A 12 -E "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer)" "$log" >&2 || true
    for f in "$reports"/*; do [ -f "$f" ] && { echo "--- $f" >&2; head -40 "$f" >&2; }; done
    failed+=("$kind")
  else
    echo "sanitize: $kind clean" >&2
  fi
done
[ ${#failed[@]} -eq 0 ] || exit 1
