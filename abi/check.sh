#!/usr/bin/env bash
# ABI checks for libdilate (run by tools/harden.sh; see abi/README.md).
#
#   abi/check.sh [BUILD_DIR]          check the library built from this tree
#   abi/check.sh --lib SO [BUILD_DIR] the same, and check the exported symbols
#                                     and SONAME of SO as well (a build
#                                     without debug information, e.g. the
#                                     release preset's); abidiff's build in
#                                     BUILD_DIR then compiles only the static
#                                     Highway target (the public types do not
#                                     depend on the SIMD targets)
#   abi/check.sh --update [BUILD_DIR] write the baseline of this version,
#                                     abi/libdilate-MAJOR.MINOR.abi
#   abi/check.sh --demo               prove the check catches a break: build
#                                     a patched copy (a dilate_desc field
#                                     removed, a signature changed) and
#                                     require abidiff to call it incompatible
#
# Checks: the header compiles as C99 (-pedantic -Werror) and C++17 -Werror;
# the exported dynamic symbols are exactly the DILATE_API functions declared
# in include/dilate/dilate.h (both ways); SONAME is libdilate.so.1; abidiff
# against each committed baseline abi/libdilate-1.*.abi (public types only,
# --headers-dir) finds no incompatible change (additions are reported, not
# failures): a 1.N library still serves binaries built against 1.0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hdr_version() { sed -n "s/^#define DILATE_VERSION_$1 \([0-9]*\)$/\1/p" "$root/include/dilate/dilate.h"; }
# The baseline of the version the header declares (what --update writes);
# every abi/libdilate-1.*.abi is checked.
baseline=$root/abi/libdilate-$(hdr_version MAJOR).$(hdr_version MINOR).abi
mode=check
lib=""
case "${1:-}" in
  --update) mode=update; shift ;;
  --demo) mode=demo; shift ;;
  --lib) lib=$(readlink -f "${2:?--lib needs a libdilate.so}"); shift 2 ;;
esac
build=${1:-$root/build/harden/abi}
jobs=${HARDEN_JOBS:-2}

say() { printf '\n== abi: %s\n' "$*"; }

