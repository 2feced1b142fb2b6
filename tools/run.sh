#!/usr/bin/env bash
# libdilate: the one entry point for building, demoing and testing.
#
# On a fresh Debian bookworm machine, as root:
#   bash tools/run.sh demo    # install what is missing, build, run `dilate demo`
#   bash tools/run.sh test    # install what is missing, build and run every test
#
# For developers:
#   bash tools/run.sh deps [base|arm|extra]...  install missing packages only
#   bash tools/run.sh build          configure + build the x86-64 release preset
#   bash tools/run.sh test-native    build + ctest (release preset)
#   bash tools/run.sh test-install   cmake --install into a temp prefix, then build
#                                    and run examples/consumer against it
#                                    (find_package(dilate) and pkg-config)
#   bash tools/run.sh test-arm       aarch64 cross build + ctest under qemu,
#                                    once per CPU in DILATE_ARM_CPUS
#
# `test` = deps, then the suites test-native, test-install, test-arm and, when
# they exist, `bash tools/harden.sh` and `bash tools/bench.sh smoke`, each in
# a process of its own. A failed suite does not stop the others (unless
# DILATE_FAIL_FAST=1); `test` exits non-zero if any failed, and names them.
#
# Environment knobs:
#   DILATE_BUILD_ROOT  where the build/<preset> trees go (default: <repo>/build)
#   DILATE_JOBS        build and ctest parallelism (default: 2)
#   DILATE_ARM_CPUS    qemu CPUs for test-arm (default: "cortex-a72 max
#                      max,sve-default-vector-length=16 max,sve-default-vector-length=32",
#                      i.e. NEON; SVE2/SVE at 512 bits; SVE2_128; SVE_256)
#   DILATE_QEMU_TEST_SCALE  DILATE_TEST_SCALE passed to tests under qemu (0.1)
#                      (after the first CPU, the tests skip the targets it
#                      supported: DILATE_TEST_SKIP_TARGETS, tests/tested_targets.h)
#   DILATE_NO_APT=1    never call apt-get (fail if something is missing)
#   DILATE_FAIL_FAST=1 `test` stops at the first failed suite
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_ROOT="${DILATE_BUILD_ROOT:-$ROOT/build}"
JOBS="${DILATE_JOBS:-2}"
# cortex-a72: NEON only. max: SVE2 (and SVE) at qemu's default 512-bit
# vectors. max with 128- and 256-bit vectors: also the SVE2_128 and SVE_256
# targets (Neoverse N2/V2- and V1-class CPUs), which otherwise never run.
ARM_CPUS="${DILATE_ARM_CPUS:-cortex-a72 max max,sve-default-vector-length=16 max,sve-default-vector-length=32}"
QEMU_TEST_SCALE="${DILATE_QEMU_TEST_SCALE:-0.1}"
export DEBIAN_FRONTEND=noninteractive

# Packages, by group. dpkg names; ":arm64" ones need the arm64 architecture.
PKGS_BASE=(cmake ninja-build g++ make pkg-config libhwy-dev libgtest-dev libbenchmark-dev)
PKGS_ARM=(g++-aarch64-linux-gnu qemu-user libhwy-dev:arm64 libgtest-dev:arm64)
# What the extra suites (tools/harden.sh, tools/bench.sh) use: clang with its
# sanitizer/libFuzzer runtimes, abidiff, hyperfine, python3 + matplotlib.
PKGS_EXTRA=(clang libclang-rt-14-dev llvm abigail-tools hyperfine python3 python3-matplotlib)

# ------------------------------------------------------------ reporting

STEP_NAMES=()
STEP_SECS=()
STEP_OK=()
FAILED_SUITES=()
SUITES_RUN=0
CURRENT_STEP=""
CURRENT_START=0
STEP_OK_NEXT="" # set to FAILED by a step that fails but lets the run go on
RUN_START=$SECONDS

log() { printf '%s\n' "$*"; }

