// Enumerates the rows of a planned tensor that hold taps, in dst order
// (which is also src order). Shared by the driver and the tile builder.
#ifndef DILATE_LIB_WALK_H_
#define DILATE_LIB_WALK_H_

#include <stdint.h>

#include "lib/compiler.h"
#include "lib/plan.h"

namespace dilate {

// Calls row(dst_core, src_core, taps) for every row with taps in units
// [u0, u1), in dst order. Offsets are bytes from the tensor starts.
template <class Row>
class RowWalker {
 public:
  RowWalker(const Plan& p, Row& row) : p_(p), row_(row) {}

  // Every row of outer slices [0, m): Walk(0, m * UnitsPerSlice(p)) without
  // the unit bookkeeping (a division and the span logic), for callers that
  // take whole slices (the small paths: one 3x3 kernel).
  void WalkSlices(uint64_t m) {
    for (uint64_t o = 0; o < m; ++o) Block(0, o * p_.dst_outer_stride, o * p_.src_outer_stride);
  }

  void Walk(uint64_t u0, uint64_t u1) {
    if (u0 >= u1) return;
    if (p_.rank == 1) {
      for (uint64_t o = u0; o < u1; ++o) {
        Leaf(p_.axis[0], o * p_.dst_outer_stride, o * p_.src_outer_stride);
      }
      return;
    }
    // Units are (o, y) pairs of outer index and first-axis dst index; step
    // through them without dividing, visiting only the taps of axis 0.
    const Axis& a0 = p_.axis[0];
    uint64_t o = u0 / a0.dst_dim, y = u0 % a0.dst_dim;
    uint64_t left = u1 - u0;
    while (left != 0) {
      const uint64_t span = a0.dst_dim - y < left ? a0.dst_dim - y : left;  // units in slice o
      if (a0.tap_begin < a0.tap_end) {
        // First tap at or after y.
        const int64_t rel = static_cast<int64_t>(y) - a0.lo;
        uint64_t x = rel <= 0 ? 0 : (static_cast<uint64_t>(rel) + a0.dilation - 1) / a0.dilation;
        if (x < a0.tap_begin) x = a0.tap_begin;
        const uint64_t base_dst = o * p_.dst_outer_stride, base_src = o * p_.src_outer_stride;
        for (; x < a0.tap_end; ++x) {
          const uint64_t ty = static_cast<uint64_t>(a0.lo + static_cast<int64_t>(x * a0.dilation));
          if (ty >= y + span) break;
          Block(1, base_dst + ty * a0.dst_stride, base_src + x * a0.src_stride);
        }
      }
      left -= span;
      ++o;
      y = 0;
    }
  }

 private:
  // The taps of innermost axis `a` from (dst, src), if any. Inlined where
  // Block reaches the last axis: the small expand of one 3x3 kernel went
  // from ~360 to ~320 instructions (callgrind) against Block testing it.
  DILATE_ALWAYS_INLINE void Leaf(const Axis& a, uint64_t dst, uint64_t src) {
    if (a.tap_end == a.tap_begin) return;
    row_(dst + a.FirstTapPos() * a.dst_stride, src + a.tap_begin * a.src_stride, a.Taps());
  }

  void Block(uint32_t axis, uint64_t dst, uint64_t src) {
    const Axis& a = p_.axis[axis];
    if (axis + 1 == p_.rank) return Leaf(a, dst, src);
    if (a.tap_end == a.tap_begin) return;
    for (uint64_t x = a.tap_begin; x < a.tap_end; ++x) {
      const uint64_t y = static_cast<uint64_t>(a.lo + static_cast<int64_t>(x * a.dilation));
      Block(axis + 1, dst + y * a.dst_stride, src + x * a.src_stride);
    }
  }

  const Plan& p_;
  Row& row_;
};

// Units of work: one outer index for rank 1, one (outer, first-axis)
// position otherwise; each covers a contiguous part of dst.
inline uint64_t UnitsPerSlice(const Plan& p) { return p.rank == 1 ? 1 : p.axis[0].dst_dim; }

// Calls row(dst_core, src_core, taps) for every row of taps of outer slices
// [0, m), in dst order. Ranks 1 and 2 (most kernels after normalisation)
// loop here, where the caller's state stays in registers from row to row; a
// RowWalker call per row cost more than the row (tile tables, K3 D2 f32: 48
// rows of 3 taps per tile; the small expand of one 3x3 kernel: ~120 of ~290
// instructions, callgrind).
template <class Row>
DILATE_ALWAYS_INLINE void WalkSliceRows(const Plan& p, uint64_t m, Row& row) {
  const Axis& last = p.axis[p.rank - 1];
  if (p.rank > 3) {
    RowWalker<Row>(p, row).WalkSlices(m);
    return;
  }
  const uint64_t taps = last.Taps();
  if (taps == 0) return;
  const uint64_t d1 = last.FirstTapPos() * last.dst_stride, s1 = last.tap_begin * last.src_stride;
  if (p.rank == 1) {
    for (uint64_t o = 0; o < m; ++o)
      row(o * p.dst_outer_stride + d1, o * p.src_outer_stride + s1, taps);
    return;
  }
  // Rank 2 and 3 (3-D kernels: a RowWalker call per row was a quarter of a
  // one-shot 3-D K3 D2 f32 expand of 2 KB), the middle axis of rank 3 as
  // one plane of a single row where there is none.
  const Axis& a0 = p.axis[0];
  const bool three = p.rank == 3;
  const Axis& a1 = p.axis[three ? 1 : 0];
  const uint64_t rows = a0.Taps(), planes = three ? rows : 1, plane_rows = three ? a1.Taps() : rows;
  if (rows == 0 || plane_rows == 0) return;
  uint64_t d0 = d1 + a0.FirstTapPos() * a0.dst_stride, s0 = s1 + a0.tap_begin * a0.src_stride;
  if (three) {
    d0 += a1.FirstTapPos() * a1.dst_stride;
    s0 += a1.tap_begin * a1.src_stride;
  }
  const uint64_t dz = a0.dilation * a0.dst_stride, sz = a0.src_stride;  // (unused at rank 2)
  const uint64_t dy = a1.dilation * a1.dst_stride, sy = a1.src_stride;
  for (uint64_t o = 0; o < m; ++o) {
    uint64_t dp = o * p.dst_outer_stride + d0, sp = o * p.src_outer_stride + s0;
    for (uint64_t z = 0; z < planes; ++z, dp += dz, sp += sz) {
      uint64_t d = dp, s = sp;
      for (uint64_t y = 0; y < plane_rows; ++y, d += dy, s += sy) row(d, s, taps);
    }
  }
}

}  // namespace dilate

#endif  // DILATE_LIB_WALK_H_