# Builds libdilate.so with debug info from source tree $1 into $2; extra
# cmake arguments after them.
build_lib() {
  local src=$1 dir=$2
  shift 2
  cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDILATE_BUILD_TESTS=OFF -DDILATE_BUILD_BENCHMARKS=OFF -DDILATE_BUILD_TOOLS=OFF \
    -DDILATE_BUILD_FUZZERS=OFF -DDILATE_INSTALL=OFF "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  ninja -C "$dir" -j"$jobs" dilate >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}

# abidw of the library in build dir $1 (public types of header dir $2 only).
dump_abi() {
  local so
  so=$(readlink -f "$1/lib/libdilate.so")
  abidw --headers-dir "$2" --drop-private-types --no-show-locs --no-corpus-path \
    --no-comp-dir-path "$so"
}

# abidiff baseline vs the library in build dir $1; prints the report and a
# verdict; returns 0 (identical), 1 (only additions: new functions or
# variables) or 2 (incompatible: anything removed or changed, or abidiff's
# own "incompatible" bit). The baseline holds only the public types (it was
# dumped with --headers-dir), so internal types never show up here.
diff_abi() {
  local so report rc removed changed added
  so=$(readlink -f "$1/lib/libdilate.so")
  rc=0
  report=$(abidiff "$baseline" "$so") || rc=$?
  echo "$report"
  echo "abidiff exit status: $rc"
  if (( rc & 3 )); then echo "abidiff failed"; return 2; fi
  removed=$(echo "$report" | sed -n 's/.*changes summary: \([0-9]*\) Removed.*/\1/p' | awk '{s += $1} END {print s + 0}')
  changed=$(echo "$report" | sed -n 's/.*Removed[^,]*, \([0-9]*\) Changed.*/\1/p' | awk '{s += $1} END {print s + 0}')
  added=$(echo "$report" | sed -n 's/.*Changed[^,]*, \([0-9]*\) Added.*/\1/p' | awk '{s += $1} END {print s + 0}')
  echo "removed=${removed:-0} changed=${changed:-0} added=${added:-0}"
  if (( rc & 8 )) || (( ${removed:-0} > 0 )) || (( ${changed:-0} > 0 )); then
    echo "verdict: INCOMPATIBLE with the $(basename "$baseline") baseline"
    return 2
  fi
  if (( rc & 4 )) || (( ${added:-0} > 0 )); then
    echo "verdict: compatible additions"
    return 1
  fi
  echo "verdict: identical to the baseline"
  return 0
}

if [[ $mode == demo ]]; then
  tmp=$(mktemp -d /tmp/dilate-abi-demo.XXXXXX)
  [[ -n ${ABI_DEMO_KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
  status=0
  for change in ${ABI_DEMO_CHANGES:-remove-field change-signature}; do
    say "demo: $change"
    mkdir -p "$tmp/$change"
    cp -r "$root/CMakeLists.txt" "$root/cmake" "$root/include" "$root/lib" "$tmp/$change/"
    hdr=$tmp/$change/include/dilate/dilate.h
    case $change in
      remove-field)  # drop dilate_desc.inner
        sed -i '/uint64_t inner;       \/\* trailing extent/d' "$hdr"
        grep -rl 'inner' "$tmp/$change/lib" | xargs sed -i 's/desc->inner/desc->outer/g; s/desc\.inner/desc.outer/g'
        ;;
      change-signature)  # dilate_dtype_size(uint32_t) -> (uint64_t)
        sed -i 's/DILATE_API uint32_t dilate_dtype_size(uint32_t dtype);/DILATE_API uint32_t dilate_dtype_size(uint64_t dtype);/' "$hdr"
        sed -i 's/^uint32_t dilate_dtype_size(uint32_t dtype) {/uint32_t dilate_dtype_size(uint64_t dtype) {/' "$tmp/$change/lib/api.cc"
        ;;
    esac
    if cmp -s "$hdr" "$root/include/dilate/dilate.h"; then
      echo "demo: the patch did not apply"; exit 1
    fi
    # Only the static Highway target: the exported ABI does not depend on
    # the SIMD targets compiled, and this build takes a fraction of the time.
    build_lib "$tmp/$change" "$tmp/$change-build" -DDILATE_HWY_TARGETS=static
    rc=0
    diff_abi "$tmp/$change-build" || rc=$?
    if (( rc != 2 )); then
      echo "FAIL: abidiff did not flag '$change' as incompatible"; status=1
    else
      echo "ok: '$change' is reported as an incompatible ABI change"
    fi
  done
  exit $status
fi

say "header compiles as C99 -pedantic -Werror and as C++17 -Werror"
cc=${CC:-cc}; cxx=${CXX:-c++}
printf '#include "dilate/dilate.h"\nint main(void) { dilate_desc d; dilate_desc_init(&d); return (int)d.rank; }\n' >"${build}.hdr.c" 2>/dev/null ||
  { mkdir -p "$(dirname "$build")"; printf '#include "dilate/dilate.h"\nint main(void) { dilate_desc d; dilate_desc_init(&d); return (int)d.rank; }\n' >"${build}.hdr.c"; }
"$cc" -std=c99 -pedantic -Werror -Wall -Wextra -I"$root/include" -fsyntax-only "${build}.hdr.c"
"$cxx" -x c++ -std=c++17 -pedantic -Werror -Wall -Wextra -I"$root/include" -fsyntax-only "${build}.hdr.c"
echo ok

if [[ -n $lib ]]; then
  [[ -f $lib ]] || { echo "FAIL: --lib $lib does not exist"; exit 1; }
  say "build libdilate.so (-g, the static Highway target only) in $build"
  build_lib "$root" "$build" -DDILATE_HWY_TARGETS=static
else
  say "build libdilate.so (-g) in $build"
  build_lib "$root" "$build"
fi
so=$(readlink -f "$build/lib/libdilate.so")
echo "$so"

if [[ $mode == update ]]; then
  dump_abi "$build" "$root/include/dilate" >"$baseline"
  echo "wrote $baseline ($(wc -c <"$baseline") bytes); review and commit it"
  exit 0
fi

expected=$(sed -n 's/^DILATE_API[^(]*[ *]\(dilate_[a-z0-9_]*\)(.*/\1/p' "$root/include/dilate/dilate.h" | sort -u)
for checked in "$so" ${lib:+"$lib"}; do
  say "exported symbols of $checked == DILATE_API declarations of include/dilate/dilate.h"
  actual=$(nm -D --defined-only "$checked" | awk '$2 ~ /^[TtWwDdBbRrVvi]$/ {print $3}' | sed 's/@.*//' | grep -v '^DILATE_[0-9.]*$' | sort -u)
  echo "declared: $(echo "$expected" | wc -l), exported: $(echo "$actual" | wc -l)"
  missing=$(comm -23 <(echo "$expected") <(echo "$actual"))
  extra=$(comm -13 <(echo "$expected") <(echo "$actual"))
  [[ -z $missing ]] || { echo "FAIL: declared but not exported:"; echo "$missing"; exit 1; }
  [[ -z $extra ]] || { echo "FAIL: exported but not declared:"; echo "$extra"; exit 1; }
  [[ $(echo "$expected" | wc -l) -ge 10 ]] || { echo "FAIL: header parse found too few functions"; exit 1; }
  echo ok

  say "SONAME of $checked"
  soname=$(readelf -d "$checked" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  echo "SONAME = $soname"
  [[ $soname == libdilate.so.1 ]] || { echo "FAIL: SONAME is not libdilate.so.1"; exit 1; }
done

for baseline in "$root"/abi/libdilate-1.*.abi; do
  say "abidiff against $(basename "$baseline")"
  rc=0
  diff_abi "$build" || rc=$?
  if (( rc == 2 )); then
    echo "FAIL: incompatible ABI change against $(basename "$baseline") (see abi/README.md)"; exit 1
  elif (( rc == 1 )); then
    echo "note: additions reported above (expected against an older minor version's baseline; for this version's, run abi/check.sh --update when the ABI is deliberately extended)"
  fi
done
echo ok
