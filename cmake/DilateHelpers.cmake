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
if(DILATE_HWY_TARGETS STREQUAL "all")
  set(DILATE_HWY_DEFINITIONS HWY_COMPILE_ALL_ATTAINABLE HWY_WANT_AVX3_DL)
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
