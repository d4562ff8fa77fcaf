#!/usr/bin/env bash
# The sanitizer and fuzzing steps of CI (.ci/run), each in a build folder of its own (CMakePresets.json):
#   tools/sanitize.sh asan   build-asan, clang ASan+UBSan (LSan included): the unit and live tests
#   tools/sanitize.sh tsan   build-tsan, clang TSan: the core, net, proxy, fakes, judge and sim tests
#   tools/sanitize.sh fuzz   build-asan: every libFuzzer target briefly over its seed corpus
# A step passes only with zero sanitizer reports. Every sanitized process (test binaries, the
# bluegreen CLI and bluegreen-host; not the shims the deploy scripts call, C built against musl with no
# sanitizer: fakes/shim/CMakeLists.txt) writes its reports to <build>/sanitizer-logs,
# so a report from a child process fails the step even when the test around it passed; and a
# report's exit code is 86, which no bluegreen exit code (0, 1, 2) can be mistaken for.
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:?usage: tools/sanitize.sh asan|tsan|fuzz}
jobs=${JOBS:-$(nproc)}
# BG_FUZZ_SECONDS: how long each fuzzer runs in the fuzz step (ctest entry; 10^6 runs are done by hand).
fuzz_seconds=${BG_FUZZ_SECONDS:-20}

# clang, its sanitizer runtimes (a Recommends of clang, which setup.sh does not install) and
# llvm-symbolizer (file:line in reports).
tools/setup.sh clang libclang-rt-dev llvm

common="exitcode=86:symbolize=1:print_suppressions=0"
# A sanitizer's suppressions file (tools/sanitizers/<name>.supp), where one exists: each entry is a
# library's fault, not ours, and says why.
suppressions() { [[ -f tools/sanitizers/$1.supp ]] && echo ":suppressions=$PWD/tools/sanitizers/$1.supp" || true; }
export LSAN_OPTIONS="$common$(suppressions lsan)"

# Components each build needs: the asan build leaves out the property tests and benchmarks (never
# run there); the tsan build has only what the proxy, fakes and sim tests link.
asan_components="core;net;proxy;reports;judge;fakes;scenarios;sim;explore;cli;differential"
tsan_components="core;net;proxy;reports;judge;fakes;scenarios;sim"

build() {  # build <preset> <components> [cmake args...]
  local preset=$1 components=$2
  shift 2
  cmake --preset "$preset" -DBG_COMPONENTS="$components" -DCMAKE_BUILD_TYPE= "$@" >/dev/null
  # A folder first configured with another compiler makes CMake wipe its cache and configure again
  # with the compiler alone, dropping every -D above; start that folder afresh.
  if ! grep -q "^BG_SANITIZE:STRING=.\+" "build-$preset/CMakeCache.txt"; then
    rm -rf "build-$preset"
    cmake --preset "$preset" -DBG_COMPONENTS="$components" -DCMAKE_BUILD_TYPE= "$@" >/dev/null
  fi
  cmake --build "build-$preset" -j "$jobs"
}

# Runs ctest with the remaining arguments, then fails if any process left a sanitizer report.
run_tests() {  # run_tests <build folder> <ctest args...>
  # Absolute: a process's log_path is opened from its own working folder, and the run's sandboxed
  # host shows this folder at the same path (fakes/host/host_layout.cc), nowhere else.
  local dir=$1 logs=$PWD/$1/sanitizer-logs status=0
  shift
  rm -rf "$logs" && mkdir -p "$logs"
  export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:$common:log_path=$logs/asan$(suppressions asan)"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$common:log_path=$logs/ubsan$(suppressions ubsan)"
  export TSAN_OPTIONS="second_deadlock_stack=1:$common:log_path=$logs/tsan$(suppressions tsan)"
  # A test is tried up to 3 times: some live tests give a script or a connection tens of real ms,
  # which the sanitizers' 2-15x slowdown can exceed (make test runs them unslowed). A sanitizer
  # report is never retried away: it stays in $logs and fails the step below.
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 900 --repeat until-pass:3 "$@" || status=$?
  if compgen -G "$logs/*" >/dev/null; then
    echo "sanitize: sanitizer reports in $logs:" >&2
    for f in "$logs"/*; do echo "==== $f" >&2; cat "$f" >&2; done
    status=1
  fi
  return "$status"
}

case "$step" in
  asan)
    build asan "$asan_components"
    # Unit and live tests, the bad-input and init suites: everything but the labels that run whole
    # scenarios or deploy folders for minutes at their own time scale (catalogue, property,
    # differential, real-world, install and action, which run the demo and the action over two; odds,
    # 45 sim runs of the seed),
    # Chromium and the fuzzers (the fuzz step).
    run_tests build-asan -LE 'catalogue|property|differential|real-world|install|action|chromium|fuzz|odds'
    ;;
  tsan)
    build tsan "$tsan_components"
    # TSan starts a background thread of its own with a process's first thread, so the tests that
    # count /proc/self/task before and after a run ("no thread left behind") see one more; the
    # normal and ASan runs check that, TSan checks these runs' races in every other world test.
    census='World.RunLeavesNoProcessThreadOrSocketBehind|World.RunBehindRealNginxLeavesNoNginxProcessBehind'
    census+='|World.RunWithRealNextLeavesNoNodeProcessBehind'
    census+='|WorldPipeline.HangingHookIsKilledAtItsTimeoutAndLeavesNoChild|WorldHost.WritesStayInTheRunAndLeftoversDieWithIt'
    census+='|WorldSim.ScriptThatSpinsWithoutAShimCallEndsTheRunAsAnError'
    status=0
    for dir in core net proxy fakes judge sim; do run_tests "build-tsan/$dir" -LE chromium -E "$census" || status=1; done
    exit "$status"
    ;;
  fuzz)
    build asan "$asan_components" -DBG_FUZZ_SECONDS="$fuzz_seconds"
    # libFuzzer prints its own findings (and keeps the input under build-asan/**/<fuzzer>_scratch/).
    export ASAN_OPTIONS="detect_leaks=1:$common$(suppressions asan)"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$common$(suppressions ubsan)"
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -L fuzz
    ;;
  *)
    echo "usage: tools/sanitize.sh asan|tsan|fuzz" >&2
    exit 2
    ;;
esac
