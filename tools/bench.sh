#!/usr/bin/env bash
# Builds and runs the libdilate benchmark suite, then writes the report.
#
#   tools/bench.sh [smoke|quick|full] [extra dilate_bench arguments...]
#
#   smoke  a few cases, every target, short timings: < 60 s (CI)
#   quick  core grid + one representative per sweep, 3 repetitions (~5-8 min)
#   full   everything, 5 repetitions (~15 min)
#
# Extra arguments go to dilate_bench, e.g. --benchmark_filter='expand/f32/r2/K3/'.
# Output: bench-results/<mode>-<stamp>.{json,md,png} and <mode>-latest.* links.
# Environment: DILATE_BENCH_SRC (source tree to build, default this checkout;
# e.g. a `git worktree` of a commit, so results belong to a revision),
# DILATE_BENCH_BUILD (build dir, default build/bench; a Release tree with
# the benchmarks, such as build/release, is reused as it is),
# DILATE_BENCH_OUT (output dir, default bench-results), PYTHON (default
# /usr/bin/python3, which needs Debian's python3-matplotlib for the plot).
set -euo pipefail

mode=${1:-quick}
[[ $# -gt 0 ]] && shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=${DILATE_BENCH_SRC:-$root}
build=${DILATE_BENCH_BUILD:-$root/build/bench}
out=${DILATE_BENCH_OUT:-$root/bench-results}
python=${PYTHON:-/usr/bin/python3}

case $mode in
  smoke) args=(--benchmark_min_time=0.01 --benchmark_repetitions=1) ;;
  quick) args=(--benchmark_min_time=0.05 --benchmark_repetitions=3
               --benchmark_report_aggregates_only=true) ;;
  full)  args=(--benchmark_min_time=0.1 --benchmark_repetitions=5
               --benchmark_report_aggregates_only=true) ;;
  *) echo "usage: $0 [smoke|quick|full] [dilate_bench args...]" >&2; exit 2 ;;
esac

# A tree already configured from $src as a Release build with the benchmarks
# (a previous run's, or the release preset's build/release, which
# tools/run.sh test passes in) is only brought up to date: no second build of
# the library. Any other tree is configured here.
cache=$build/CMakeCache.txt
if [[ -f $cache ]] && grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$src" "$cache" &&
  grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' "$cache" &&
  grep -qx 'DILATE_BUILD_BENCHMARKS:BOOL=ON' "$cache"; then
  echo "building dilate_bench in the configured tree $build" >&2
else
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDILATE_BUILD_BENCHMARKS=ON \
    -DDILATE_BUILD_TESTS=OFF -DDILATE_BUILD_TOOLS=OFF -DDILATE_BUILD_FUZZERS=OFF \
    -DDILATE_INSTALL=OFF >/dev/null
fi
cmake --build "$build" --target dilate_bench -j2 >/dev/null

mkdir -p "$out"
stamp=$(date +%Y%m%d-%H%M%S)
base=$out/$mode-$stamp
echo "running dilate_bench --suite=$mode -> $base.json" >&2
# DILATE_TARGET would pin every lib:<target> case to one target: unset it.
env -u DILATE_TARGET "$build/benchmarks/dilate_bench" --suite="$mode" "${args[@]}" \
  --benchmark_out="$base.json" --benchmark_out_format=json "$@" >"$base.txt"

rev=$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)
"$python" "$root/tools/bench_report.py" "$base.json" --md "$base.md" --png "$base.png" --rev "$rev"
for ext in json md png txt; do
  [[ -e $base.$ext ]] && ln -sfn "$(basename "$base.$ext")" "$out/$mode-latest.$ext"
done
echo "report: $base.md  plot: $base.png" >&2
