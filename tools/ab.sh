#!/usr/bin/env bash
# Same-process A/B of two revisions of libdilate: this VM moves a case by up
# to ±10% between processes of one binary, more than most changes are worth,
# so both builds run inside one process (tools/ab_harness.c dlopens them and
# alternates calls on the same buffers).
#
#   tools/ab.sh REV_A REV_B OP K D BYTES [INNER [ROUNDS]]
#
# OP: expand or contract (one-shot calls), plan-expand or plan-contract (a
# dilate_plan made once per library).
#
# e.g. tools/ab.sh 4a13d57 HEAD expand 5 2 262144
#      AB_DTYPE=u8 tools/ab.sh HEAD WORKTREE contract 3 2 262144   (u8, u16, f32, f64)
#      AB_RANK=1 tools/ab.sh HEAD WORKTREE expand 3 2 262144        (1-D or 3-D kernels)
#      tools/ab.sh HEAD~1 WORKTREE expand 5 3 262144 64
#      AB_TARGET_B=AVX2 tools/ab.sh HEAD HEAD expand 7 4 268435456 1 20
#        (AB_TARGET_A / AB_TARGET_B force a target on one side: two targets
#        of one build compared in one process)
#      AB_REPS=20 AB_RANK=1 tools/ab.sh HEAD WORKTREE plan-contract 3 2 1024
#        (20 calls a timed sample: calls of ~100 ns take a few of this VM's
#        10 ns clock steps)
#      AB_RUNS=2 tools/ab.sh HEAD~1 HEAD expand 5 2 262144
#        (2 runs in each order, the swapped ones inverted, and the median
#        B / A of the 4)
#      AB_FILL=7 tools/ab.sh HEAD WORKTREE expand 3 2 262144
#        (a non-zero fill: every byte of the fill element 7)
#      AB_ALLOW_MISMATCH=1 tools/ab.sh HEAD WORKTREE expand 3 2 262144
#        (times B even where its bytes differ from A's: a deliberately wrong
#        build that bounds what a change could gain)
#
# A revision is anything `git rev-parse` takes, or WORKTREE for this
# checkout as it is (uncommitted changes included). Each is built once
# (Release, library only) under build/ab/<commit> and reused. Prints the
# harness's medians and B / A (< 1: B is faster). The ratios to memset /
# memcpy are the harness's own (single calls): compare B / A, and quote the
# suite (tools/bench.sh) for ratios. Run it a few times: B / A moves by
# ~±2% between runs where it is even.
set -euo pipefail

if [[ $# -lt 6 ]]; then
  echo "usage: $0 REV_A REV_B expand|contract|plan-expand|plan-contract K D BYTES [INNER [ROUNDS]]" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/ab
mkdir -p "$out"

# Builds revision $1 and prints the path of its libdilate.so.
build_rev() {
  local rev=$1 src dir
  if [[ $rev == WORKTREE ]]; then
    src=$root
    dir=$out/worktree
  else
    local sha
    sha=$(git -C "$root" rev-parse --short=12 "$rev^{commit}")
    dir=$out/$sha
    src=$dir/src
    if [[ ! -d $src ]]; then
      mkdir -p "$src"
      git -C "$root" archive "$sha" | tar -x -C "$src"
    fi
  fi
  # (Checked: a command substitution does not inherit set -e, and a failed
  # build would otherwise measure the last one that built.)
  cmake -S "$src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DDILATE_BUILD_TESTS=OFF \
    -DDILATE_BUILD_BENCHMARKS=OFF -DDILATE_BUILD_TOOLS=OFF -DDILATE_BUILD_FUZZERS=OFF \
    -DDILATE_INSTALL=OFF >/dev/null || { echo "ab.sh: configuring $rev failed" >&2; exit 1; }
  cmake --build "$dir/build" --target dilate -j2 >/dev/null ||
    { echo "ab.sh: building $rev failed" >&2; exit 1; }
  # A copy per side: dlopen would return the first library again for the
  # same file.
  local lib
  lib=$(find "$dir/build" -name 'libdilate.so.*.*.*' | head -1)
  cp "$lib" "$dir/libdilate-ab.so"
  echo "$dir/libdilate-ab.so"
}

lib_a=$(build_rev "$1")
lib_b=$(build_rev "$2")
if [[ $lib_a == "$lib_b" ]]; then  # the same commit twice: two copies
  cp "$lib_a" "$out/libdilate-ab-b.so"
  lib_b=$out/libdilate-ab-b.so
fi
harness=$out/ab_harness
cc -O2 -std=c11 -Wall -Wextra -I"$root/include" \
  "$root/tools/ab_harness.c" -o "$harness" -ldl
shift 2
runs=${AB_RUNS:-1}
if [[ $runs -le 1 ]]; then
  "$harness" "$lib_a" "$lib_b" "$@"
  exit
fi
# AB_RUNS=n: n processes with A first and n with B first, each B / A (the
# second order's inverted), then their median: this VM's tiles have slow
# and fast modes by process, which a single run can catch on one side only.
ratios=()
for ((i = 0; i < runs; ++i)); do
  line=$("$harness" "$lib_a" "$lib_b" "$@" | tail -1)
  echo "$line"
  ratios+=("${line##*B/A }")
  line=$("$harness" "$lib_b" "$lib_a" "$@" | tail -1)
  echo "(swapped) $line"
  ratios+=("1/${line##*B/A }")
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
values = [eval(r) for r in sys.argv[1:]]  # "0.95" or "1/1.05"
print("B/A over %d runs: %s, median %.2f" % (len(values), " ".join("%.3f" % v for v in values),
                                               statistics.median(values)))
PY
