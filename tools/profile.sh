#!/usr/bin/env bash
# Where one benchmark case spends its time: a sampling profile (perf,
# software cpu-clock event, so it works in VMs without hardware counters).
#
#   tools/profile.sh '<dilate_bench filter>' [seconds]
#
# e.g. tools/profile.sh '^expand/f32/r2/K3/D2/in64/zero/256K/plan:AVX3_DL/' 2
#
# Prints the share of samples per function (the limit, memset or memcpy, runs
# in the same loop and shows up next to the library), then for the hottest
# library function the instructions holding more than 1% of its samples.
# Samples pile up on the instruction after the one that waits, as usual.
# Builds the benchmark like tools/bench.sh (same build dir); installs perf
# with apt-get when it is missing. Environment: DILATE_BENCH_BUILD,
# DILATE_PROFILE_OUT (perf.data path, default build/profile.data),
# DILATE_PROFILE_SUITE (the dilate_bench --suite holding the case, default quick).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 '<benchmark filter>' [seconds]" >&2
  exit 2
fi
filter=$1
seconds=${2:-2}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${DILATE_BENCH_BUILD:-$root/build/bench}
data=${DILATE_PROFILE_OUT:-$root/build/profile.data}
suite=${DILATE_PROFILE_SUITE:-quick}

if ! command -v perf >/dev/null; then
  apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDILATE_BUILD_BENCHMARKS=ON \
  -DDILATE_BUILD_TESTS=OFF -DDILATE_BUILD_TOOLS=OFF -DDILATE_BUILD_FUZZERS=OFF \
  -DDILATE_INSTALL=OFF >/dev/null
cmake --build "$build" --target dilate_bench -j2 >/dev/null
bench=$build/benchmarks/dilate_bench

if [[ -z $(env -u DILATE_TARGET "$bench" --suite="$suite" --benchmark_filter="$filter" \
             --benchmark_list_tests 2>/dev/null) ]]; then
  echo "no benchmark matches '$filter' (see dilate_bench --benchmark_list_tests)" >&2
  exit 1
fi
mkdir -p "$(dirname "$data")"
env -u DILATE_TARGET perf record -q -F 20000 -e cpu-clock -o "$data" -- \
  "$bench" --suite="$suite" --benchmark_filter="$filter" --benchmark_min_time="$seconds" \
  2>/dev/null | grep -E 'limit_ratio|ns/op|ns ' || true

echo
echo "## samples per function"
perf report -i "$data" --stdio --sort symbol 2>/dev/null |
  grep -E '^ +[0-9.]+%' | head -12 | sed -E 's/ {2,}-.*$//' | cut -c1-150 || true
hot=$(perf report -i "$data" --stdio --sort dso,symbol 2>/dev/null |
      grep -E '^ +[0-9.]+%.*libdilate|^ +[0-9.]+%.*dilate_bench.*dilate::' | head -1 |
      sed -E 's/^ +[0-9.]+% +[^ ]+ +\[.\] //; s/ {2,}.*$//' || true)
if [[ -n $hot ]]; then
  echo
  echo "## hottest instructions of: $hot"
  perf annotate -i "$data" --stdio -s "$hot" 2>/dev/null |
    awk '$1 + 0 > 1.0' | cut -c1-130 | head -40 || true
fi
