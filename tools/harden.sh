#!/usr/bin/env bash
# libdilate hardening: differential fuzzing, guard pages, sanitizers, valgrind
# and the ABI check. Called by tools/run.sh test; fails (non-zero) if any step
# fails, and prints every command it runs.
#
#   bash tools/harden.sh          the CI run (bounded: ~11 minutes on 2 cores,
#                                 under half of it compiling the clang ASan+UBSan build)
#   bash tools/harden.sh long     long fuzz runs only (HARDEN_LONG_SECONDS per
#                                 harness, default 3600), corpus kept in
#                                 fuzz/corpus-work/ (gitignored)
#   bash tools/harden.sh STEP...  only some steps: deps fuzz asan tsan guard valgrind abi
#
# Environment:
#   HARDEN_FUZZ_SECONDS   seconds per harness in the CI run (default 30; the
#                         harnesses run HARDEN_JOBS at a time)
#   HARDEN_LONG_SECONDS   seconds per harness in `long` (default 3600)
#   HARDEN_KNOWN_BUGS     "tolerate": do not fail on the library bugs listed in
#                         fuzz/known-bugs/README.md (default: they fail)
#   HARDEN_JOBS           build and run parallelism (default 2)
#   HARDEN_BUILD          build root (default <repo>/build/harden)
#   HARDEN_RELEASE_BUILD  a gcc build tree of the project with its tests built
#                         (tools/run.sh test passes the native suite's
#                         build/release): the guard and valgrind steps run its
#                         binaries and the abi step checks its libdilate.so,
#                         so nothing is compiled a second time (default: they
#                         build $HARDEN_BUILD/release, RelWithDebInfo)
#   HARDEN_HWY_SKIP       Highway targets the sanitizer builds leave out
#                         (DILATE_HWY_SKIP); default "auto", see skip_targets;
#                         set it empty to compile every target
#   DILATE_NO_APT=1       never call apt-get
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${HARDEN_JOBS:-2}
build=${HARDEN_BUILD:-$root/build/harden}
fuzz_seconds=${HARDEN_FUZZ_SECONDS:-30}
long_seconds=${HARDEN_LONG_SECONDS:-3600}
known=${HARDEN_KNOWN_BUGS:-strict}
harnesses=(query_shape expand contract)
# Tests that reproduce the known library bugs (fuzz/known-bugs/README.md).
# Colon-separated gtest names; empty while none is open.
known_bug_tests=""
start=$(date +%s)

step() { printf '\n==== harden: %s  (t+%ss)\n' "$*" "$(($(date +%s) - start))"; }
run() { printf '+ %s\n' "$*"; "$@"; }
# Failures go to a file: steps run in subshells (so that set -e applies
# inside them; bash ignores it in functions called from `f || ...`).
fail() { printf '!!!! harden: FAILED: %s\n' "$*"; echo "$*" >>"$failures_file"; }
# A step that cannot run on this machine says why here; the summary lists it.
skipped() { printf 'SKIPPED: %s\n' "$*"; echo "$*" >>"$skipped_file"; }

