// The expand kernels (lib/expand-inl.h) for part 1 of the targets
// (lib/target_parts.h): the parts compile in parallel.
#define DILATE_EXPAND_PART 1

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/expand_part1.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/expand-inl.h"
