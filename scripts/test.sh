#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: once as a normal build, then (in CI, or
# with --sanitize) once more built with AddressSanitizer and UBSan. In CI (as root) it also
# builds, lints, installs, uses and purges the Debian package (scripts/deb.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-tests.sh

jobs=$(nproc)
run_suite() {
    local build_dir=$1
    shift
    cmake -S . -B "$build_dir" -DREGIMEND_TESTS=ON "$@" >/dev/null
    cmake --build "$build_dir" -j "$jobs"
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
}

run_suite build
if [[ "${CI:-}" == "true" || "${1:-}" == "--sanitize" ]]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_suite build-sanitize -DREGIMEND_SANITIZE=ON
fi
if [[ "${CI:-}" == "true" ]]; then
    # A short fuzzing run (tens of seconds per target); the long runs are in docs/FUZZING.md.
    bash scripts/fuzz.sh 30
fi
if [[ "${CI:-}" == "true" || "${1:-}" == "--deb" ]]; then
    bash scripts/deb.sh
fi