# parallel LOG_PREFIX DONE_FN CMD...: runs the CMDs (one string each, words
# quoted with printf %q), $jobs at a time, each one's output to
# LOG_PREFIX-<i>.log; as each ends, `DONE_FN i status log` reports it.
# Returns non-zero if any DONE_FN did. For the single-threaded runs (the
# fuzzers, valgrind), which one after another left a core idle: ~90 s of CI.
parallel() {
  local prefix=$1 done_fn=$2
  shift 2
  local cmds=("$@") next=0 rc=0 pid status
  local -A index=()
  while ((next < ${#cmds[@]} || ${#index[@]} > 0)); do
    if ((next < ${#cmds[@]} && ${#index[@]} < jobs)); then
      printf '+ %s  (-> %s)\n' "${cmds[next]}" "$prefix-$next.log"
      (eval "${cmds[next]}") >"$prefix-$next.log" 2>&1 &
      index[$!]=$next
      next=$((next + 1))
      continue
    fi
    status=0
    wait -n -p pid || status=$?
    "$done_fn" "${index[$pid]}" "$status" "$prefix-${index[$pid]}.log" || rc=1
    unset "index[$pid]"
  done
  return $rc
}

# ------------------------------------------------------------------- deps
deps() {
  step "deps"
  local want=(cmake ninja-build clang-14 libclang-rt-14-dev libhwy-dev libgtest-dev
              abigail-tools valgrind binutils)
  local missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then echo "all present: ${want[*]}"; return; fi
  if [[ -n ${DILATE_NO_APT:-} ]]; then echo "missing: ${missing[*]} (DILATE_NO_APT set)"; return 1; fi
  export DEBIAN_FRONTEND=noninteractive
  run apt-get update -q
  run apt-get install -y -q --no-install-recommends "${missing[@]}"
}

clang_env() {
  export CC=clang-14 CXX=clang++-14
  # Sanitizer runtime: libdilate.so links -shared-libsan (its
  # --no-undefined link needs the runtime), so executables use it too.
  asan_rt=$(clang-14 -print-file-name=libclang_rt.asan-x86_64.so)
  san_link="-shared-libsan -Wl,-rpath,$(dirname "$asan_rt")"
}

# The sanitizer builds keep -O2 but only line tables for debug information:
# the reports' stack traces need no more, and full -g had made the clang
# ASan+UBSan compile of an AVX-512 target's expand kernels take 177 s of a
# core instead of 128 (g++: -g1 is the same).
line_tables=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG"
             "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG")
line_tables_gcc=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
                 "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# The Highway targets the sanitizer builds leave out (DILATE_HWY_SKIP): the
# regular builds compile and test every target, and the sanitizers' compile
# of each one costs minutes (clang ASan+UBSan: ~2 minutes of a core per
# target). Left out: the targets this CPU cannot run (they would never be
# tested), SSSE3 (SSE4's code at the same width, less a few instructions)
# and AVX3 where AVX3_DL runs (they share every kernel but the byte
# compress). `tsan` (threads and plans shared by threads, not kernels) also
# leaves out SSE4, keeping the scalar fallback, AVX2 and the best AVX-512.
skip_targets() {  # [tsan]
  if [[ -n ${HARDEN_HWY_SKIP+set} && $HARDEN_HWY_SKIP != auto ]]; then
    echo "$HARDEN_HWY_SKIP"
    return
  fi
  local flags skip=(SSSE3) f dl=1 avx3=1
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in avx512f avx512vl avx512dq avx512bw; do [[ $flags == *" $f "* ]] || avx3=0; done
  for f in avx512_vnni vpclmulqdq avx512vbmi avx512_vbmi2 vaes avx512_vpopcntdq avx512_bitalg gfni; do
    [[ $flags == *" $f "* ]] || dl=0
  done
  if ((avx3 && dl)); then
    skip+=(AVX3)
  else
    skip+=(AVX3_DL)
    ((avx3)) || skip+=(AVX3)
  fi
  [[ ${1:-} == tsan ]] && skip+=(SSE4)
  local IFS=';'
  echo "${skip[*]}"
}

# One clang build, build/harden/asan, serves the fuzz and asan steps: the
# library with ASan+UBSan (and, for the fuzzers, coverage instrumentation,
# which costs the tests nothing but a little speed), the GoogleTest suite,
# the tools and the libFuzzer harnesses. The expand kernels (lib/expand-inl.h)
# alone took ~8 minutes to compile under both sanitizers on 2 cores, so they
# are compiled once.
san_configure() {
  clang_env
  configure "$build/asan" -DDILATE_BUILD_FUZZERS=ON -DDILATE_BUILD_TESTS=ON \
    -DDILATE_BUILD_TOOLS=ON -DDILATE_SANITIZE=address,undefined "${line_tables[@]}" \
    "-DDILATE_HWY_SKIP=$(skip_targets)" \
    "-DCMAKE_EXE_LINKER_FLAGS=$san_link" "-DCMAKE_SHARED_LINKER_FLAGS=$san_link"
}

# Runs a fuzz harness. Linked with the shared ASan runtime, which libFuzzer's
# libstdc++ dependency would otherwise precede in the load order (ASan then
# refuses to start), so the runtime is preloaded, as ASan's message advises.
fuzz_exec() { LD_PRELOAD=$asan_rt "$@"; }

configure() {  # dir, extra cmake args...
  local dir=$1
  shift
  run cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDILATE_BUILD_BENCHMARKS=OFF -DDILATE_INSTALL=OFF "$@" >"$dir.configure.log" 2>&1 ||
    { tail -40 "$dir.configure.log"; return 1; }
}

build_targets() {  # dir, targets...
  local dir=$1
  shift
  run ninja -C "$dir" -j"$jobs" "$@" >"$dir.build.log" 2>&1 ||
    { grep -E 'error|FAILED' "$dir.build.log" | head -40; tail -20 "$dir.build.log"; return 1; }
}

# ------------------------------------------------------------------- fuzz
fuzz_build() {
  san_configure
  build_targets "$build/asan" "${harnesses[@]/#/fuzz_}"
}

fuzz_known_bugs() {
  step "fuzz: known-bug reproducers (fuzz/known-bugs), strict harnesses"
  local still=0
  for f in fuzz/known-bugs/*; do
    [[ -f $f && $f != *.md ]] || continue
    for h in "${harnesses[@]}"; do
      if ! fuzz_exec "$build/asan/fuzz/fuzz_$h" "$f" >"$build/fuzz-known-$h-$(basename "$f").log" 2>&1; then
        echo "still reproduces: $(basename "$f") with fuzz_$h"
        grep -E 'MISMATCH|runtime error' "$build/fuzz-known-$h-$(basename "$f").log" | head -2
        still=1
        break
      fi
    done
  done
  if ((still)); then
    if [[ $known == tolerate ]]; then
      echo "(HARDEN_KNOWN_BUGS=tolerate: not a failure)"
    else
      return 1
    fi
  else
    echo "none reproduces any more: drop the tolerance in fuzz/fuzz_common.h and the list"
  fi
}

fuzz_done() {  # i, status, log (parallel's DONE_FN)
  local h=${harnesses[$1]}
  if (($2 == 0)); then
    echo "fuzz_$h:"
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$3"
  else
    grep -B2 -A12 -E 'MISMATCH|runtime error|ERROR: (Address|libFuzzer)' "$3" | head -40
    fail "fuzz_$h found a crash (artifact in $build/fuzz-artifacts/, log $3)"
    return 1
  fi
}

fuzz_run() {  # seconds, corpus root
  local seconds=$1 corpora=$2 cmds=() h
  export DILATE_FUZZ_KNOWN_BUGS=tolerate ASAN_OPTIONS=detect_leaks=1
  mkdir -p "$build/fuzz-artifacts"
  step "fuzz: ${harnesses[*]/#/fuzz_}, ${seconds}s each, $jobs at a time"
  for h in "${harnesses[@]}"; do
    mkdir -p "$corpora/$h"
    cmds+=("$(printf '%q ' fuzz_exec "$build/asan/fuzz/fuzz_$h" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/$h-" "$corpora/$h" "fuzz/corpus/$h")")
  done
  local rc=0
  parallel "$build/fuzz-run" fuzz_done "${cmds[@]}" || rc=1
  unset DILATE_FUZZ_KNOWN_BUGS
  return $rc
}

fuzz() {
  step "fuzz: build harnesses (clang, -fsanitize=fuzzer,address,undefined)"
  fuzz_build
  local rc=0
  fuzz_known_bugs || { fail "known library bugs still reproduce (fuzz/known-bugs/README.md)"; rc=1; }
  # CI: a fresh working corpus each run, seeded from fuzz/corpus/.
  rm -rf "$build/fuzz-corpus"
  fuzz_run "$fuzz_seconds" "$build/fuzz-corpus" || rc=1
  return $rc
}

long() {
  step "long fuzz runs: ${long_seconds}s per harness, corpus in fuzz/corpus-work/"
  fuzz_build
  fuzz_run "$long_seconds" "$root/fuzz/corpus-work"
}

# ------------------------------------------------------------------- ASan/UBSan
gtest_filter_env() {
  if [[ $known == tolerate && -n $known_bug_tests ]]; then export GTEST_FILTER="-$known_bug_tests"; fi
}

asan() {
  step "asan+ubsan: whole project with clang, -DDILATE_SANITIZE=address,undefined (the fuzz step's build)"
  san_configure
  build_targets "$build/asan"
  step "asan+ubsan: ctest"
  (
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
    export DILATE_TEST_SCALE=${DILATE_TEST_SCALE:-0.5}
    gtest_filter_env
    cd "$build/asan"
    run ctest --output-on-failure -j"$jobs" --timeout 600
  )
}

# ------------------------------------------------------------------- TSan
tsan() {
  # GCC: clang 14's shared TSan runtime (needed by libdilate.so's
  # --no-undefined link) crashes in __cxa_atexit before main when it is not
  # the first library initialised; GCC links libtsan.so first.
  step "tsan: threads tests with -DDILATE_SANITIZE=thread (gcc)"
  export CC=gcc CXX=g++
  configure "$build/tsan-gcc" -DDILATE_BUILD_TESTS=ON -DDILATE_BUILD_TOOLS=OFF \
    -DDILATE_SANITIZE=thread "${line_tables_gcc[@]}" "-DDILATE_HWY_SKIP=$(skip_targets tsan)"
  local targets=(hardening_threads_test)
  grep -q 'threads_test' tests/CMakeLists.txt 2>/dev/null && targets+=(threads_test)
  grep -q 'plan_test' tests/CMakeLists.txt 2>/dev/null && targets+=(plan_test)
  build_targets "$build/tsan-gcc" "${targets[@]}"
  (
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    export DILATE_TEST_SCALE=${DILATE_TEST_SCALE:-0.25}
    for t in "${targets[@]}"; do
      bin=$(find "$build/tsan-gcc" -type f -name "$t" -perm -u+x | head -1)
      case $t in
        plan_test) run "$bin" --gtest_filter='*SharedByThreads*' ;;  # one plan, 4 threads
        *) run "$bin" ;;
      esac
    done
  )
}

# ------------------------------------------------------------------- valgrind
# The tests the valgrind step runs under memcheck, the longest first (~25 s
# each there: seed, guard pages, contract), as they run $jobs at a time.
valgrind_tests=(seed_test hardening_guard_pages_test contract_test plan_test api_test errors_test
                c_api_test hardening_bad_input_test)

# The library and the tests the guard and valgrind steps run (not the whole
# suite: tools/run.sh test-native runs that), for them and the abi step, in
# $release: HARDEN_RELEASE_BUILD's tree when given (built already; ninja only
# checks it is up to date), else $build/release.
release=${HARDEN_RELEASE_BUILD:+$(cd "$HARDEN_RELEASE_BUILD" && pwd)}
release=${release:-$build/release}
release_build() {
  export CC=gcc CXX=g++
  if [[ -z ${HARDEN_RELEASE_BUILD:-} ]]; then
    configure "$build/release" -DDILATE_BUILD_TESTS=ON -DDILATE_BUILD_TOOLS=OFF
  fi
  build_targets "$release" dilate hardening_threads_test "${valgrind_tests[@]}"
}

guard() {
  step "guard pages + bad input + threads: hardening tests, regular optimised build (gcc, $release)"
  release_build
  (
    cd "$release"
    gtest_filter_env
    run ctest --output-on-failure -j"$jobs" -R '^hardening_'
  )
}

valgrind_step() {
  step "valgrind memcheck: regular build (gcc, $release), reduced scale"
  release_build
  (
    cd "$release"
    gtest_filter_env
    step "valgrind --error-exitcode=1"
    export DILATE_TEST_SCALE=0.1 DILATE_HARDENING_SCALE=40
    local vg=(valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite -q)
    local bins=()
    for t in "${valgrind_tests[@]}"; do bins+=("$(find . -type f -name "$t" -perm -u+x | head -1)"); done
    # Valgrind 3.19 rejects RDTSCP where the CPU (or a VM) does not list it in
    # CPUID, and libhwy.so executes one while it loads (TimerResolution), so
    # on such a machine (seen: a KVM guest of an AMD EPYC, family 26) every
    # binary linking libdilate dies with SIGILL before main. Say so and skip
    # memcheck there; ASan+UBSan and the guard-page tests still run.
    local probe=0
    valgrind -q --error-exitcode=1 "${bins[0]}" --gtest_list_tests >/dev/null 2>"$build/valgrind-probe.txt" ||
      probe=$?
    if ((probe == 132)) && grep -q 'Illegal opcode' "$build/valgrind-probe.txt"; then
      sed -n '1,6p' "$build/valgrind-probe.txt"
      skipped "valgrind: it cannot run libhwy.so's load-time RDTSCP on this CPU (CPUID does not list rdtscp)"
      return 0
    fi
    local cmds=() filter
    for b in "${bins[@]}"; do
      case $b in
        *guard_pages*) filter=('--gtest_filter=*ExpandAndContract*') ;;
        # (leaks of plans; the threaded test runs under tsan)
        *plan_test*) filter=('--gtest_filter=-*SharedByThreads*') ;;
        # (the known-bug test fails on its status, not memory: other steps report it)
        *bad_input*) filter=("--gtest_filter=-BadInputDeathTest.*${known_bug_tests:+:$known_bug_tests}") ;;
        *) filter=() ;;
      esac
      cmds+=("$(printf '%q ' "${vg[@]}" "$b" "${filter[@]}")")
    done
    parallel "$build/valgrind" valgrind_done "${cmds[@]}"
  )
}

valgrind_done() {  # i, status, log (parallel's DONE_FN)
  echo "---- valgrind run $1 ended with status $2:"
  cat "$3"
  (($2 == 0)) && return 0
  fail "valgrind run $1 (log $3)"
  return 1
}

# ------------------------------------------------------------------- ABI
abi() {
  step "abi: header C99/C++17, exported symbols, SONAME, abidiff vs every abi/libdilate-1.*.abi"
  unset CC CXX
  if [[ -n ${HARDEN_RELEASE_BUILD:-} ]]; then
    # The shipped build has no debug information for abidiff: check.sh
    # checks its symbols and SONAME, and abidiff a -g build of the static
    # Highway target (the same public types, a fraction of the compile).
    run bash abi/check.sh --lib "$release/lib/libdilate.so" "$build/abi"
  else
    # The guard step's gcc RelWithDebInfo build has the library with the
    # flags the check wants (check.sh reconfigures it without the tests,
    # which leaves the library's objects as they are): nothing to compile.
    run bash abi/check.sh "$build/release"
  fi
  step "abi: demonstration: incompatible changes must fail the check"
  run bash abi/check.sh --demo
}

# ------------------------------------------------------------------- main
mkdir -p "$build"
failures_file=$build/failures.txt
skipped_file=$build/skipped.txt
: >"$failures_file"
: >"$skipped_file"
if (($# == 0)); then
  set -- deps fuzz asan tsan guard valgrind abi
fi
for s in "$@"; do
  case $s in
    deps | fuzz | long | asan | tsan | guard | abi) fn=$s ;;
    valgrind) fn=valgrind_step ;;
    *) echo "unknown step: $s"; exit 2 ;;
  esac
  set +e
  (set -e; "$fn")
  rc=$?
  set -e
  ((rc == 0)) || fail "step '$s' (exit $rc)"
done

step "done in $(($(date +%s) - start))s"
if [[ -s $failures_file ]]; then
  printf 'harden: %d failure(s):\n' "$(wc -l <"$failures_file")"
  sed 's/^/  - /' "$failures_file"
  exit 1
fi
if [[ -s $skipped_file ]]; then
  printf 'harden: %d step(s) skipped on this machine:\n' "$(wc -l <"$skipped_file")"
  sed 's/^/  - /' "$skipped_file"
fi
echo "harden: all passed"
