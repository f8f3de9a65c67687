#!/usr/bin/env bash
# Builds the libFuzzer targets with Clang (ASan + UBSan) and runs each for SECONDS
# (default 30), one after the other, on a scratch copy of its corpus; the source tree is
# not touched unless --merge is given, which adds the new inputs that reach new coverage
# to tests/data/fuzz/<target>/. Exits non-zero when a fuzzer finds a crash, a leak, a
# timeout or a sanitizer report; the input is left in the work directory it prints.
#
#   scripts/fuzz.sh [SECONDS] [--merge]
#   FUZZ_BUILD_DIR=/tmp/b FUZZ_JOBS=2 scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
merge=false
for argument in "$@"; do
    case "$argument" in
        --merge) merge=true ;;
        ''|*[!0-9]*) echo "usage: $0 [SECONDS] [--merge]" >&2; exit 2 ;;
        *) seconds=$argument ;;
    esac
done

build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}
targets=(regimen bus_args)

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DREGIMEND_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >/dev/null
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/regimend-fuzz.XXXXXX")
echo "fuzz: work directory $work" >&2
status=0
for target in "${targets[@]}"; do
    source_corpus=tests/data/fuzz/$target
    corpus=$work/$target/corpus
    artifacts=$work/$target/artifacts/
    mkdir -p "$corpus" "$artifacts"
    # libFuzzer reads directories recursively: the regression inputs are seeds too.
    cp -r "$source_corpus/." "$corpus"
    echo "fuzz: $target for ${seconds}s on $(find "$corpus" -type f | wc -l) inputs" >&2
    # One process: the machine's other cores stay free. -timeout: one input taking seconds
    # is a hang; -rss_limit_mb: a regimen that plans millions of doses is a bug too.
    # A target's dictionary (tests/fuzz/<target>.dict) spells its keywords; -len_control=0
    # lets inputs grow at once (a bus script needs many bytes to reach its later calls).
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384
             -len_control=0 -print_final_stats=1 -artifact_prefix="$artifacts")
    if [[ -f tests/fuzz/$target.dict ]]; then
        options+=(-dict="tests/fuzz/$target.dict")
    fi
    set +e
    UBSAN_OPTIONS=print_stacktrace=1 "$build_dir/tests/fuzz/fuzz_$target" "${options[@]}" \
        "$corpus" >"$work/$target/log" 2>&1
    code=$?
    set -e
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^==[0-9]+==|ERROR|SUMMARY|^stat::|artifact' \
        "$work/$target/log" >&2 || true
    if ((code != 0)) || compgen -G "$artifacts*" >/dev/null; then
        echo "fuzz: $target FAILED (status $code); input(s) in $artifacts," \
            "log in $work/$target/log" >&2
        status=1
        continue
    fi
    if $merge; then
        before=$(find "$source_corpus" -maxdepth 1 -type f | wc -l)
        "$build_dir/tests/fuzz/fuzz_$target" -merge=1 -max_len=16384 "$source_corpus" "$corpus" \
            >"$work/$target/merge.log" 2>&1
        after=$(find "$source_corpus" -maxdepth 1 -type f | wc -l)
        echo "fuzz: $target merged $((after - before)) new inputs into $source_corpus" >&2
    fi
done

if ((status == 0)); then
    rm -rf "$work"
fi
exit "$status"