end_step() {
  if [[ -n "$CURRENT_STEP" ]]; then
    local secs=$((SECONDS - CURRENT_START))
    STEP_NAMES+=("$CURRENT_STEP")
    STEP_SECS+=("$secs")
    STEP_OK+=("${STEP_OK_NEXT:-ok}")
    log "==> ${STEP_OK_NEXT:-done}: $CURRENT_STEP (${secs}s)"
    STEP_OK_NEXT=""
    CURRENT_STEP=""
  fi
}

step() {
  end_step
  CURRENT_STEP="$*"
  CURRENT_START=$SECONDS
  log ""
  log "================================================================"
  log "==> [$(date +%H:%M:%S)] $CURRENT_STEP"
  log "================================================================"
}

summary() {
  local rc=$?
  local failed="$CURRENT_STEP"
  if [[ $rc -eq 0 ]]; then end_step; fi
  if ((${#STEP_NAMES[@]} > 0)) || [[ -n "$failed" ]]; then
    log ""
    log "---------------------------------------------------------------- summary"
    local i
    for i in "${!STEP_NAMES[@]}"; do
      printf '  %6ss  %-6s  %s\n' "${STEP_SECS[$i]}" "${STEP_OK[$i]}" "${STEP_NAMES[$i]}"
    done
    if [[ $rc -ne 0 && -n "$failed" ]]; then
      printf '  %6ss  FAILED  %s\n' "$((SECONDS - CURRENT_START))" "$failed"
    fi
    printf '  %6ss  total\n' "$((SECONDS - RUN_START))"
  fi
  if [[ $SUITES_RUN -gt 0 ]]; then
    # The plain closing line CI readers look for.
    log "suites: $((SUITES_RUN - ${#FAILED_SUITES[@]})) passed, ${#FAILED_SUITES[@]} failed"
  fi
  if [[ $rc -ne 0 ]]; then
    log "tools/run.sh: FAILED (exit $rc)${failed:+ in step: $failed}" >&2
  fi
  exit $rc
}
trap summary EXIT

die() {
  log "tools/run.sh: error: $*" >&2
  exit 1
}

# ------------------------------------------------------------ packages

APT_UPDATED=0

NATIVE_ARCH="$(dpkg --print-architecture)"

# pkg_installed NAME[:ARCH]: a name without :ARCH means the native one (for
# Multi-Arch packages installed for several architectures), or arch "all".
pkg_installed() {
  local status
  if [[ "$1" != *:* ]] &&
    status="$(dpkg-query -W -f='${Status}' "$1:$NATIVE_ARCH" 2>/dev/null)"; then
    [[ "$status" == "install ok installed" ]]
    return
  fi
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [[ "$status" == "install ok installed" ]]
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -E "$@"
  else
    die "need root to run: $*"
  fi
}

# ensure_pkgs PKG... : installs the ones dpkg does not report as installed.
ensure_pkgs() {
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "packages present: $*"
    return 0
  fi
  if [[ "${DILATE_NO_APT:-0}" == 1 ]]; then
    die "missing packages (DILATE_NO_APT=1): ${missing[*]}"
  fi
  log "installing missing packages: ${missing[*]}"
  for p in "${missing[@]}"; do
    if [[ "$p" == *:arm64 && " $(dpkg --print-foreign-architectures | tr '\n' ' ') " != *" arm64 "* ]]; then
      log "adding dpkg architecture arm64"
      as_root dpkg --add-architecture arm64
      APT_UPDATED=0 # the new architecture's package lists are needed
      break
    fi
  done
  if [[ $APT_UPDATED -eq 0 ]]; then
    as_root apt-get update -q
    APT_UPDATED=1
  fi
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

deps() {
  if [[ "${DILATE_NO_APT_STEP:-0}" == 1 ]]; then
    log "(dependencies were handled by the parent run)"
    return 0
  fi
  local group
  for group in "$@"; do
    case "$group" in
      base) ensure_pkgs "${PKGS_BASE[@]}" ;;
      arm) ensure_pkgs "${PKGS_ARM[@]}" ;;
      extra) ensure_pkgs "${PKGS_EXTRA[@]}" ;;
      *) die "unknown package group: $group (base, arm, extra)" ;;
    esac
  done
}

# ------------------------------------------------------------ build steps

