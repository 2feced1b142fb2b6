// The expand kernels' dispatch table: GetExpandKernels of every compiled
// Highway target. The kernels themselves are in lib/expand-inl.h, compiled
// by lib/expand_part*.cc, each for a share of the targets
// (lib/target_parts.h), so that builds compile them in parallel.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/expand.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "lib/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace dilate {
namespace HWY_NAMESPACE {

// Defined in lib/expand-inl.h.
const ExpandKernels* GetExpandKernels();

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace HWY_NAMESPACE
}  // namespace dilate
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy/cache_control.h"
#include "lib/target_table.h"

namespace dilate {
HWY_EXPORT(GetExpandKernels);

const ExpandKernels* ExpandKernelsFor(int64_t target) {
  const auto fn = TableEntryFor(HWY_DISPATCH_TABLE(GetExpandKernels), target);
  return fn != nullptr ? fn() : nullptr;
}

void FlushStreamingStores() { hwy::FlushStream(); }
}  // namespace dilate
#endif  // HWY_ONCE
