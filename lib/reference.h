// The oracle: expand and contract written straight from the formula in
// include/dilate/dilate.h, one element at a time, with no planning, no
// normalisation and no SIMD. Every test compares the library with this.
// It trusts its input (validate first) and is deliberately slow.
#ifndef DILATE_LIB_REFERENCE_H_
#define DILATE_LIB_REFERENCE_H_

#include <stdint.h>
#include <string.h>

#include "dilate/dilate.h"

namespace dilate_ref {

// Wide enough for any sum of the description's 64-bit values, so the oracle
// has no overflow of its own (it is only run on descriptions the library
// accepted, whose dst dims fit int64).
using Wide = __int128;

// p_i = lo_i + s_i + (s_i - 1)(d_i - 1) + hi_i, the middle term 0 if s_i = 0.
inline int64_t DstDim(const dilate_desc& desc, uint32_t i) {
  const Wide s = desc.src_dims[i];
  const Wide d = desc.dilation[i];
  const Wide core = s == 0 ? 0 : s + (s - 1) * (d - 1);
  return static_cast<int64_t>(desc.pad_lo[i] + core + desc.pad_hi[i]);
}

// For dst coordinate y on axis i: the src coordinate whose tap lands there,
// or -1 when y is a hole or padding.
inline int64_t SrcCoord(const dilate_desc& desc, uint32_t i, int64_t y) {
  const Wide d = desc.dilation[i];
  const Wide rel = static_cast<Wide>(y) - desc.pad_lo[i];
  if (rel < 0 || rel % d != 0) return -1;
  const Wide x = rel / d;
  return x < static_cast<Wide>(desc.src_dims[i]) ? static_cast<int64_t>(x) : -1;
}

// Walks every element of the dst-shaped tensor in row-major order and calls
// visit(dst_element_index, src_element_index or -1).
template <class Visit>
void ForEachDstElement(const dilate_desc& desc, Visit visit) {
  const uint32_t rank = desc.rank;
  if (desc.outer == 0 || desc.inner == 0) return;  // no elements (extents may be huge)
  int64_t dst_dims[DILATE_MAX_RANK];
  Wide wide_dst = 1, wide_src = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    dst_dims[i] = DstDim(desc, i);
    wide_dst *= dst_dims[i];
  }
  if (wide_dst == 0) return;  // then src extents may be anything
  for (uint32_t i = 0; i < rank; ++i) wide_src *= static_cast<Wide>(desc.src_dims[i]);
  const int64_t spatial_dst = static_cast<int64_t>(wide_dst);
  const int64_t spatial_src = static_cast<int64_t>(wide_src);
  const int64_t inner = static_cast<int64_t>(desc.inner);
  for (int64_t o = 0; o < static_cast<int64_t>(desc.outer); ++o) {
    for (int64_t flat = 0; flat < spatial_dst; ++flat) {
      // Decompose flat into dst coordinates, last axis fastest.
      int64_t rem = flat, src_flat = 0, src_stride = 1;
      bool tap = true;
      for (uint32_t i = rank; i-- > 0;) {
        const int64_t y = rem % dst_dims[i];
        rem /= dst_dims[i];
        const int64_t x = SrcCoord(desc, i, y);
        if (x < 0) tap = false;
        src_flat += x * src_stride;
        src_stride *= static_cast<int64_t>(desc.src_dims[i]);
      }
      for (int64_t c = 0; c < inner; ++c) {
        const int64_t dst_index = (o * spatial_dst + flat) * inner + c;
        const int64_t src_index = tap ? (o * spatial_src + src_flat) * inner + c : -1;
        visit(dst_index, src_index);
      }
    }
  }
}

inline void Expand(const dilate_desc& desc, const void* src, void* dst) {
  const size_t e = dilate_dtype_size(desc.dtype);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  uint8_t* d = static_cast<uint8_t*>(dst);
  ForEachDstElement(desc, [&](int64_t di, int64_t si) {
    memcpy(d + di * e, si >= 0 ? s + si * e : desc.fill, e);
  });
}

// Returns true when every non-tap element equals the fill value. Dense
// elements without a tap (cropped away) are zero.
inline bool Contract(const dilate_desc& desc, const void* expanded, void* dense,
                     size_t dense_bytes) {
  const size_t e = dilate_dtype_size(desc.dtype);
  const uint8_t* x = static_cast<const uint8_t*>(expanded);
  uint8_t* d = static_cast<uint8_t*>(dense);
  if (dense_bytes != 0) memset(d, 0, dense_bytes);  // d may be null when empty
  bool holes_ok = true;
  ForEachDstElement(desc, [&](int64_t di, int64_t si) {
    if (si >= 0) {
      memcpy(d + si * e, x + di * e, e);
    } else if (memcmp(x + di * e, desc.fill, e) != 0) {
      holes_ok = false;
    }
  });
  return holes_ok;
}

}  // namespace dilate_ref

#endif  // DILATE_LIB_REFERENCE_H_