# configure_build PRESET: cmake --preset PRESET into $BUILD_ROOT/PRESET, build.
configure_build() {
  local preset="$1" dir="$BUILD_ROOT/$1"
  step "configure $preset -> $dir"
  cmake --preset "$preset" -B "$dir"
  step "build $preset (-j$JOBS)"
  cmake --build "$dir" -j "$JOBS"
}

do_build() {
  configure_build release
}

do_demo() {
  do_build
  step "demo: $BUILD_ROOT/release/tools/dilate demo"
  [[ -x "$BUILD_ROOT/release/tools/dilate" ]] || die "tools/dilate was not built"
  "$BUILD_ROOT/release/tools/dilate" demo
}

do_test_native() {
  do_build
  step "test-native: ctest (release, x86-64, $(uname -m))"
  "$BUILD_ROOT/release/tools/dilate" targets || true
  ctest --preset release --test-dir "$BUILD_ROOT/release" -j "$JOBS"
}

do_test_install() {
  [[ -f "$BUILD_ROOT/release/build.ninja" ]] || do_build
  local tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/dilate-install.XXXXXX")"
  step "test-install: cmake --install into $tmp/prefix, examples/consumer against it"
  cmake --install "$BUILD_ROOT/release" --prefix "$tmp/prefix"
  local libdir
  libdir="$(dirname "$(find "$tmp/prefix" -name libdilate.so.1 -print -quit)")"
  log "-- installed files:"
  (cd "$tmp/prefix" && find . \( -type f -o -type l \) | sort | sed 's/^/   /')
  local dyn
  dyn="$(readelf -d "$libdir/libdilate.so.1")"
  [[ "$dyn" == *"Library soname: [libdilate.so.1]"* ]] ||
    die "libdilate.so.1 has no SONAME libdilate.so.1"
  [[ -f "$libdir/libdilate.a" ]] || die "libdilate.a not installed"
  # find_package(dilate) and pkg-config dilate (CMake project, ctest).
  cmake -S examples/consumer -B "$tmp/consumer" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$tmp/prefix"
  cmake --build "$tmp/consumer" -j "$JOBS"
  ctest --test-dir "$tmp/consumer" --output-on-failure --no-tests=error
  # pkg-config by hand, as a Makefile would.
  local pc_flags
  pc_flags="$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs dilate)"
  log "-- cc examples/consumer/main.c $pc_flags"
  # shellcheck disable=SC2086
  cc -std=c99 -Wall -Werror examples/consumer/main.c $pc_flags \
    -Wl,-rpath,"$libdir" -o "$tmp/consumer_pc_make"
  "$tmp/consumer_pc_make"
  rm -rf "$tmp"
}

# Runs a target binary of the aarch64 build under qemu with the CPU $1.
qemu_run() {
  local cpu="$1"
  shift
  QEMU_CPU="$cpu" qemu-aarch64 -L /usr/aarch64-linux-gnu \
    -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib:/usr/lib/aarch64-linux-gnu "$@"
}

