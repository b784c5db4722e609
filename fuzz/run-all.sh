#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build directory and runs each for a
# fixed time; exits non-zero if any target fails to build or finds a crash, leak, undefined
# behaviour or broken property.
#
#   fuzz/run-all.sh [seconds-per-target]        (default 30; or FUZZ_SECONDS)
#   FUZZ_BUILD_DIR=/work/build-fuzz   build directory (default: $TMPDIR/caps-build-fuzz)
#   FUZZ_JOBS=2                       parallel compile jobs
#   FUZZ_TARGETS="fuzz_sio_decoder"   run only these
#
# New inputs that the fuzzer finds go to $FUZZ_BUILD_DIR/fuzz-corpus/<target>, not into the
# repository; crashing inputs to $FUZZ_BUILD_DIR/fuzz-artifacts/. Reproduce one with
#   $FUZZ_BUILD_DIR/fuzz/<target> <file>
set -u -o pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-30}}
build=${FUZZ_BUILD_DIR:-${TMPDIR:-/tmp}/caps-build-fuzz}
jobs=${FUZZ_JOBS:-2}

if ! command -v clang++ >/dev/null; then
    echo "run-all.sh: clang++ is needed (Debian: apt-get install -y clang libclang-rt-14-dev)" >&2
    exit 2
fi

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DCAPS_FUZZ=ON -DCAPS_BUILD_GUI=OFF -DCAPS_BUILD_TESTS=OFF >"$build.configure.log" 2>&1 \
    || { echo "run-all.sh: configure failed, see $build.configure.log" >&2; tail -20 "$build.configure.log" >&2; exit 2; }

if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    targets=()
    for f in "$src"/fuzz/fuzz_*.cpp; do
        targets+=("$(basename "$f" .cpp)")
    done
fi

failed=()
for t in "${targets[@]}"; do
    if ! cmake --build "$build" --target "$t" -j"$jobs" >"$build/$t.build.log" 2>&1; then
        if grep -q "unknown target '$t'" "$build/$t.build.log"; then
            echo "== $t: not configured (its library is missing), skipped"
            continue
        fi
        echo "== $t: BUILD FAILED, see $build/$t.build.log"
        failed+=("$t (build)")
    fi
done

mkdir -p "$build/fuzz-artifacts"
dict=()
[ -f "$src/fuzz/caps.dict" ] && dict=(-dict="$src/fuzz/caps.dict")
for t in "${targets[@]}"; do
    exe="$build/fuzz/$t"
    [ -x "$exe" ] || continue
    work="$build/fuzz-corpus/$t"
    mkdir -p "$work"
    seeds=()
    [ -d "$src/fuzz/corpus/$t" ] && seeds=("$src/fuzz/corpus/$t")
    log="$build/$t.fuzz.log"
    echo "== $t: ${seconds}s"
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
           -artifact_prefix="$build/fuzz-artifacts/$t-" "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "   exit $rc, ${runs:-?} executions, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) inputs"
    if [ $rc -ne 0 ]; then
        failed+=("$t")
        grep -E "ERROR: |runtime error|property violated|Test unit written|SUMMARY" "$log" | head -10 | sed 's/^/   /'
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all fuzz targets ran clean"
