// Which Highway targets each part of a split per-target source compiles.
//
// lib/expand-inl.h is the heaviest source of the library: every target's
// kernels took 77 s of one core to compile with g++ -O3 and ~8 minutes under
// clang's ASan+UBSan, and as one translation unit it kept the other cores
// idle. It is compiled as three translation units instead
// (lib/expand_part0.cc, _part1.cc, _part2.cc), each for a share of the
// targets, and lib/expand.cc builds the one dispatch table over all of them.
// The shares balance what one x86-64 build compiles: with g++ -O3 the
// AVX-512 targets cost the most (AVX3_DL and AVX3 ~28 s each, AVX2, SSE4,
// SSSE3 and SCALAR ~10 s or less), under clang's ASan+UBSan AVX2, SSE4,
// SSSE3 and SCALAR took 243 s together against ~120 s for either AVX-512
// target; so each part has one of AVX3_DL, AVX3 and AVX2 and at most one of
// the narrower targets.
//
// Part 2 takes every target the first two do not name, so a target that a
// later Highway adds is compiled (and dispatched) without a change here.
#ifndef DILATE_LIB_TARGET_PARTS_H_
#define DILATE_LIB_TARGET_PARTS_H_

#include "hwy/highway.h"

#define DILATE_PART0_TARGETS (HWY_AVX3_DL | HWY_SSSE3 | HWY_SVE | HWY_NEON)
#define DILATE_PART1_TARGETS (HWY_AVX3 | HWY_SSE4 | HWY_SVE2 | HWY_SVE_256)

// Whether part `part` (0, 1 or 2) compiles `target` (one HWY_* bit).
#define DILATE_TARGET_IN_PART(target, part)                           \
  ((part) == 0   ? ((target)&DILATE_PART0_TARGETS) != 0               \
   : (part) == 1 ? ((target)&DILATE_PART1_TARGETS) != 0               \
                 : ((target) & (DILATE_PART0_TARGETS | DILATE_PART1_TARGETS)) == 0)

#endif  // DILATE_LIB_TARGET_PARTS_H_