do_test_arm() {
  configure_build aarch64
  local dir="$BUILD_ROOT/aarch64" cpu failed=() covered="" supported
  for cpu in $ARM_CPUS; do
    step "test-arm: aarch64 ctest under qemu (QEMU_CPU=$cpu, DILATE_TEST_SCALE=$QEMU_TEST_SCALE${covered:+, skipping $covered})"
    if [[ -x "$dir/tools/dilate" ]]; then
      log "-- dilate targets under QEMU_CPU=$cpu:"
      qemu_run "$cpu" "$dir/tools/dilate" targets
    fi
    # The toolchain file's CMAKE_CROSSCOMPILING_EMULATOR runs each test
    # under qemu-aarch64; QEMU_CPU picks the emulated CPU.
    # A failure under one CPU does not skip the next one.
    # DILATE_HARDENING_SCALE: random guard-page shapes per element size (150
    # natively); the hand-picked sweep always runs in full.
    # DILATE_TEST_SKIP_TARGETS (tests/tested_targets.h): the targets the first
    # CPU supports (NEON and the scalar fallback under Cortex-A72) ran there;
    # the other CPUs test only the targets they add (SVE and SVE2 at their
    # vector length, SVE2_128, SVE_256). Under -cpu max at scale 0.1:
    # large_test 54 -> 44 s, threads_test 39 -> 19 s.
    if ! QEMU_CPU="$cpu" DILATE_TEST_SCALE="$QEMU_TEST_SCALE" DILATE_HARDENING_SCALE=80 \
      DILATE_TEST_SKIP_TARGETS="$covered" \
      ctest --test-dir "$dir" -j "$JOBS" --output-on-failure --no-tests=error --timeout 1200; then
      failed+=("$cpu")
      STEP_OK_NEXT="FAILED"
    fi
    if [[ -z "$covered" && -x "$dir/tools/dilate" ]]; then
      supported="$(qemu_run "$cpu" "$dir/tools/dilate" targets | sed -n 's/^supported: *//p')"
      covered="${supported:- }"
    fi
  done
  end_step
  if ((${#failed[@]} > 0)); then
    die "aarch64 tests failed under QEMU_CPU: ${failed[*]}"
  fi
}

# suite NAME COMMAND...: runs one suite in a child process, records its
# time and result; with DILATE_FAIL_FAST=1 a failure ends the run at once.
suite() {
  local name="$1" rc=0 start=$SECONDS
  shift
  end_step
  log ""
  log "################################################################"
  log "### [$(date +%H:%M:%S)] suite: $name"
  log "###   $*"
  log "################################################################"
  "$@" </dev/null || rc=$?
  SUITES_RUN=$((SUITES_RUN + 1))
  STEP_NAMES+=("suite $name")
  STEP_SECS+=("$((SECONDS - start))")
  if [[ $rc -eq 0 ]]; then
    STEP_OK+=("ok")
    log "### suite $name: passed ($((SECONDS - start))s)"
  else
    STEP_OK+=("FAILED")
    FAILED_SUITES+=("$name")
    log "### suite $name: FAILED with exit $rc ($((SECONDS - start))s)" >&2
    if [[ "${DILATE_FAIL_FAST:-0}" == 1 ]]; then
      exit "$rc"
    fi
  fi
}

do_test_all() {
  local self=("bash" "$ROOT/tools/run.sh")
  export DILATE_NO_APT_STEP=1 # the suites skip their own dependency step
  suite native "${self[@]}" test-native
  suite install "${self[@]}" test-install
  suite aarch64 "${self[@]}" test-arm
  if [[ -f tools/harden.sh ]]; then
    # The native suite's release tree serves harden's guard, valgrind and
    # abi steps: no second gcc build of the library and its tests.
    suite harden env HARDEN_RELEASE_BUILD="$BUILD_ROOT/release" bash tools/harden.sh
  else
    log "(tools/harden.sh does not exist: hardening suite skipped)"
  fi
  if [[ -f tools/bench.sh ]]; then
    # The native suite's release tree has the benchmark: no third build.
    suite bench-smoke env DILATE_BENCH_BUILD="$BUILD_ROOT/release" bash tools/bench.sh smoke
  else
    log "(tools/bench.sh does not exist: benchmark smoke skipped)"
  fi
  if ((${#FAILED_SUITES[@]} > 0)); then
    CURRENT_STEP=""
    die "failed suites: ${FAILED_SUITES[*]}"
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  demo)
    step "dependencies (base)"
    deps base
    do_demo
    ;;
  build)
    step "dependencies (base)"
    deps base
    do_build
    ;;
  test-native)
    step "dependencies (base)"
    deps base
    do_test_native
    ;;
  test-install)
    step "dependencies (base)"
    deps base
    do_test_install
    ;;
  test-arm)
    step "dependencies (base, arm)"
    deps base arm
    do_test_arm
    ;;
  test)
    step "dependencies (base, arm, extra)"
    deps base arm extra
    do_test_all
    ;;
  deps)
    step "dependencies (${*:-base arm extra})"
    if [[ $# -eq 0 ]]; then deps base arm extra; else deps "$@"; fi
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    die "unknown command '${cmd}' (demo, test, build, test-native, test-install, test-arm, deps)"
    ;;
esac
