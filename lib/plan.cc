// Validation and normalisation of a dilate_desc (see plan.h).
#include "lib/plan.h"

#include <string.h>

#include "lib/compiler.h"

namespace dilate {
namespace {

using u128 = unsigned __int128;
using i128 = __int128;

constexpr uint64_t kU64Max = ~uint64_t{0};
constexpr i128 kI64Max = INT64_MAX;

// A product of factors that notes 64-bit overflow. A zero factor makes the
// product zero however large the others are, and the order of the factors
// does not matter: partial products only grow. No early exits: this runs on
// every call (the small call's profile).
struct CheckedProduct {
  uint64_t value = 1;
  bool overflow = false, zero = false;
  DILATE_ALWAYS_INLINE void Mul(uint64_t f) {
    zero |= f == 0;
    overflow |= __builtin_mul_overflow(value, f, &value);
  }
  // The product, or false when it does not fit 64 bits.
  DILATE_ALWAYS_INLINE bool Get(uint64_t* out) const {
    *out = zero ? 0 : value;
    return zero || !overflow;
  }
};

// The fill element's bytes: false if a byte past the element is not zero;
// otherwise *fill8 is the element repeated over 8 bytes. Multiplying by
// 0x0001...0001 repeats a value in every lane of its width whatever the byte
// order, as storing the value itself would lay it out.
template <typename T>
bool ReadFillAs(const uint8_t* fill, uint8_t* fill8) {
  T v;
  memcpy(&v, fill, sizeof(T));
  uint64_t raw, head = 0;
  memcpy(&raw, fill, 8);
  memcpy(&head, &v, sizeof(T));
  const uint64_t rep = uint64_t{v} * (~uint64_t{0} / static_cast<T>(~T{0}));
  memcpy(fill8, &rep, 8);
  return raw == head;
}

bool ReadFill(const uint8_t* fill, uint32_t elem, uint8_t* fill8) {
  switch (elem) {
    case 1:
      return ReadFillAs<uint8_t>(fill, fill8);
    case 2:
      return ReadFillAs<uint16_t>(fill, fill8);
    case 4:
      return ReadFillAs<uint32_t>(fill, fill8);
    default:
      return ReadFillAs<uint64_t>(fill, fill8);
  }
}

// MakeAxis for any values: 128-bit sums, and divisions for the taps that
// cropping removes.
DILATE_NOINLINE dilate_status MakeAxisWide(uint64_t s, uint64_t d, int64_t lo, int64_t hi,
                                           Axis* a) {
  if (lo == INT64_MIN || hi == INT64_MIN) return DILATE_ERROR_OVERFLOW;
  // The dilated extent (s-1)d+1 < 2^128 fits unsigned 128-bit; past
  // INT64_MAX it is an overflow whatever the padding, and below it every
  // sum that follows fits signed 128-bit.
  const u128 core_u = s == 0 ? 0 : (u128{s} - 1) * d + 1;
  if (core_u > static_cast<u128>(kI64Max)) return DILATE_ERROR_OVERFLOW;
  const i128 core = static_cast<i128>(core_u);
  const i128 p = core + lo + hi;
  if (p < 0) return DILATE_ERROR_NEGATIVE_EXTENT;
  if (p > kI64Max) return DILATE_ERROR_OVERFLOW;
  a->src_dim = s;
  a->dst_dim = static_cast<uint64_t>(p);
  a->dilation = d;
  a->lo = lo;
  // Taps x with 0 <= lo + x d < p and 0 <= x < s.
  // 64-bit divisions (no __int128 division in the per-call path): -lo
  // and last_pos fit in uint64_t once their signs are known.
  const uint64_t first = lo >= 0 ? 0 : (static_cast<uint64_t>(-lo) - 1) / d + 1;
  const i128 last_pos = p - 1 - lo;  // largest x d allowed, < 2^64 - 1
  uint64_t end = last_pos < 0 ? 0 : static_cast<uint64_t>(last_pos) / d + 1;
  if (end > s) end = s;
  a->tap_begin = first < end ? first : 0;
  a->tap_end = first < end ? end : 0;
  return DILATE_OK;
}

// One axis of a description: its extents and the src indices whose taps lie
// inside dst. Runs per axis on every call, so the usual case (extents and
// dilation below 2^31, padding that does not crop) takes 64-bit arithmetic
// and no division: there (s-1)d+1+lo+hi < 2^63, and every tap is inside.
DILATE_ALWAYS_INLINE dilate_status MakeAxis(uint64_t s, uint64_t d, int64_t lo, int64_t hi,
                                            Axis* a) {
  constexpr uint64_t kSmall = uint64_t{1} << 31, kPad = uint64_t{1} << 61;
  if ((s | d) >= kSmall || (static_cast<uint64_t>(lo) | static_cast<uint64_t>(hi)) >= kPad) {
    return MakeAxisWide(s, d, lo, hi, a);  // large, or cropping (negative lo or hi)
  }
  a->src_dim = s;
  a->dst_dim =
      (s == 0 ? 0 : (s - 1) * d + 1) + static_cast<uint64_t>(lo) + static_cast<uint64_t>(hi);
  a->dilation = d;
  a->lo = lo;
  a->tap_begin = 0;
  a->tap_end = s;
  return DILATE_OK;
}

}  // namespace

dilate_status MakePlan(const dilate_desc* desc, Plan* plan, dilate_shape* shape) {
  if (desc == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (desc->struct_size != sizeof(dilate_desc)) return DILATE_ERROR_BAD_STRUCT_SIZE;
  if (desc->flags != 0) return DILATE_ERROR_BAD_FLAGS;
  const uint32_t elem = DtypeSize(desc->dtype);
  if (elem == 0) return DILATE_ERROR_BAD_DTYPE;
  const uint32_t rank = desc->rank;
  if (rank == 0 || rank > DILATE_MAX_RANK) return DILATE_ERROR_BAD_RANK;
  uint8_t fill8[8];
  if (!ReadFill(desc->fill, elem, fill8)) return DILATE_ERROR_BAD_ARGUMENT;

  // The axes are made in the plan itself, where there is one: copied from
  // a local array, as 16-byte loads of 8-byte stores, they waited for the
  // stores to retire (~15% of the samples of a one-shot 4 KB expand).
  Axis local_axes[DILATE_MAX_RANK];
  Axis* const axes = plan != nullptr ? plan->axis : local_axes;
  for (uint32_t i = 0; i < rank; ++i) {
    if (desc->dilation[i] == 0) return DILATE_ERROR_BAD_DILATION;
  }
  CheckedProduct src_product, dst_product;
  for (uint32_t i = 0; i < rank; ++i) {
    const dilate_status st =
        MakeAxis(desc->src_dims[i], desc->dilation[i], desc->pad_lo[i], desc->pad_hi[i], &axes[i]);
    if (st != DILATE_OK) return st;
    src_product.Mul(axes[i].src_dim);
    dst_product.Mul(axes[i].dst_dim);
  }

  // Totals, checked in elements then bytes; byte sizes must also fit size_t.
  src_product.Mul(desc->outer);
  src_product.Mul(desc->inner);
  dst_product.Mul(desc->outer);
  dst_product.Mul(desc->inner);
  const uint64_t byte_limit = SIZE_MAX < kU64Max ? uint64_t{SIZE_MAX} : kU64Max;
  uint64_t src_elems, dst_elems, src_bytes, dst_bytes;
  if (!src_product.Get(&src_elems) || !dst_product.Get(&dst_elems) ||
      __builtin_mul_overflow(src_elems, uint64_t{elem}, &src_bytes) || src_bytes > byte_limit ||
      __builtin_mul_overflow(dst_elems, uint64_t{elem}, &dst_bytes) || dst_bytes > byte_limit) {
    return DILATE_ERROR_OVERFLOW;
  }

  if (shape != nullptr) {
    shape->rank = rank;
    shape->elem_size = elem;
    shape->reserved = 0;
    for (uint32_t i = 0; i < DILATE_MAX_RANK; ++i) {
      shape->dst_dims[i] = i < rank ? axes[i].dst_dim : 0;
    }
    shape->src_elems = src_elems;
    shape->dst_elems = dst_elems;
    shape->src_bytes = src_bytes;
    shape->dst_bytes = dst_bytes;
  }
  if (plan == nullptr) return DILATE_OK;

  // Normalise: identity axes at either end fold into outer / group, so the
  // kernels see the longest contiguous runs the layout allows.
  uint64_t outer = desc->outer;
  uint64_t group_elems = desc->inner;
  uint32_t first = 0, last = rank;
  while (last - first > 1 && axes[last - 1].IsIdentity()) group_elems *= axes[--last].src_dim;
  while (last - first > 1 && axes[first].IsIdentity()) outer *= axes[first++].src_dim;
  // Interior identity axes of extent one carry no information.
  Plan& p = *plan;
  // (Moved down in place: p.axis is axes, and kept <= i.)
  uint32_t kept = 0;
  for (uint32_t i = first; i < last; ++i) {
    if (axes[i].IsIdentity() && axes[i].src_dim == 1) continue;
    if (kept != i) p.axis[kept] = axes[i];
    ++kept;
  }
  if (kept == 0) {
    if (first != 0) p.axis[0] = axes[first];
    kept = 1;
  }
  p.rank = kept;
  p.elem_size = elem;
  p.outer = outer;
  p.group = group_elems * elem;  // <= src or dst bytes when both are non-zero
  p.src_bytes = src_bytes;
  p.dst_bytes = dst_bytes;
  if (src_bytes != 0 || dst_bytes != 0) {
    // Strides are sub-products of a non-zero total on the side they serve;
    // on a zero-sized side they are never used but must not trap.
    uint64_t ss = p.group, ds = p.group;
    for (uint32_t i = p.rank; i-- > 0;) {
      p.axis[i].src_stride = ss;
      p.axis[i].dst_stride = ds;
      ss *= p.axis[i].src_dim;
      ds *= p.axis[i].dst_dim;
    }
    p.src_outer_stride = ss;
    p.dst_outer_stride = ds;
  } else {
    for (uint32_t i = 0; i < p.rank; ++i) p.axis[i].src_stride = p.axis[i].dst_stride = 0;
    p.src_outer_stride = p.dst_outer_stride = 0;
  }
  memcpy(p.fill8, fill8, 8);
  return DILATE_OK;
}

void FillPattern(const Plan& plan, uint8_t* pattern) {
  // One 8-byte value stored kPatternBytes / 8 times, which GCC turns into
  // vector stores. (Doubling memcpys compiled to `rep movsq`, whose start-up
  // took ~2% of a one-shot 256 KiB expand: tools/profile.sh.)
  uint64_t v;
  memcpy(&v, plan.fill8, 8);
  for (size_t i = 0; i < kPatternBytes; i += 8) memcpy(pattern + i, &v, 8);
}

}  // namespace dilate
