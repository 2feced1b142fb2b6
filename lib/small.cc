// Scalar walk for small tensors (see small.h). Elements move as unsigned
// integers of the element size; memcpy keeps unaligned access defined.
#include "lib/small.h"

#include <string.h>

#include "hwy/base.h"
#include "lib/targets.h"
#include "lib/walk.h"

namespace dilate {
namespace {

// f(T{}) with T the unsigned integer of `elem_size` bytes (1, 2, 4, else 8).
template <class F>
DILATE_ALWAYS_INLINE auto ByElemSize(uint32_t elem_size, F f) {
  switch (elem_size) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    default:
      return f(uint64_t{});
  }
}

template <typename T>
DILATE_ALWAYS_INLINE T LoadAt(const uint8_t* base, uint64_t i) {
  T v;
  memcpy(&v, base + i * sizeof(T), sizeof(T));
  return v;
}

template <typename T>
DILATE_ALWAYS_INLINE void StoreAt(uint8_t* base, uint64_t i, T v) {
  memcpy(base + i * sizeof(T), &v, sizeof(T));
}

// One row's taps: `taps` groups of g elements from src, every `step`
// elements in dst. Restrict-qualified, and called with values rather than
// through a by-reference lambda: with the byte stores free to alias its
// captures, GCC reloaded every one of them for every tap.
template <typename T>
DILATE_ALWAYS_INLINE void PutRow(uint8_t* DILATE_RESTRICT dst, const uint8_t* DILATE_RESTRICT src,
                                 uint64_t taps, uint64_t step, uint64_t g) {
  if (g == 1) {
    for (uint64_t t = 0; t < taps; ++t) StoreAt(dst, t * step, LoadAt<T>(src, t));
    return;
  }
  for (uint64_t t = 0; t < taps; ++t) {
    for (uint64_t w = 0; w < g; ++w) StoreAt(dst, t * step + w, LoadAt<T>(src, t * g + w));
  }
}

// dst = the fill; memset when it is one repeated byte, as zero is.
template <typename T>
DILATE_ALWAYS_INLINE void FillSmall(const Plan& p, uint8_t* dst) {
  bool one_byte = true;
  for (size_t i = 1; i < sizeof(T); ++i) one_byte &= p.fill8[i] == p.fill8[0];
  if (one_byte) {
    memset(dst, p.fill8[0], p.dst_bytes);
    return;
  }
  T fill;
  memcpy(&fill, p.fill8, sizeof(T));
  const uint64_t n = p.dst_bytes / sizeof(T);
  for (uint64_t i = 0; i < n; ++i) StoreAt(dst, i, fill);
}

// dst is at most a few KiB here: fill all of it (memset when the fill is one
// repeated byte, as zero is), then store the taps over it. Writing the tap
// positions twice costs less in L1 than interleaving fill runs with taps
// (measured: the small call, K3 D2 f32 N=1, went from 84 to 66-69 ns).
template <typename T>
void ExpandSmallT(const Plan& p, const uint8_t* src, uint8_t* dst) {
  FillSmall<T>(p, dst);
  const uint64_t g = p.group / sizeof(T);
  const Axis& r = p.axis[p.rank - 1];
  const uint64_t step = r.dilation * g;
  if (r.tap_end == r.tap_begin) return;
  // PutRow's single-element loop chosen once, not per row.
  if (g == 1) {
    auto row = [=](uint64_t core, uint64_t from, uint64_t n)
                   DILATE_INLINE_LAMBDA { PutRow<T>(dst + core, src + from, n, step, 1); };
    WalkSliceRows(p, p.outer, row);
  } else {
    auto row = [=](uint64_t core, uint64_t from, uint64_t n)
                   DILATE_INLINE_LAMBDA { PutRow<T>(dst + core, src + from, n, step, g); };
    WalkSliceRows(p, p.outer, row);
  }
}

// PutRow's inverse: `taps` groups of g elements to dense from every `step`
// elements of expanded.
template <typename T>
DILATE_ALWAYS_INLINE void GetRow(uint8_t* DILATE_RESTRICT dense,
                                 const uint8_t* DILATE_RESTRICT expanded, uint64_t taps,
                                 uint64_t step, uint64_t g) {
  if (g == 1) {
    for (uint64_t t = 0; t < taps; ++t) StoreAt(dense, t, LoadAt<T>(expanded, t * step));
    return;
  }
  for (uint64_t t = 0; t < taps; ++t) {
    for (uint64_t w = 0; w < g; ++w) StoreAt(dense, t * g + w, LoadAt<T>(expanded, t * step + w));
  }
}

// Without the hole check: each row by GetRow (restrict pointers and values,
// as in PutRow), dense elements whose taps are cropped away zeroed between
// rows. (Element stores through the checking walk's captures ran inner 16
// f32 at 3.2 / 8 / 16 KB at 2.8-5.6x this loop's time.)
template <typename T>
void ContractTapsT(const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  const uint64_t g = p.group / sizeof(T);
  const uint64_t step = p.axis[p.rank - 1].dilation * g;
  uint64_t zero_from = 0;  // bytes of dense
  auto row = [&](uint64_t core, uint64_t to, uint64_t taps) DILATE_INLINE_LAMBDA {
    if (to > zero_from) memset(dense + zero_from, 0, to - zero_from);
    GetRow<T>(dense + to, expanded + core, taps, step, g);
    zero_from = to + taps * p.group;
  };
  if (p.dst_bytes != 0) WalkSliceRows(p, p.outer, row);
  if (p.src_bytes > zero_from) memset(dense + zero_from, 0, p.src_bytes - zero_from);
}

template <typename T>
bool ContractSmallT(const Plan& p, const uint8_t* expanded, uint8_t* dense, bool verify) {
  if (!verify) {
    ContractTapsT<T>(p, expanded, dense);
    return true;
  }
  T fill;
  memcpy(&fill, p.fill8, sizeof(T));
  const uint64_t g = p.group / sizeof(T);
  const uint64_t dil = p.axis[p.rank - 1].dilation;
  uint64_t check_from = 0, zero_from = 0;  // elements of expanded, dense
  bool ok = true;
  auto check_to = [&](uint64_t end) {
    if (!verify) return;
    for (uint64_t i = check_from; i < end; ++i) ok &= LoadAt<T>(expanded, i) == fill;
  };
  auto zero_to = [&](uint64_t end) {
    for (uint64_t i = zero_from; i < end; ++i) StoreAt(dense, i, T{0});
  };
  auto row = [&](uint64_t core, uint64_t to, uint64_t taps) DILATE_INLINE_LAMBDA {
    const uint64_t c = core / sizeof(T), d = to / sizeof(T);
    check_to(c);
    zero_to(d);
    for (uint64_t t = 0; t < taps; ++t) {
      for (uint64_t w = 0; w < g; ++w) {
        StoreAt(dense, d + t * g + w, LoadAt<T>(expanded, c + t * dil * g + w));
      }
      if (verify && t + 1 < taps) {
        check_from = c + t * dil * g + g;
        check_to(c + (t + 1) * dil * g);
      }
    }
    check_from = c + (taps - 1) * dil * g + g;
    zero_from = d + taps * g;
  };
  if (p.dst_bytes != 0) WalkSliceRows(p, p.outer, row);
  check_to(p.dst_bytes / sizeof(T));
  zero_to(p.src_bytes / sizeof(T));
  return ok;
}

template <typename T>
void ExpandListedT(const Plan& p, const uint16_t* DILATE_RESTRICT pairs, uint32_t n,
                   const uint8_t* DILATE_RESTRICT src, uint8_t* DILATE_RESTRICT dst) {
  FillSmall<T>(p, dst);
  for (uint32_t i = 0; i < n; ++i) StoreAt(dst, pairs[2 * i], LoadAt<T>(src, pairs[2 * i + 1]));
}

template <typename T>
void ContractListedT(const Plan& p, const uint16_t* DILATE_RESTRICT pairs, uint32_t n,
                     const uint8_t* DILATE_RESTRICT expanded, uint8_t* DILATE_RESTRICT dense) {
  // src elements whose taps are cropped away are zero.
  if (n != p.src_bytes / sizeof(T)) memset(dense, 0, p.src_bytes);
  for (uint32_t i = 0; i < n; ++i) {
    StoreAt(dense, pairs[2 * i + 1], LoadAt<T>(expanded, pairs[2 * i]));
  }
}

// Zero dst, then one store per tap: with K, D and N known only at run time
// this is the loop a caller would write inline. (An inline 16-byte store
// loop instead of memset measured 10 ns a call against 8.8.)
template <typename T>
dilate_status ExpandSquareSmallT(uint64_t n, uint64_t k, uint64_t d,
                                 const uint8_t* DILATE_RESTRICT src, uint8_t* DILATE_RESTRICT dst) {
  const uint64_t l = (k - 1) * d + 1;
  memset(dst, 0, n * l * l * sizeof(T));
  const uint64_t row = d * l;  // elements from one tap row to the next
  uint64_t in = 0;
  for (uint64_t o = 0; o < n; ++o) {
    uint8_t* out = dst + o * l * l * sizeof(T);
    for (uint64_t y = 0; y < k; ++y, in += k) {
      for (uint64_t x = 0; x < k; ++x) StoreAt(out, y * row + x * d, LoadAt<T>(src, in + x));
    }
  }
  return DILATE_OK;
}

// dst[0, bytes) = 0 for bytes >= 4 (at most 16 KiB: kSmallBytes, or
// kSquareStores for one-shot expands), inline: up to 128 bytes
// as overlapping 16-byte stores from both ends (no loop), beyond that a loop.
// No call, so ExpandSquareSmallK keeps its values in scratch registers: the
// small call 6.1 -> 5.9 ns against memset (alternate runs of one binary).
DILATE_ALWAYS_INLINE void ZeroSmall(uint8_t* dst, uint64_t bytes) {
  struct Block {
    uint64_t a, b;
  };
  const Block z{0, 0};
  const auto at = [&](uint64_t i) { memcpy(dst + i, &z, 16); };
  if (bytes >= 32) {
    if (bytes > 128) {
      for (uint64_t i = 0; i + 64 < bytes; i += 64) {
        __asm__("" : "+r"(dst));  // not a memset call
        at(i);
        at(i + 16);
        at(i + 32);
        at(i + 48);
      }
      at(bytes - 64);
      at(bytes - 48);
    } else if (bytes > 64) {
      at(32);
      at(48);
      at(bytes - 64);
      at(bytes - 48);
    }
    at(0);
    at(16);
    at(bytes - 32);
    at(bytes - 16);
  } else if (bytes >= 16) {
    at(0);
    at(bytes - 16);
  } else if (bytes >= 8) {
    memcpy(dst, &z, 8);
    memcpy(dst + bytes - 8, &z, 8);
  } else {
    memcpy(dst, &z, 4);
    memcpy(dst + bytes - 4, &z, 4);
  }
}

// The same for one kernel size K known at compile time: a kernel's K * K
// taps are straight-line loads and stores at run-time offsets, as in the
// loop a caller writes for a fixed kernel size (the small call, K3 D2 f32
// N=1: the loops over y and x were ~80 of its ~175 instructions; with this
// and dilate_expand_2d's tail jump, 9.2 -> 5.9 ns).
template <typename T, uint64_t K>
DILATE_ALWAYS_INLINE void ExpandSquareK(uint64_t n, uint64_t d, const uint8_t* DILATE_RESTRICT src,
                                        uint8_t* DILATE_RESTRICT dst) {
  const uint64_t l = (K - 1) * d + 1;
  const uint64_t plane = l * l * sizeof(T), row = d * l * sizeof(T), step = d * sizeof(T);
  // (A 1 x 1 kernel has no holes: its dst is its src. Otherwise L >= 2, and
  // dst at least 4 bytes.)
  if (K > 1) ZeroSmall(dst, n * plane);
  for (uint64_t o = 0; o < n; ++o, src += K * K * sizeof(T), dst += plane) {
    uint8_t* r = dst;
#pragma GCC unroll 8
    for (uint64_t y = 0; y < K; ++y, r += row) {
      uint8_t* c = r;
#pragma GCC unroll 8
      for (uint64_t x = 0; x < K; ++x, c += step) {
        const T v = LoadAt<T>(src, y * K + x);
        memcpy(c, &v, sizeof(T));
      }
    }
  }
}

template <typename T, uint64_t K>
dilate_status ExpandSquareSmallK(uint64_t n, uint64_t, uint64_t d,
                                 const uint8_t* DILATE_RESTRICT src, uint8_t* DILATE_RESTRICT dst) {
  ExpandSquareK<T, K>(n, d, src, dst);
  return DILATE_OK;
}

// dilate_expand_2d's case backwards (a contract without verify): one load
// and one store per tap, the holes unread. K known at compile time (K = 0:
// the run-time k). Returns DILATE_OK (a SquareSmallFn, lib/small.h).
template <typename T, uint64_t K>
dilate_status ContractSquareK(uint64_t n, uint64_t k, uint64_t d,
                              const uint8_t* DILATE_RESTRICT expanded,
                              uint8_t* DILATE_RESTRICT dense) {
  if (K != 0) k = K;
  const uint64_t l = (k - 1) * d + 1;
  const uint64_t plane = l * l, row = d * l;  // elements
  for (uint64_t o = 0; o < n; ++o, dense += k * k * sizeof(T), expanded += plane * sizeof(T)) {
#pragma GCC unroll 8
    for (uint64_t y = 0; y < k; ++y) {
#pragma GCC unroll 8
      for (uint64_t x = 0; x < k; ++x) {
        StoreAt(dense, y * k + x, LoadAt<T>(expanded, y * row + x * d));
      }
    }
  }
  return DILATE_OK;
}

// Whether n kernels of dilate_expand_2d's case (T, K, dilation d), in
// bytes from `in` to out_avail bytes from `out` (in src or expanded, out
// dst or dense as kContract says), are its small call with every argument
// plainly valid: 1 <= n, d <= kSmallBytes (so no product overflows), the
// expanded tensor at most kSmallBytes, both within their buffers, non-null
// and apart, and a target active. One branch per check: as (in && out), GCC
// set flags in two more registers.
template <typename T, uint64_t K, bool kContract>
DILATE_ALWAYS_INLINE bool SmallCallValid(uint64_t n, uint64_t d, const void* in, uint64_t in_avail,
                                         const void* out, uint64_t out_avail) {
  const uint64_t l = (K - 1) * d + 1;
  const uint64_t expanded = n * l * l * sizeof(T), dense = n * K * K * sizeof(T);
  const uint64_t expanded_avail = kContract ? in_avail : out_avail;
  const uint64_t dense_avail = kContract ? out_avail : in_avail;
  if (((n - 1) | (d - 1)) >= kSmallBytes ||
      expanded > (expanded_avail < kSmallBytes ? expanded_avail : kSmallBytes) ||
      dense > dense_avail) {
    return false;
  }
  if (in == nullptr) return false;
  if (out == nullptr) return false;
  const uintptr_t i = reinterpret_cast<uintptr_t>(in), o = reinterpret_cast<uintptr_t>(out);
  const uint64_t in_size = kContract ? expanded : dense, out_size = kContract ? dense : expanded;
  if (i + in_size > o && o + out_size > i) return false;
  return g_active.load(std::memory_order_acquire) != nullptr;
}

// kSmallDesc's function for T, K and the direction: in and out are src
// and dst (expand) or expanded and dense (contract).
template <typename T, uint64_t K, bool kContract>
dilate_status SmallDesc(const dilate_desc* desc, const void* in, size_t in_bytes, void* out,
                        size_t out_bytes) {
  if (!SmallCallValid<T, K, kContract>(desc->outer, desc->dilation[0], in, in_bytes, out,
                                       out_bytes)) {
    return kContract ? ContractGeneral(desc, in, in_bytes, out, out_bytes, nullptr)
                     : ExpandGeneral(desc, in, in_bytes, out, out_bytes, nullptr);
  }
  // n and d read again: nothing kept through the checks, which keep every
  // argument for the general path (GCC saved three registers on the stack).
  __asm__("" : "+r"(desc));
  const auto* from = static_cast<const uint8_t*>(in);
  auto* to = static_cast<uint8_t*>(out);
  if (kContract) {
    ContractSquareK<T, K>(desc->outer, K, desc->dilation[0], from, to);
  } else {
    ExpandSquareK<T, K>(desc->outer, desc->dilation[0], from, to);
  }
  return DILATE_OK;
}

// kExpand2dSmall's function for T and K.
template <typename T, uint64_t K>
dilate_status Expand2dSmall(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d, const void* src,
                            void* dst) {
  if (!SmallCallValid<T, K, false>(n, d, src, UINT64_MAX, dst, UINT64_MAX)) {
    return Expand2dGeneral(dtype, n, k, d, src, dst);
  }
  ExpandSquareK<T, K>(n, d, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
  return DILATE_OK;
}

}  // namespace

bool IsSquare(const Plan& p) { return p.group == p.elem_size && SquareAxes(p); }

bool SquareAxes(const Plan& p) {
  if (p.rank != 2) return false;
  const Axis &y = p.axis[0], &x = p.axis[1];
  const uint64_t k = x.src_dim, d = x.dilation;
  return k != 0 && y.src_dim == k && y.dilation == d && y.lo == 0 && x.lo == 0 &&
         x.dst_dim == (k - 1) * d + 1 && y.dst_dim == x.dst_dim;
}

// [log2 elem_size][k < kSquareFixedK ? k : 0], as kExpandSquareSmall.
// clang-format off
#define DILATE_CONTRACT_SQUARE_ROW(T)                                        \
  {ContractSquareK<T, 0>, ContractSquareK<T, 1>, ContractSquareK<T, 2>,      \
   ContractSquareK<T, 3>, ContractSquareK<T, 4>, ContractSquareK<T, 5>,      \
   ContractSquareK<T, 6>, ContractSquareK<T, 7>}
// clang-format on
const SquareSmallFn kContractSquareSmall[4][kSquareFixedK] = {
    DILATE_CONTRACT_SQUARE_ROW(uint8_t), DILATE_CONTRACT_SQUARE_ROW(uint16_t),
    DILATE_CONTRACT_SQUARE_ROW(uint32_t), DILATE_CONTRACT_SQUARE_ROW(uint64_t)};
#undef DILATE_CONTRACT_SQUARE_ROW

// Entry 0 of each row: the run-time loop, for k >= kSquareFixedK.
// clang-format off
#define DILATE_SQUARE_ROW(T)                                                     \
  {ExpandSquareSmallT<T>,    ExpandSquareSmallK<T, 1>, ExpandSquareSmallK<T, 2>, \
   ExpandSquareSmallK<T, 3>, ExpandSquareSmallK<T, 4>, ExpandSquareSmallK<T, 5>, \
   ExpandSquareSmallK<T, 6>, ExpandSquareSmallK<T, 7>}
// clang-format on
const SquareSmallFn kExpandSquareSmall[4][kSquareFixedK] = {
    DILATE_SQUARE_ROW(uint8_t), DILATE_SQUARE_ROW(uint16_t), DILATE_SQUARE_ROW(uint32_t),
    DILATE_SQUARE_ROW(uint64_t)};
#undef DILATE_SQUARE_ROW

// The unsigned integer of a dtype's element size.
template <uint32_t kDtype>
using DtypeUInt = hwy::UnsignedFromSize<DtypeSize(kDtype)>;
static_assert(kSmallDescTypes == DILATE_DTYPE_F64, "a row of the small calls per dtype");

// Rows by dtype 1 .. kSmallDescTypes, entries by k 1 .. 7. (Each row's last
// entry, k = kSquareFixedK, is never taken: a shift indexes a row.)
// clang-format off
#define DILATE_SMALL_ROW(F, DT, ...)                                                  \
  {F<DtypeUInt<DT>, 1, ##__VA_ARGS__>, F<DtypeUInt<DT>, 2, ##__VA_ARGS__>,           \
   F<DtypeUInt<DT>, 3, ##__VA_ARGS__>, F<DtypeUInt<DT>, 4, ##__VA_ARGS__>,           \
   F<DtypeUInt<DT>, 5, ##__VA_ARGS__>, F<DtypeUInt<DT>, 6, ##__VA_ARGS__>,           \
   F<DtypeUInt<DT>, 7, ##__VA_ARGS__>, nullptr}
#define DILATE_SMALL_TABLE(F, ...)                                                  \
  {DILATE_SMALL_ROW(F, 1, ##__VA_ARGS__),  DILATE_SMALL_ROW(F, 2, ##__VA_ARGS__),   \
   DILATE_SMALL_ROW(F, 3, ##__VA_ARGS__),  DILATE_SMALL_ROW(F, 4, ##__VA_ARGS__),   \
   DILATE_SMALL_ROW(F, 5, ##__VA_ARGS__),  DILATE_SMALL_ROW(F, 6, ##__VA_ARGS__),   \
   DILATE_SMALL_ROW(F, 7, ##__VA_ARGS__),  DILATE_SMALL_ROW(F, 8, ##__VA_ARGS__),   \
   DILATE_SMALL_ROW(F, 9, ##__VA_ARGS__),  DILATE_SMALL_ROW(F, 10, ##__VA_ARGS__),  \
   DILATE_SMALL_ROW(F, 11, ##__VA_ARGS__), DILATE_SMALL_ROW(F, 12, ##__VA_ARGS__)}
// clang-format on
const SmallDescFn kSmallDesc[2][kSmallDescTypes][kSquareFixedK] = {
    DILATE_SMALL_TABLE(SmallDesc, false), DILATE_SMALL_TABLE(SmallDesc, true)};
const Expand2dSmallFn kExpand2dSmall[kSmallDescTypes][kSquareFixedK] =
    DILATE_SMALL_TABLE(Expand2dSmall);
#undef DILATE_SMALL_TABLE
#undef DILATE_SMALL_ROW

SquareSmallFn ExpandSquareFnFor(const Plan& p) {
  uint64_t fill;
  memcpy(&fill, p.fill8, 8);
  const uint64_t k = p.axis[p.rank - 1].src_dim;
  if (k >= kSquareFixedK || fill != 0 || !IsSquare(p)) return nullptr;
  return ExpandSquareSmallFor(p.elem_size, k);
}

bool ExpandIfSquare(const Plan& p, const uint8_t* src, uint8_t* dst) {
  const SquareSmallFn fn = ExpandSquareFnFor(p);
  if (fn == nullptr) return false;
  fn(p.outer, p.axis[1].src_dim, p.axis[1].dilation, src, dst);
  return true;
}

SquareSmallFn ContractSquareFnFor(const Plan& p) {
  return IsSquare(p) ? ContractSquareSmallFor(p.elem_size, p.axis[1].src_dim) : nullptr;
}

bool ContractIfSquare(const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  const SquareSmallFn fn = ContractSquareFnFor(p);
  if (fn == nullptr) return false;
  fn(p.outer, p.axis[1].src_dim, p.axis[1].dilation, expanded, dense);
  return true;
}

uint32_t ListSmallTaps(const Plan& p, uint16_t* pairs) {
  const uint64_t e = p.elem_size, g = p.group / e;
  const uint64_t step = p.axis[p.rank - 1].dilation * g;
  uint32_t n = 0;
  auto row = [&](uint64_t core, uint64_t from, uint64_t taps) {
    for (uint64_t t = 0; t < taps; ++t) {
      for (uint64_t w = 0; w < g; ++w, ++n) {
        pairs[2 * n] = static_cast<uint16_t>(core / e + t * step + w);
        pairs[2 * n + 1] = static_cast<uint16_t>(from / e + t * g + w);
      }
    }
  };
  WalkSliceRows(p, p.outer, row);
  return n;
}

void ExpandListed(const Plan& p, const uint16_t* pairs, uint32_t n, const uint8_t* src,
                  uint8_t* dst) {
  ByElemSize(p.elem_size, [&](auto t) { ExpandListedT<decltype(t)>(p, pairs, n, src, dst); });
}

void ContractListed(const Plan& p, const uint16_t* pairs, uint32_t n, const uint8_t* expanded,
                    uint8_t* dense) {
  ByElemSize(p.elem_size,
             [&](auto t) { ContractListedT<decltype(t)>(p, pairs, n, expanded, dense); });
}

void ExpandSmall(const Plan& p, const uint8_t* src, uint8_t* dst) {
  ByElemSize(p.elem_size, [&](auto t) { ExpandSmallT<decltype(t)>(p, src, dst); });
}

bool ContractSmall(const Plan& p, const uint8_t* expanded, uint8_t* dense, bool verify) {
  return ByElemSize(
      p.elem_size, [&](auto t) { return ContractSmallT<decltype(t)>(p, expanded, dense, verify); });
}

}  // namespace dilate
