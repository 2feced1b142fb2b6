# Compiler settings shared by every target of the project.

# Highway: compile every target this compiler can reach, so the SCALAR
# fallback and each SIMD target exist side by side for dispatch and tests
# (without it, aarch64 builds silently run NEON as "scalar"), and include
# AVX3_DL on x86.
#
# DILATE_HWY_TARGETS=static compiles only the compiler's static target (no
# runtime dispatch): a library with the same exported ABI, built in a
# fraction of the time, for tooling that never runs a SIMD kernel (the ABI
# demonstration in abi/check.sh --demo). What ships, and every test build,
# uses the default, all.
set(DILATE_HWY_TARGETS "all" CACHE STRING
  "Highway targets to compile: all (every attainable target, runtime dispatch) or static")
set_property(CACHE DILATE_HWY_TARGETS PROPERTY STRINGS all static)
# DILATE_HWY_SKIP (a list of Highway target names, e.g. "SSSE3;AVX3") leaves
# those targets out of an `all` build (HWY_DISABLED_TARGETS): the sanitizer
# builds of tools/harden.sh skip the targets that differ least from another
# one, as the regular test builds already run every target. The scalar
# fallback cannot be skipped.
set(DILATE_HWY_SKIP "" CACHE STRING
  "Highway targets to leave out of DILATE_HWY_TARGETS=all (e.g. SSSE3;AVX3)")
set(_dilate_skippable SSSE3 SSE4 AVX2 AVX3 AVX3_DL NEON SVE SVE2 SVE_256 SVE2_128)
set(_dilate_disabled "")
foreach(_target IN LISTS DILATE_HWY_SKIP)
  if(NOT _target IN_LIST _dilate_skippable)
    message(FATAL_ERROR "DILATE_HWY_SKIP: '${_target}' is not one of ${_dilate_skippable}")
  endif()
  if(_dilate_disabled)
    string(APPEND _dilate_disabled "|")
  endif()
  string(APPEND _dilate_disabled "HWY_${_target}")
endforeach()
if(DILATE_HWY_TARGETS STREQUAL "all")
  set(DILATE_HWY_DEFINITIONS HWY_COMPILE_ALL_ATTAINABLE HWY_WANT_AVX3_DL)
  if(_dilate_disabled)
    list(APPEND DILATE_HWY_DEFINITIONS "HWY_DISABLED_TARGETS=(${_dilate_disabled})")
    message(STATUS "libdilate: Highway targets left out (DILATE_HWY_SKIP): ${DILATE_HWY_SKIP}")
  endif()
elseif(DILATE_HWY_TARGETS STREQUAL "static")
  set(DILATE_HWY_DEFINITIONS HWY_COMPILE_ONLY_STATIC)
else()
  message(FATAL_ERROR "DILATE_HWY_TARGETS must be all or static, not '${DILATE_HWY_TARGETS}'")
endif()

function(dilate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wno-psabi)
endfunction()

if(DILATE_SANITIZE)
  add_compile_options(-fsanitize=${DILATE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DILATE_SANITIZE})
endif()
