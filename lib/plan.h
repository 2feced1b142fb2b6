// A validated, normalised description: what every operation works from.
// MakePlan is the only place that checks a dilate_desc; after it succeeds
// every count and byte offset below is known to fit in 64 bits and size_t.
#ifndef DILATE_LIB_PLAN_H_
#define DILATE_LIB_PLAN_H_

#include <stddef.h>
#include <stdint.h>

#include "dilate/dilate.h"

namespace dilate {

// Bytes in a fill pattern (FillPattern): at least two of the widest vector (SVE allows
// 2048-bit vectors) plus one element, so a kernel may load a full vector of
// the fill pattern at any element phase.
constexpr size_t kPatternBytes = 2 * 256 + 64;

// One spatial axis after normalisation. Byte strides are of one step along
// the axis in src and in dst.
struct Axis {
  uint64_t src_dim;     // s
  uint64_t dst_dim;     // p
  uint64_t dilation;    // d
  int64_t lo;           // lo (hi is implied by dst_dim)
  uint64_t tap_begin;   // first src index whose tap lies inside dst
  uint64_t tap_end;     // one past the last such index (== tap_begin: none)
  uint64_t src_stride;  // bytes
  uint64_t dst_stride;  // bytes
  // dst index of the tap of src index tap_begin.
  uint64_t FirstTapPos() const {
    return static_cast<uint64_t>(lo + static_cast<int64_t>(tap_begin * dilation));
  }
  uint64_t Taps() const { return tap_end - tap_begin; }
  // Maps src to dst unchanged: no padding, and no holes (dilation 1 or at
  // most one element).
  bool IsIdentity() const { return lo == 0 && dst_dim == src_dim && (dilation == 1 || src_dim <= 1); }
};

struct Plan {
  uint32_t elem_size;  // bytes per element
  uint32_t rank;       // normalised rank, >= 1
  uint64_t outer;      // leading extent (absorbs trivial leading axes)
  uint64_t group;      // bytes moved as one unit (inner and trivial trailing axes)
  Axis axis[DILATE_MAX_RANK];
  uint64_t src_bytes;         // whole src tensor
  uint64_t dst_bytes;         // whole dst tensor
  uint64_t src_outer_stride;  // bytes per outer index
  uint64_t dst_outer_stride;
  uint8_t fill8[8];  // the fill element repeated to 8 bytes
};

// pattern[i] = fill[i % elem_size] for i < kPatternBytes: what the vector
// kernels load fills from. Built only by the paths that use it.
void FillPattern(const Plan& plan, uint8_t* pattern);

// dilate_dtype_size, inlined into MakePlan.
constexpr uint32_t DtypeSize(uint32_t dtype) {
  switch (dtype) {
    case DILATE_DTYPE_U8:
    case DILATE_DTYPE_I8:
      return 1;
    case DILATE_DTYPE_U16:
    case DILATE_DTYPE_I16:
    case DILATE_DTYPE_F16:
    case DILATE_DTYPE_BF16:
      return 2;
    case DILATE_DTYPE_U32:
    case DILATE_DTYPE_I32:
    case DILATE_DTYPE_F32:
      return 4;
    case DILATE_DTYPE_U64:
    case DILATE_DTYPE_I64:
    case DILATE_DTYPE_F64:
      return 8;
    default:
      return 0;
  }
}

// Validates desc (struct size, flags, dtype, rank, dilation, extents,
// overflow) and, on success, fills *plan and, if non-null, *shape's data
// fields (not its struct_size). After an error *plan may be partly written
// (callers pass a local and return the status).
dilate_status MakePlan(const dilate_desc* desc, Plan* plan, dilate_shape* shape);

}  // namespace dilate

#endif  // DILATE_LIB_PLAN_H_
