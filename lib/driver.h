// Walks a planned tensor and drives one target's kernels over it, serially
// or split into chunks for a runner or short-lived threads.
#ifndef DILATE_LIB_DRIVER_H_
#define DILATE_LIB_DRIVER_H_

#include <stdint.h>

#include "dilate/dilate.h"
#include "lib/kernels.h"
#include "lib/plan.h"
#include "lib/small.h"
#include "lib/targets.h"
#include "lib/tiles.h"

namespace dilate {

struct Threading {
  uint32_t num_threads;                 // dilate_options.num_threads
  dilate_parallel_for_fn parallel_for;  // may be null
  void* runner_ctx;
};

// What a dilate_plan built once. Tile tables (see PrepareTiles) are valid
// only for `target`: with any other target, calls build their own as
// usual. The tap list of a small tensor (ListSmallTaps) serves any target.
struct Prepared {
  const Target* target;
  const TileState* expand;      // null: expand does not take tile mode
  const TileState* contract;    // null: contract (without verify) does not
  const uint16_t* small_pairs;  // null unless dst and src bytes <= kSmallBytes
  uint32_t small_taps;
};

// Whether expands on `target` take the vector loops of small kernels
// (ExpandKernels::planes, square_planes) past kSquarePlanesBytes one-shot
// and past kWidePlanPlanesMinBytes with a plan (PlanesBeforeTiles in
// lib/driver.cc), and one-shot contracts of large kernels past
// kContractPlanesBytes (WideContractPlanes): 512-bit targets on AMD's Zen 5
// or later (see kWidePlanesBytes in lib/small.h). DILATE_WIDE_PLANES=1 or
// 0 (read once) overrides the CPU.
bool WidePlanes(const Target& target);

// Whether one-shot expands on `target` take the vector loops of small
// kernels past kSquarePlanesBytes, up to kShiftPlanesBytes (lib/small.h),
// where a kernel's src passes one vector, so that each output vector
// takes a window of its own (ShiftedWindows in lib/expand-inl.h): AVX2.
// DILATE_SHIFT_PLANES=0 or 1 (read once) overrides.
bool ShiftPlanes(const Target& target);
inline bool ShiftPlanesPay(const Target& target, uint64_t dst_bytes, uint64_t src_slice_bytes,
                           uint64_t group) {
  return dst_bytes > kSquarePlanesBytes && dst_bytes <= kShiftPlanesBytes &&
         src_slice_bytes > kShiftWindowBytes && group % kShiftLaneBytes == 0 && ShiftPlanes(target);
}

// Whether a plan's square kernels (k x k of esize bytes) keep their tables
// rather than take shifted windows (ShiftedWindows in lib/expand-inl.h):
// on AVX2 in lanes narrower than kShiftLaneBytes (u16 K5 D2 at 8 KB took
// 1.41 of their time; f32 K3 D2 / K5 D2 0.95 / 0.87, f64 K3 D2 1.00; every
// AVX2 vector is 32 bytes); on AVX-512 wherever a kernel's src passes a
// pair of vectors, kPairWindowBytes (lib/small.h).
bool PlanKeepsTables(const Target& target, uint32_t esize, uint64_t k);

// dilate_expand_2d's case (lib/small.h) of k x k kernels of esize-byte
// elements, dilation d, dst_bytes expanded (past kSmallBytes): target's
// vector loop where it fits and dst is within kSquarePlanesBytes (where
// WidePlanes, kWidePlanesBytes and kWideSquarePlanesKernels; `serial`
// calls, without a caller's runner, also where SerialPlanesPay; elsewhere
// where ShiftPlanesPay, kShiftPlanesBytes), else null.
inline SquareSmallFn SquarePlanesLoop(const Target& target, uint32_t esize, uint64_t k, uint64_t d,
                                      uint64_t dst_bytes, bool serial) {
  const ExpandKernels& kernels = *target.expand;
  const uint64_t l = (k - 1) * d + 1, n = dst_bytes / (l * l * esize);
  if (dst_bytes > kSquarePlanesBytes) {
    if (WidePlanes(target)) {
      const bool wide = dst_bytes <= kWidePlanesBytes && n <= kWideSquarePlanesKernels;
      if (!wide && !(serial && SerialPlanesPay(dst_bytes, true, k, d, esize))) return nullptr;
    } else if (!ShiftPlanesPay(target, dst_bytes, k * k * esize, esize)) {
      return nullptr;
    }
  }
  return kernels.square_planes_fit(esize, k, d, n) ? kernels.square_planes[__builtin_ctz(esize) & 3]
                                                   : nullptr;
}

// Whether a one-shot contract of kernels whose expanded slice holds
// slice_bytes in `rows` rows of taps takes tap rows (ContractKernels::
// tap_rows; the measurements at TapRowsPay in lib/driver.cc): at least
// kTapRowBytes a row past kTapRowPlaneBytes (more than the vector loop of
// small kernels holds), or at least kTapRowWideBytes a row.
constexpr uint64_t kTapRowBytes = 80;
constexpr uint64_t kTapRowPlaneBytes = 512;
constexpr uint64_t kTapRowWideBytes = 128;
inline bool SliceTakesTapRows(uint64_t slice_bytes, uint64_t rows) {
  return slice_bytes >= kTapRowWideBytes * rows ||
         (slice_bytes > kTapRowPlaneBytes && slice_bytes >= kTapRowBytes * rows);
}

// One-shot contracts take tap rows from kTapRowsMinBytes of expanded
// tensor; those of dilate_expand_2d's case (a load and a store per tap,
// lib/small.h) only where a row holds kTapRowsSquareMinK taps or more.
constexpr uint64_t kTapRowsMinBytes = 8 * 1024;
constexpr uint64_t kTapRowsSquareMinK = 7;

// Whether a one-shot contract of dilate_expand_2d's case (k x k kernels of
// esize-byte elements, dilation d) of expanded_bytes takes target's tap
// rows rather than that case's loop: k of at least kTapRowsSquareMinK, a
// row's span within the target's vector, and a slice that takes rows
// (SliceTakesTapRows).
inline bool TapRowsBeforeSquare(const Target& target, uint32_t esize, uint64_t k, uint64_t d,
                                uint64_t expanded_bytes) {
  const uint64_t l = (k - 1) * d + 1;
  return expanded_bytes >= kTapRowsMinBytes && k >= kTapRowsSquareMinK &&
         SliceTakesTapRows(l * l * esize, k) && l * esize <= target.contract->tap_row_span(esize);
}

// dst = expand(src). Inputs are validated; `prepared` may be null.
void RunExpand(const Plan& plan, const Target& target, const uint8_t* src, uint8_t* dst,
               const Threading& threading, const Prepared* prepared = nullptr);

// dense = contract(expanded); with verify, returns whether every non-tap
// element is fill (always true without verify).
bool RunContract(const Plan& plan, const Target& target, const uint8_t* expanded, uint8_t* dense,
                 bool verify, const Threading& threading, const Prepared* prepared = nullptr);

// For a plan: whether calls on `side` take tile mode (when its tables fit).
bool TakesTiles(const Plan& plan, const Target& target, TileSide side);

// For a plan, where TakesTiles: builds into *ts the tile tables those calls
// would build for themselves, with tiles as large as the tables allow (they
// are built once, so whole-vector tiles are worth their cost in cache too);
// `pattern` (FillPattern of plan) must outlive ts. False: the tables do not
// fit, and the calls run row mode.
bool PrepareTiles(const Plan& plan, const Target& target, TileSide side, const uint8_t* pattern,
                  TileState* ts);

// For a plan: whether it has fewer kernels (outer slices) than an expand
// tile of whole vectors on `target` needs, so its tiles end in spilled,
// bounded vectors.
bool FewerKernelsThanTile(const Plan& plan, const Target& target);

// For a plan: whether both directions take the small path, so a tap list
// (ListSmallTaps, 16-bit indices into both tensors) can serve them.
bool TakesTapList(const Plan& plan);

}  // namespace dilate

#endif  // DILATE_LIB_DRIVER_H_
