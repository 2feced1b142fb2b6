// Compiler attributes shared by the library's sources (target-independent
// and per-target alike).
#ifndef DILATE_LIB_COMPILER_H_
#define DILATE_LIB_COMPILER_H_

#if defined(__GNUC__)
#define DILATE_ALWAYS_INLINE inline __attribute__((always_inline))
// For lambdas: `[&](...) DILATE_INLINE_LAMBDA { ... }`. (GCC kept the
// unrolled tile loops' lambdas out of line on some targets without it: 2-3x
// the time.)
#define DILATE_INLINE_LAMBDA __attribute__((always_inline))
#define DILATE_NOINLINE __attribute__((noinline))
#define DILATE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DILATE_RESTRICT __restrict__
#else
#define DILATE_ALWAYS_INLINE inline
#define DILATE_INLINE_LAMBDA
#define DILATE_NOINLINE
#define DILATE_UNLIKELY(x) (x)
#define DILATE_RESTRICT
#endif

#endif  // DILATE_LIB_COMPILER_H_
