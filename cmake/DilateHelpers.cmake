# Compiler settings shared by every target of the project.

# Highway: compile every target this compiler can reach, so the SCALAR
# fallback and each SIMD target exist side by side for dispatch and tests
# (without it, aarch64 builds silently run NEON as "scalar"), and include
# AVX3_DL on x86.
set(DILATE_HWY_DEFINITIONS HWY_COMPILE_ALL_ATTAINABLE HWY_WANT_AVX3_DL)

function(dilate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wno-psabi)
endfunction()

if(DILATE_SANITIZE)
  add_compile_options(-fsanitize=${DILATE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DILATE_SANITIZE})
endif()
