// Looks up one target's entry in a Highway HWY_EXPORT dispatch table, so the
// library chooses targets itself instead of through Highway's process-global
// ChosenTarget (which other users of libhwy in the process may change).
#ifndef DILATE_LIB_TARGET_TABLE_H_
#define DILATE_LIB_TARGET_TABLE_H_

#include <stddef.h>
#include <stdint.h>

#include "hwy/highway.h"

namespace dilate {

// table: HWY_DISPATCH_TABLE(F) of this translation unit. Returns the entry
// compiled for `target` (one HWY_* bit), or null if it was not compiled.
template <class Fn, size_t kSize>
Fn TableEntryFor(Fn const (&table)[kSize], int64_t target) {
  if ((target & HWY_TARGETS) == 0 || (target & (target - 1)) != 0) return nullptr;
  if (kSize == 1) return table[0];  // a single compiled target
  // Layout (hwy/highway.h): [0] initialiser, [1, HWY_MAX_DYNAMIC_TARGETS]
  // the dynamic targets, then the SCALAR/EMU128 fallback.
  if (target == HWY_SCALAR || target == HWY_EMU128) return table[kSize - 1];
  const uint64_t shifted = static_cast<uint64_t>(HWY_CHOSEN_TARGET_SHIFT(target));
  if (shifted == 0) return nullptr;
  const size_t index = hwy::Num0BitsBelowLS1Bit_Nonzero64(shifted);
  return index < kSize - 1 ? table[index] : nullptr;
}

}  // namespace dilate

#endif  // DILATE_LIB_TARGET_TABLE_H_
