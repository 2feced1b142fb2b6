// The expand kernels, once per Highway target. Compiled by
// lib/expand_part0.cc, lib/expand_part1.cc and lib/expand_part2.cc, each for
// its share of the targets (lib/target_parts.h); lib/expand.cc holds the
// dispatch table. Re-included once per target (toggle-guarded).
//
// A row of `taps` groups becomes group, hole, group, hole, ..., group.
//   kModeCopy     dilation 1: one contiguous copy.
//   kModeRuns     groups or holes of at least a vector: copy and fill runs;
//                 where groups are whole vectors (RowState::vector_runs), a
//                 loop of vector copies and fill stores per tap.
//   kModeShuffle  short groups and holes: the output is periodic, so each
//                 output vector is a permutation of one input vector blended
//                 with the fill; the permutations of one period are built
//                 once per call in Prepare.
#if defined(DILATE_LIB_EXPAND_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DILATE_LIB_EXPAND_INL_H_
#undef DILATE_LIB_EXPAND_INL_H_
#else
#define DILATE_LIB_EXPAND_INL_H_
#endif

#include <type_traits>
#include <utility>  // std::index_sequence (ManyPlaneVectors)

#include "hwy/highway.h"
#include "lib/kernels.h"
#include "lib/simd-inl.h"
#include "lib/small.h"
#include "lib/target_parts.h"
#include "lib/walk.h"

#ifndef DILATE_EXPAND_PART
#error "lib/expand-inl.h is compiled by lib/expand_part*.cc, which define DILATE_EXPAND_PART"
#endif
#if DILATE_TARGET_IN_PART(HWY_TARGET, DILATE_EXPAND_PART)

HWY_BEFORE_NAMESPACE();
namespace dilate {
namespace HWY_NAMESPACE {
namespace {

// Builds the expand permutation of one period for lanes of D: output vector
// j of the period reads Lanes(d) input lanes from offset[j] and takes lane
// index[j][k] where mask[j][k] is set, fill elsewhere. Returns false when the
// period does not fit the tables.
template <class D>
bool BuildExpandTables(D d, RowState* st) {
  using T = hn::TFromD<D>;
  const uint64_t N = hn::Lanes(d);
  const uint64_t g = st->group / sizeof(T);
  const uint64_t period_lanes = st->dilation * g;  // output lanes per group
  const uint64_t period = period_lanes / Gcd(N, period_lanes);
  if (period > RowState::kMaxPeriod || period * N * sizeof(T) > RowState::kTableBytes) {
    return false;
  }
  T* index = reinterpret_cast<T*>(st->index);
  T* mask = reinterpret_cast<T*>(st->mask);
  uint64_t prev_offset = 0;
  // Output lane pos = j N + k = q period_lanes + w, stepped: no division
  // per lane (two per lane were 59% of a one-shot 1-D K1000 D2 u8 expand).
  uint64_t q = 0, w = 0;
  for (uint64_t j = 0; j < period; ++j) {
    int64_t first = -1;
    for (uint64_t k = 0; k < N; ++k) {
      if (w < g) {
        const uint64_t src_lane = q * g + w;
        if (first < 0) first = static_cast<int64_t>(src_lane);
        index[j * N + k] = static_cast<T>(src_lane - static_cast<uint64_t>(first));
        mask[j * N + k] = static_cast<T>(~T{0});
      } else {
        index[j * N + k] = 0;
        mask[j * N + k] = 0;
      }
      if (++w == period_lanes) {
        w = 0;
        ++q;
      }
    }
    // A vector without taps reuses the previous offset: offsets stay
    // monotonic, so the bounds checks in ExpandShuffle stay valid.
    st->offset[j] = static_cast<uint32_t>(first < 0 ? prev_offset : static_cast<uint64_t>(first));
    prev_offset = st->offset[j];
  }
  st->lanes = static_cast<uint32_t>(N);
  st->lane_bytes = sizeof(T);
  st->group_lanes = static_cast<uint32_t>(g);
  st->period = static_cast<uint32_t>(period);
  st->advance = period * N / st->dilation;  // input lanes per period
  return true;
}

void Prepare(RowState* st) {
  ChooseRowMode(st, [st](auto d) { return BuildExpandTables(d, st); });
  // Groups of whole vectors (not on SCALAR, whose "vector" is one byte):
  // out of cache, where every run then streams; else groups of under four
  // vectors, too short for CopyRun's unrolled loop. Same-process A/B, f32 at
  // 256 KiB on AVX-512: inner 16 K7 D4 0.83-0.85 of the time; inner 64 and
  // 512 (K3 D2) took 1.04-1.12x by vector runs.
  const size_t N = hn::Lanes(hn::ScalableTag<uint8_t>());
  st->vector_runs = 0;
  if (st->mode == kModeRuns && N >= 16 && st->group % N == 0 && (st->stream || st->group < 4 * N)) {
    st->vector_runs = static_cast<uint32_t>(N);
  }
}

void Fill(uint8_t* dst, uint64_t n, const RowState& st) { FillRun(dst, n, st); }

// One output vector of the shuffle: entry e of the period applied to v.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ShuffleOne(D d, V v, const RowState& st, size_t e, V fill) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const V idx = hn::Load(d, reinterpret_cast<const T*>(st.index) + e * N);
  const auto m = hn::MaskFromVec(hn::Load(d, reinterpret_cast<const T*>(st.mask) + e * N));
  return hn::IfThenElse(m, Permute(d, v, idx), fill);
}

template <class D>
HWY_INLINE void ExpandShuffle(D d, uint8_t* HWY_RESTRICT dst_bytes,
                              const uint8_t* HWY_RESTRICT src_bytes, uint64_t taps,
                              const RowState& st) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  T* HWY_RESTRICT dst = reinterpret_cast<T*>(dst_bytes);
  const T* HWY_RESTRICT src = reinterpret_cast<const T*>(src_bytes);
  const uint64_t g = st.group_lanes;
  const uint64_t out_lanes = ((taps - 1) * st.dilation + 1) * g;
  const uint64_t in_lanes = taps * g;
  const V fill = PatternVec(d, st, 0);
  const size_t period = st.period;

  uint64_t out = 0, base = 0;
  size_t e = 0;
  // Whole output vectors whose input window lies inside the row.
  while (out + N <= out_lanes) {
    const uint64_t at = base + st.offset[e];
    if (at + N > in_lanes) break;
    hn::StoreU(ShuffleOne(d, hn::LoadU(d, src + at), st, e, fill), d, dst + out);
    out += N;
    if (++e == period) {
      e = 0;
      base += st.advance;
    }
  }
  if (out >= out_lanes) return;
  // The end of the row: the remaining input (at most one vector) goes
  // through a bounce buffer, and a partial last vector through StoreBounded,
  // so nothing outside the row is read or written.
  const uint64_t first = base + st.offset[e];
  HWY_ALIGN T in_buf[2 * hn::MaxLanes(D())] = {};
  memcpy(in_buf, src + first, (in_lanes - first) * sizeof(T));
  while (out < out_lanes) {
    const uint64_t at = base + st.offset[e] - first;
    const V r = ShuffleOne(d, hn::LoadU(d, in_buf + at), st, e, fill);
    if (out + N <= out_lanes) {
      hn::StoreU(r, d, dst + out);
    } else {
      StoreBounded(d, r, dst + out, out_lanes - out);
    }
    out += N;
    if (++e == period) {
      e = 0;
      base += st.advance;
    }
  }
}

// Runs mode where groups and holes are whole vectors: per tap, g / N vector
// copies and hole / N stores of the fill, no per-run length and alignment
// cases (CopyRun and FillRun); non-temporal with kStream (dst aligned).
template <bool kStream>
HWY_INLINE void ExpandRowVectors(uint8_t* HWY_RESTRICT dst, const uint8_t* HWY_RESTRICT src,
                                 uint64_t taps, const RowState& st) {
  const hn::ScalableTag<uint8_t> d;
  const size_t N = hn::Lanes(d);
  const uint64_t g = st.group, hole = (st.dilation - 1) * g;
  const size_t gv = static_cast<size_t>(g / N), hv = static_cast<size_t>(hole / N);
  const auto fill = PatternVec(d, st, 0);
  for (uint64_t t = 0;; ++t, src += g) {
    Unrolled4(gv, [&](size_t j) HWY_ATTR DILATE_INLINE_LAMBDA {
      StoreVector<kStream>(d, hn::LoadU(d, src + j * N), dst + j * N);
    });
    dst += g;
    if (t + 1 == taps) return;
    Unrolled4(hv, [&](size_t j) HWY_ATTR DILATE_INLINE_LAMBDA {
      StoreVector<kStream>(d, fill, dst + j * N);
    });
    dst += hole;
  }
}

void ExpandRow(uint8_t* dst, const uint8_t* src, uint64_t taps, const RowState& st) {
  const uint64_t g = st.group;
  if (st.vector_runs != 0) {  // runs mode, groups of whole vectors (Prepare)
    if (!st.stream) return ExpandRowVectors<false>(dst, src, taps, st);
    if (reinterpret_cast<uintptr_t>(dst) % st.vector_runs == 0) {
      return ExpandRowVectors<true>(dst, src, taps, st);
    }
  }
  switch (st.mode) {
    case kModeCopy:
      CopyRun(dst, src, taps * g, st);
      return;
    case kModeShuffle:
      WithShuffleTag(st.lane_bytes, [&](auto d) { ExpandShuffle(d, dst, src, taps, st); });
      return;
    default: {
      const uint64_t hole = (st.dilation - 1) * g;
      for (uint64_t t = 0; t + 1 < taps; ++t) {
        CopyRun(dst, src, g, st);
        FillRun(dst + g, hole, st);
        dst += g + hole;
        src += g;
      }
      CopyRun(dst, src, g, st);
    }
  }
}

// Vector rows (RowState::row_vectors): a tap row whose src fits one vector
// window and whose span is at most kMaxRowVectors vectors is R permutes of
// that window by indices held in registers, stored whole from the row's
// start; the lanes past the row's last tap are fill, which is what follows
// it, or are overwritten by the next row (rows are written in order). The
// fill up to the next row is whole vector stores, the last spilling into
// that row. No tables, no index loads: where tile mode loads an index per
// vector from tables that a whole-vector tile of such kernels makes large
// (K7 D4 f32: 625 vectors), this runs one-shot K7 D4 / K5 D4 f32 at 0.80x
// memset in L2 against 0.56-0.59x (same-process A/B on an Intel Xeon VM;
// lib/driver.cc, TakesVectorRows, says where it is taken). Stores past the
// chunk's end are cut short, and windows at the end of src are masked loads.
constexpr size_t kMaxRowVectors = 4;

// Whether a row of `taps` groups fits vector rows on D (see VectorRows).
template <class D>
bool FitsVectorRows(D d, uint64_t group, uint64_t dilation, uint64_t taps) {
  using T = hn::TFromD<D>;
  const uint64_t N = hn::Lanes(d);
  if (N * sizeof(T) < 16 || taps == 0 || group % sizeof(T) != 0) return false;
  const uint64_t gl = group / sizeof(T);
  if (gl > N || taps > N / gl) return false;  // the row's src in one window
  return ((taps - 1) * dilation + 1) * gl <= kMaxRowVectors * N;
}

// Calls f(d), or f(Half(d)) where `half` and d is a 512-bit shuffle
// descriptor (every lane size WithShuffleTag gives 512 bits permutes across
// a vector): half-width tiles (TileState::half) and vector rows
// (RowState::row_vectors).
template <class D, class F>
HWY_INLINE void WithHalfOf(D d, bool half, F&& f) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  using T = hn::TFromD<D>;
  if constexpr (hn::MaxLanes(D()) * sizeof(T) == 64 && WidePermute(sizeof(T))) {
    if (half) return f(hn::Half<D>());
  }
#endif
  static_cast<void>(half);
  f(d);
}

// Calls f(d) with the descriptor of vector rows of `group` bytes whose
// vectors are vector_bytes wide (RowState::row_vectors): the shuffle
// descriptor, or its half on 512-bit targets (see VectorRows).
template <class F>
HWY_INLINE void WithRowTag(uint64_t group, uint64_t vector_bytes, F&& f) {
  WithShuffleTag(ShuffleLaneBytes(group), [&](auto d) {
    const uint64_t bytes = hn::Lanes(d) * sizeof(hn::TFromD<decltype(d)>);
    WithHalfOf(d, 2 * vector_bytes == bytes, f);
  });
}

// On 512-bit targets, where `half` (HalfWidthRows in lib/driver.cc: not
// on Zen 5), rows of at least half a vector take half-width
// vectors where the row fits four of them: rows of 32-63 bytes (u16 K7 D4:
// 50), whose tiles at full width overflow the tables or are large
// (lib/driver.cc, TakesVectorRows), and longer rows too, which then run as
// aligned rows (f32 K7 D3, 76 bytes: same-process A/B against full-width
// aligned rows, 256 KiB one-shot, 0.92 of the time, K5 D4 0.95, K7 D4
// 0.96-0.98, K11 D3 0.99-1.03). Same-process A/B on an Intel Xeon VM,
// AVX3_DL at 256 KiB against tiles: one-shot u16 K7 D4 / K5 D4 / K11 D2 /
// K3 D8 0.78 / 0.90 / 0.92 / 0.76 of the time (K7 D4 0.59x -> 0.75x
// memset; at 16 / 64 KiB 0.74 / 0.82), u8 K9 D4 / K5 D8 / K11 D4 0.82 / 0.77 / 0.79; plans
// u16 K7 D4 0.92, u8 K9 D4 0.90; u16 K9 D3 even; but u16 K7 D3 one-shot
// 1.06-1.08 (a whole tile of 361 vectors), kept for the rest.
bool VectorRows(uint64_t group, uint64_t dilation, uint64_t taps, bool half,
                uint32_t* vector_bytes) {
  bool fits = false;
  WithShuffleTag(ShuffleLaneBytes(group), [&](auto d) {
    using D = decltype(d);
    using T = hn::TFromD<D>;
    fits = FitsVectorRows(d, group, dilation, taps);
    *vector_bytes = static_cast<uint32_t>(hn::Lanes(d) * sizeof(T));
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    if constexpr (hn::MaxLanes(D()) * sizeof(T) == 64) {
      const uint64_t span = ((taps - 1) * dilation + 1) * group;
      if (half && fits && span >= 32 && FitsVectorRows(hn::Half<D>(), group, dilation, taps)) {
        *vector_bytes = 32;
      }
    }
#else
    static_cast<void>(half);
#endif
  });
  return fits;
}

// Indices of the row vectors: output lane x = i N + k of the row (vector i,
// lane k) takes src lane (t gl + w) where it is lane w of tap t's group,
// else the fill (PermuteOr's mark). Counters, not divisions: 64-bit
// divisions per lane took most of a one-shot 16 KiB call.
template <class D>
HWY_INLINE void RowVectorIndices(D d, size_t vectors, uint64_t gl, uint64_t dilation,
                                 uint64_t span, hn::TFromD<D>* HWY_RESTRICT lanes) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  uint64_t w = 0, phase = 0, src = 0;  // lane in the group, group mod dilation, src lane
  for (size_t x = 0; x < vectors * N; ++x) {
    const size_t k = x % N;  // N is a power of two on every target but SVE's odd sizes
    lanes[x] = x < span && phase == 0 ? static_cast<T>(src) : static_cast<T>(kOtherBit<T> | (N + k));
    if (phase == 0) ++src;
    if (++w == gl) {
      w = 0;
      if (++phase == dilation) phase = 0;
    }
  }
}

// dst[0, n) = fill by whole vectors, where the last may spill past n (the
// caller overwrites or owns what it spills into). Unrolled by a switch: a
// loop whose count varies by kernel ran a vector-rows prototype at 0.55-0.63x
// memset, this at 0.78-0.87x.
template <class D, class V = hn::Vec<D>>
HWY_INLINE void FillVectors(D d, hn::TFromD<D>* HWY_RESTRICT out, size_t vectors, V fill) {
  const size_t N = hn::Lanes(d);
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  // Half-width vectors (aligned rows of 256-bit vectors on a 512-bit
  // target) from an aligned start: the fill as aligned 64-byte stores, half
  // the stores a line, as memset. Same-process A/B on an Intel Xeon VM
  // (tools/ab.sh), one-shot at 256 KiB: f32 K7 D3 0.958-0.963 of the time
  // in five runs, u16 K7 D4 0.968-0.971 in four (1.04-1.06 in two where
  // both sides ran slow), f32 K5 D4 / K7 D4 0.96-1.02 / 0.99-1.02.
  if constexpr (hn::MaxLanes(D()) * sizeof(hn::TFromD<D>) == 32) {
    if (vectors >= 3 && reinterpret_cast<uintptr_t>(out) % 32 == 0) {
      const hn::Twice<D> d2;
      const auto f2 = hn::Combine(d2, fill, fill);
      if (reinterpret_cast<uintptr_t>(out) % 64 != 0) {
        hn::StoreU(fill, d, out);
        out += N;
        --vectors;
      }
      for (; vectors >= 2; vectors -= 2, out += 2 * N) hn::Store(f2, d2, out);
      if (vectors != 0) hn::StoreU(fill, d, out);
      return;
    }
  }
#endif
  for (; vectors > 8; vectors -= 8, out += 8 * N) {
    for (size_t j = 0; j < 8; ++j) hn::StoreU(fill, d, out + j * N);
  }
  switch (vectors) {
    case 8:
      hn::StoreU(fill, d, out + 7 * N);
      [[fallthrough]];
    case 7:
      hn::StoreU(fill, d, out + 6 * N);
      [[fallthrough]];
    case 6:
      hn::StoreU(fill, d, out + 5 * N);
      [[fallthrough]];
    case 5:
      hn::StoreU(fill, d, out + 4 * N);
      [[fallthrough]];
    case 4:
      hn::StoreU(fill, d, out + 3 * N);
      [[fallthrough]];
    case 3:
      hn::StoreU(fill, d, out + 2 * N);
      [[fallthrough]];
    case 2:
      hn::StoreU(fill, d, out + N);
      [[fallthrough]];
    case 1:
      hn::StoreU(fill, d, out);
      [[fallthrough]];
    default:
      break;
  }
}

// R permutes of the row's window w, stored from out (kZero, kNarrow: see
// PermuteWindow in lib/simd-inl.h).
template <size_t R, bool kZero, bool kNarrow, class D, class V = hn::Vec<D>>
HWY_INLINE void StoreRowVectors(D d, hn::TFromD<D>* HWY_RESTRICT out, V w, V i0, V i1, V i2, V i3,
                                V fill) {
  const size_t N = hn::Lanes(d);
  hn::StoreU(PermuteWindow<kZero, kNarrow>(d, w, i0, fill), d, out);
  if (R > 1) hn::StoreU(PermuteWindow<kZero, kNarrow>(d, w, i1, fill), d, out + N);
  if (R > 2) hn::StoreU(PermuteWindow<kZero, kNarrow>(d, w, i2, fill), d, out + 2 * N);
  if (R > 3) hn::StoreU(PermuteWindow<kZero, kNarrow>(d, w, i3, fill), d, out + 3 * N);
}

// The tap rows of `slices` whole slices from out, s (their first tap rows;
// slices slice_lanes and src_slice_lanes apart): each row's vectors, then
// `gap` fill vectors towards the next row of its slice, or after a slice's
// last row `gap_slice` towards the next slice's first (none after the
// last). Values, not captures, and one loop for all slices: GCC kept a
// lambda's captured indices on the stack and reloaded them per row (or per
// slice, after a permute that overwrote them), and loads between this
// loop's stores cost (a prototype: 0.55-0.63x memset with loads per row,
// 0.78-0.87x without).
template <size_t R, bool kZero, bool kNarrow, class D, class V = hn::Vec<D>>
HWY_INLINE void SlicesOfVectorRows(D d, hn::TFromD<D>* HWY_RESTRICT out,
                                   const hn::TFromD<D>* HWY_RESTRICT s, uint64_t slices,
                                   uint64_t tap_rows, size_t slice_lanes, size_t src_slice_lanes,
                                   size_t row_lanes, size_t src_row_lanes, size_t gap,
                                   size_t gap_slice, V i0, V i1, V i2, V i3, V fill) {
  const size_t N = hn::Lanes(d);
  for (uint64_t o = 0;; out += slice_lanes, s += src_slice_lanes) {
    hn::TFromD<D>* HWY_RESTRICT r = out;
    const hn::TFromD<D>* HWY_RESTRICT in = s;
    for (uint64_t x = 1; x < tap_rows; ++x, r += row_lanes, in += src_row_lanes) {
      StoreRowVectors<R, kZero, kNarrow>(d, r, LoadWindow<kNarrow>(d, in), i0, i1, i2, i3, fill);
      FillVectors(d, r + R * N, gap, fill);
    }
    StoreRowVectors<R, kZero, kNarrow>(d, r, LoadWindow<kNarrow>(d, in), i0, i1, i2, i3, fill);
    if (++o == slices) return;
    FillVectors(d, r + R * N, gap_slice, fill);
  }
}

// (Aligned rows take rows at least kMinAlignedRowStep bytes apart: lib/kernels.h.)

// The most whole aligned vectors of N lanes between a row of `span` lanes
// and the next, which starts `distance` lanes after it, each, whatever the
// rows' phase (there is one fewer, or the two share a vector, otherwise).
inline size_t AlignedFills(uint64_t distance, uint64_t span, uint64_t N) {
  return static_cast<size_t>((distance - span + 1 + N - 1) / N - 1);
}

// Aligned vector rows: the tap rows of `slices` whole slices from out, s
// (as SlicesOfVectorRows), written by aligned vectors: a row starting
// `phase` lanes into its aligned vector takes the row's indices shifted by
// phase (one unaligned load from `lanes`, the row's indices after a vector
// of marks), so its vectors, the fill between rows and the vector two rows
// share (a slice's last and the next one's first: blended) are aligned
// stores. Where vector rows stored R vectors from each row's start and
// fill vectors after it, overlapping the next and splitting cache lines
// (f32 K7 D3: 26 stores for a slice's 22.6 vectors, each across two lines).
// Needs whole lanes (dst at a multiple of the lane), a fill the same in
// every lane (a mark picks a lane of the fill, not the one it lands in),
// and row starts at least a vector apart (an aligned vector meets at most
// two rows). Rows inside take no branch on their phase: the fill before a
// row is a fixed count of vectors (fills_in, or fills_slice before a
// slice's first row), the most there can be, the last landing on the row's
// first vector where there is one fewer, which the row then overwrites;
// and a row stores R vectors, then keeps its last (R - 1 or R) pending, as
// the next row may share it. The first row skips the lanes of its first
// vector before out (another writer's: maybe another thread's chunk), the
// last stops at `end`. Returns where the written lanes end.
template <size_t R, bool kZero, bool kNarrow, class D, class V = hn::Vec<D>>
HWY_INLINE hn::TFromD<D>* SlicesOfAlignedRows(
    D d, hn::TFromD<D>* HWY_RESTRICT out, const hn::TFromD<D>* HWY_RESTRICT s, uint64_t slices,
    uint64_t tap_rows, size_t slice_lanes, size_t src_slice_lanes, size_t row_lanes,
    size_t src_row_lanes, size_t span, size_t fills_in, size_t fills_slice,
    const hn::TFromD<D>* HWY_RESTRICT lanes, V fill, hn::TFromD<D>* end) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const uintptr_t vb = N * sizeof(T);
  const auto align = [&](T* p) HWY_ATTR {
    return p - (reinterpret_cast<uintptr_t>(p) % vb) / sizeof(T);
  };
  // Index vector i of a row at `phase`: lanes [i N - phase, (i + 1) N -
  // phase) of the row's indices (marks before and after), loaded from
  // `lanes` at idx + i N; on AVX-512 with 32/64-bit lanes a two-table
  // permute of the index vectors held in registers instead (loads from the
  // stack between dst stores ran 0.91-1.01 of the time of unaligned rows
  // as the stack's place changed, 4K aliasing with the stores maybe).
  const V c0 = hn::LoadU(d, lanes);
  const V c1 = hn::LoadU(d, lanes + N);
  const V c2 = hn::LoadU(d, lanes + 2 * N);
  const V c3 = R > 1 ? hn::LoadU(d, lanes + 3 * N) : c2;
  const V c4 = R > 2 ? hn::LoadU(d, lanes + 4 * N) : c3;
  const V c5 = R > 3 ? hn::LoadU(d, lanes + 5 * N) : c4;
  const V iota_n = hn::Iota(d, static_cast<T>(N));
  // Loads instead elsewhere:
  static_cast<void>(c0), static_cast<void>(c1), static_cast<void>(c5), static_cast<void>(iota_n);
  const auto ShiftedIndices = [&](size_t i, const T* HWY_RESTRICT idx,
                                  size_t phase) HWY_ATTR DILATE_INLINE_LAMBDA {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    if constexpr (sizeof(T) >= 4) {
      const V s = hn::Sub(iota_n, hn::Set(d, static_cast<T>(phase)));
      const V a = i == 0 ? c0 : i == 1 ? c1 : i == 2 ? c2 : i == 3 ? c3 : c4;
      const V b = i == 0 ? c1 : i == 1 ? c2 : i == 2 ? c3 : i == 3 ? c4 : c5;
      return V{Permute2(a.raw, s.raw, b.raw, hwy::SizeTag<sizeof(T)>())};
    }
#endif
    static_cast<void>(phase);
    return hn::LoadU(d, idx + i * N);
  };
  T* pend = align(out);  // the pending vector P: the last of the row before
  V P = fill;
  size_t lo = static_cast<size_t>(out - pend);  // lanes of the first vector not ours
  // The row at r, its window at in; kEdge: the first or last row (exact
  // stores, lo).
  const auto row = [&](T* HWY_RESTRICT r, const T* HWY_RESTRICT in, size_t fills,
                       auto edge) HWY_ATTR DILATE_INLINE_LAMBDA {
    constexpr bool kEdge = decltype(edge)::value;
    T* HWY_RESTRICT a = align(r);
    const size_t phase = static_cast<size_t>(r - a);
    const T* HWY_RESTRICT idx = lanes + N - phase;
    const V w = LoadWindow<kNarrow>(d, in);
    const auto vec = [&](size_t i) HWY_ATTR {
      return PermuteWindow<kZero, kNarrow, true>(d, w, ShiftedIndices(i, idx, phase), fill);
    };
    V v = vec(0);
    if (a == pend) {
      v = hn::IfThenElse(hn::FirstN(d, phase), P, v);
    } else if (kEdge) {
      StoreLanes(d, P, pend, lo, N);
      lo = 0;
      FillVectors(d, pend + N, static_cast<size_t>((a - pend) / N) - 1, fill);
    } else {
      hn::StoreU(P, d, pend);
      FillVectors(d, pend + N, fills, fill);
    }
    const size_t last = (phase + span - 1) / N;  // R - 1 or R
    if (kEdge) {
      if (last != 0) {
        StoreLanes(d, v, a, lo, N);
        lo = 0;
        for (size_t i = 1; i < last; ++i) hn::StoreU(vec(i), d, a + i * N);
        v = vec(last);
      }
    } else {
      hn::StoreU(v, d, a);
      if (R > 1) hn::StoreU(v = vec(1), d, a + N);
      if (R > 2) hn::StoreU(v = vec(2), d, a + 2 * N);
      if (R > 3) hn::StoreU(v = vec(3), d, a + 3 * N);
      if (last == R) v = vec(R);
    }
    P = v;
    pend = a + last * N;
  };
  using Edge = std::true_type;
  using Inside = std::false_type;
  const T* HWY_RESTRICT in = s;
  row(out, in, 0, Edge());
  for (uint64_t o = 0;;) {
    T* HWY_RESTRICT r = out;
    const uint64_t x_last = o + 1 == slices ? tap_rows - 1 : tap_rows;  // inside rows end
#if HWY_TARGET == HWY_AVX2
    for (uint64_t x = 1; x < x_last; ++x) {
      row(r += row_lanes, in += src_row_lanes, fills_in, Inside());
    }
#else
    // Ended by `in`, not a count: one register fewer, and GCC then keeps `in`
    // in a register (it had kept it on the stack, a load-add-store per row
    // ahead of the row's window load). Same-process A/B on the Zen 4 EPYC
    // VM, one-shot at 256 KiB: AVX3_DL f32 K5 D4 / K7 D4 / K11 D3 0.96-0.98
    // / 0.965 / 0.97, f64 K7 D4 0.98, u16 K7 D4 0.96, AVX3 u8 K11 D4
    // 0.91-0.92, f32 K7 D3 0.94-0.96 in one build and 1.00 in another (code
    // layout); but AVX2 u16 K7 D4 1.07 (f32 K7 D3, u8 K7 D7 even), so AVX2
    // keeps the count. SSE4 f32 K7 D3 even.
    const T* HWY_RESTRICT const in_stop = in + (x_last > 1 ? x_last - 1 : 0) * src_row_lanes;
    while (in != in_stop) row(r += row_lanes, in += src_row_lanes, fills_in, Inside());
#endif
    if (o + 1 == slices) {
      if (tap_rows > 1) row(r + row_lanes, in + src_row_lanes, 0, Edge());
      break;
    }
    out += slice_lanes;
    in = s += src_slice_lanes;
    if (++o + 1 == slices && tap_rows == 1) {
      row(out, in, 0, Edge());
      break;
    }
    row(out, in, fills_slice, Inside());
  }
  // P up to the chunk's end, where that is inside it (P holds no tap past
  // it: rows end by `end`).
  const size_t hi = pend + N <= end ? N : static_cast<size_t>(end - pend);
  StoreLanes(d, P, pend, lo, hi);
  return pend + hi;
}

// Units [u0, u1) of a vector-rows grid (see ExpandGrid), R vectors a row:
// whole slices whose stores and windows stay inside the chunk and src by a
// loop over their tap rows alone (aligned rows where they fit); the rest
// (a chunk's partial slices, the end of src) row by row with bounds.
// kZero: the fill is zero and the permute leaves zero in marked lanes;
// kNarrow: the row's src fits 16 bytes (NarrowWindows: AVX2 u16 K7 D4
// rows, one-shot at 256 KiB, 0.91 of the time of cross-lane permutes,
// same-process A/B).
template <size_t R, bool kZero, bool kNarrow, class D>
HWY_NOINLINE void ExpandGridVectors(D d, uint8_t* HWY_RESTRICT dst, const uint8_t* HWY_RESTRICT src,
                                    uint64_t u0, uint64_t u1, const RowGrid& g,
                                    const RowState& st) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  const uint64_t vb = N * sizeof(T);
  const uint64_t gl = st.group / sizeof(T);
  const uint64_t span = ((g.taps - 1) * st.dilation + 1) * gl;
  const V fill = PatternVec(d, st, 0);
  // The indices in registers (separate variables: SVE vectors cannot be
  // array elements).
  HWY_ALIGN T lanes[R * hn::MaxLanes(D())];
  RowVectorIndices(d, R, gl, st.dilation, span, lanes);
  const V i0 = hn::Load(d, lanes);
  const V i1 = R > 1 ? hn::Load(d, lanes + N) : i0;
  const V i2 = R > 2 ? hn::Load(d, lanes + 2 * N) : i0;
  const V i3 = R > 3 ? hn::Load(d, lanes + 3 * N) : i0;
  const T* HWY_RESTRICT in = reinterpret_cast<const T*>(src);
  const uint64_t in_total = g.src_bytes / sizeof(T);
  const uint64_t slice_bytes = g.rows * g.row_bytes;
  const uint64_t step = g.row_step * g.row_bytes;  // from one tap row to the next
  const uint64_t first_core = g.first_row * g.row_bytes + g.tap_offset;  // in a slice
  const uint64_t end = u1 * g.row_bytes;
  uint64_t pos = u0 * g.row_bytes;  // dst before pos is written
  // dst[pos, to) = fill, to <= end.
  const auto fill_to = [&](uint64_t to) HWY_ATTR {
    if (to <= pos) return;
    const uint64_t n = to - pos;
    size_t whole = static_cast<size_t>(n / vb);
    const uint64_t rest = n - whole * vb;
    if (rest != 0 && to - rest + vb <= end) {
      ++whole;  // spills into the row that follows, which overwrites it
    } else if (rest != 0) {
      FillRun(dst + to - rest, rest, st);
    }
    FillVectors(d, reinterpret_cast<T*>(dst + pos), whole, fill);
  };
  // Units [ua, ub) row by row, bounded by end and the end of src.
  const auto rows_bounded = [&](uint64_t ua, uint64_t ub) HWY_ATTR {
    uint64_t o = ua / g.rows, y = ua % g.rows;
    uint64_t x = y <= g.first_row ? 0 : (y - g.first_row + g.row_step - 1) / g.row_step;
    uint64_t next_y = g.first_row + x * g.row_step;
    for (uint64_t u = ua; u < ub; ++u) {
      if (y == next_y && x < g.tap_rows) {
        const uint64_t core = o * slice_bytes + y * g.row_bytes + g.tap_offset;
        fill_to(core);
        const uint64_t at = (o * g.src_slice_bytes + g.src_first + x * g.src_row_bytes) / sizeof(T);
        const V w =
            at + N <= in_total ? hn::LoadU(d, in + at) : LoadWindowBounded(d, in, at, in_total);
        T* HWY_RESTRICT out = reinterpret_cast<T*>(dst + core);
        if (core + R * vb <= end) {
          StoreRowVectors<R, kZero, false>(d, out, w, i0, i1, i2, i3, fill);
          pos = core + R * vb;
        } else {  // the chunk's last row: stop at its end
          for (size_t i = 0; i < R && core + i * vb < end; ++i) {
            const V r = PermuteOr(d, w, i == 0 ? i0 : i == 1 ? i1 : i == 2 ? i2 : i3, fill);
            const uint64_t left = (end - core - i * vb) / sizeof(T);
            if (left >= N) {
              hn::StoreU(r, d, out + i * N);
            } else {
              StoreBounded(d, r, out + i * N, left);
            }
          }
          pos = end;
        }
        ++x;
        next_y += g.row_step;
      }
      if (++y == g.rows) {
        y = 0;
        ++o;
        x = 0;
        next_y = g.first_row;
      }
    }
  };
  // Whole slices [o0, o1) whose last row's vectors end by `end` and whose
  // last window lies inside src.
  const uint64_t last_core = first_core + (g.tap_rows - 1) * step;
  const uint64_t last_at = g.src_first + (g.tap_rows - 1) * g.src_row_bytes;
  const auto inside = [&](uint64_t o) {
    return o * slice_bytes + last_core + R * vb <= end &&
           (o * g.src_slice_bytes + last_at) / sizeof(T) + N <= in_total;
  };
  const uint64_t o0 = (u0 + g.rows - 1) / g.rows;
  uint64_t o1 = u1 / g.rows;
  while (o1 > o0 && !inside(o1 - 1)) --o1;
  if (o1 <= o0) return rows_bounded(u0, u1), fill_to(end);
  rows_bounded(u0, o0 * g.rows);
  // Fill stores after a row up to the next row of its slice (spilling into it).
  const size_t gap = step > R * vb ? static_cast<size_t>((step - R * vb + vb - 1) / vb) : 0;
  // From one slice's last row to the next slice's first: fill vectors too
  // (spilling into that row), or where that row starts within the last
  // row's vectors, nothing.
  const uint64_t to_next = slice_bytes - last_core + first_core;
  const size_t gap_slice =
      to_next > R * vb ? static_cast<size_t>((to_next - R * vb + vb - 1) / vb) : 0;
  fill_to(o0 * slice_bytes + first_core);
  T* const first = reinterpret_cast<T*>(dst + o0 * slice_bytes + first_core);
  const T* const first_in = in + (o0 * g.src_slice_bytes + g.src_first) / sizeof(T);
  // Aligned rows where they fit (see SlicesOfAlignedRows): whole lanes, a
  // fill the same in every lane (a zero fill is, whatever the element
  // size), row starts a vector apart. x86 byte rows (a zero-skipping byte
  // permute, narrow windows) only on 256-bit vectors or wider: same-process
  // A/B on the Zen 4 EPYC VM, one-shot at 256 KiB, AVX2 u16 K7 D4 / K11 D3,
  // u8 K11 D4 / K7 D7 0.67 / 0.87, 0.72 / 0.62 of the time (u16 K7 D4
  // 0.40x -> 0.59x memset; 0.67 at 4 MiB), AVX3 u8 K11 D4 0.70; but SSE4
  // mixed: u8 K11 D4 / K7 D7 / K16 D4 0.66 / 0.83 / 0.88, u16 K7 D4 and u8
  // K13 D4 1.05-1.07 / 1.04 (and those variants compiled moved an
  // unrelated SSSE3 u16 K5 D8 tile case by 1.34).
  bool aligned = false;
  if constexpr ((!kZero && !kNarrow) || hn::MaxLanes(D()) * sizeof(T) >= 32) {
    if (reinterpret_cast<uintptr_t>(dst) % sizeof(T) == 0 &&
        (kZero || sizeof(T) % st.elem_size == 0) && step >= vb && to_next >= vb &&
        step >= kMinAlignedRowStep) {
      // A vector of marks, the row's indices, a vector of marks (apart from
      // `lanes`: GCC then reloaded i0-i3 per row in SlicesOfVectorRows).
      HWY_ALIGN T marked[(R + 2) * hn::MaxLanes(D())];
      const V marks = hn::Or(hn::Set(d, kOtherBit<T>), hn::Iota(d, static_cast<T>(N)));
      hn::Store(marks, d, marked);
      memcpy(marked + N, lanes, R * N * sizeof(T));
      hn::Store(marks, d, marked + (R + 1) * N);
      T* const done = SlicesOfAlignedRows<R, kZero, kNarrow>(
          d, first, first_in, o1 - o0, g.tap_rows, slice_bytes / sizeof(T),
          g.src_slice_bytes / sizeof(T), step / sizeof(T), g.src_row_bytes / sizeof(T),
          static_cast<size_t>(span), AlignedFills(step / sizeof(T), span, N),
          AlignedFills(to_next / sizeof(T), span, N), marked, fill,
          reinterpret_cast<T*>(dst + end));
      pos = static_cast<uint64_t>(reinterpret_cast<uint8_t*>(done) - dst);
      aligned = true;
    }
  }
  if (!aligned) {
    SlicesOfVectorRows<R, kZero, kNarrow>(d, first, first_in, o1 - o0, g.tap_rows,
                                          slice_bytes / sizeof(T), g.src_slice_bytes / sizeof(T),
                                          step / sizeof(T), g.src_row_bytes / sizeof(T), gap,
                                          gap_slice, i0, i1, i2, i3, fill);
    pos = (o1 - 1) * slice_bytes + last_core + R * vb;
  }
  rows_bounded(o1 * g.rows, u1);
  fill_to(end);
}

void ExpandGrid(uint8_t* dst, const uint8_t* src, uint64_t u0, uint64_t u1, const RowGrid& g,
                const RowState& st) {
  if (u0 >= u1) return;
  if (st.row_vectors != 0 && g.tap_rows != 0 && g.taps != 0) {
    WithRowTag(st.group, st.row_vectors, [&](auto d) {
      using T = hn::TFromD<decltype(d)>;
      const uint64_t N = hn::Lanes(d), gl = st.group / sizeof(T);
      const uint64_t span = ((g.taps - 1) * st.dilation + 1) * gl;
      const auto rows = [&](auto zero, auto narrow) HWY_ATTR {
        constexpr bool kZ = decltype(zero)::value, kN = decltype(narrow)::value;
        switch ((span + N - 1) / N) {
          case 1:
            return ExpandGridVectors<1, kZ, kN>(d, dst, src, u0, u1, g, st);
          case 2:
            return ExpandGridVectors<2, kZ, kN>(d, dst, src, u0, u1, g, st);
          case 3:
            return ExpandGridVectors<3, kZ, kN>(d, dst, src, u0, u1, g, st);
          default:
            return ExpandGridVectors<4, kZ, kN>(d, dst, src, u0, u1, g, st);
        }
      };
      if constexpr (PermuteZeroesOther(decltype(d)())) {
        const bool zero = hn::AllTrue(d, hn::Eq(PatternVec(d, st, 0), hn::Zero(d)));
        if constexpr (NarrowWindows(decltype(d)())) {
          if (g.taps * gl <= TileState::kNarrowBytes) {
            return zero ? rows(std::true_type(), std::true_type())
                        : rows(std::false_type(), std::true_type());
          }
        }
        if (zero) return rows(std::true_type(), std::false_type());
      }
      rows(std::false_type(), std::false_type());
    });
    return;
  }
  const uint64_t slice_bytes = g.rows * g.row_bytes;
  uint64_t o = u0 / g.rows, y = u0 % g.rows;
  // x: the slice's next tap row (index among tap rows), at dst row next_y.
  const bool any = g.tap_rows != 0 && g.taps != 0;
  uint64_t x = y <= g.first_row ? 0 : (y - g.first_row + g.row_step - 1) / g.row_step;
  uint64_t next_y = g.first_row + x * g.row_step;
  uint64_t fill_from = u0 * g.row_bytes;
  for (uint64_t u = u0; u < u1; ++u) {
    if (any && y == next_y && x < g.tap_rows) {
      const uint64_t core = o * slice_bytes + y * g.row_bytes + g.tap_offset;
      if (core > fill_from) FillRun(dst + fill_from, core - fill_from, st);
      ExpandRow(dst + core, src + o * g.src_slice_bytes + g.src_first + x * g.src_row_bytes, g.taps,
                st);
      fill_from = core + g.tap_span;
      ++x;
      next_y += g.row_step;
    }
    if (++y == g.rows) {
      y = 0;
      ++o;
      x = 0;
      next_y = g.first_row;
    }
  }
  const uint64_t end = u1 * g.row_bytes;
  if (end > fill_from) FillRun(dst + fill_from, end - fill_from, st);
}

// Lane j: lane idx[j] of the two-vector window (w0, w1) where idx[j] is a
// tap (top bit clear), else lane j of other (512-bit vectors that permute across two, VectorPairs:
// f32 5 x 5 kernels, f64 3 x 3 and 4 x 4, u16 6 x 6 and 7 x 7 in SquarePlanes).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V TwoWindowsOr(D d, V w0, V w1, V idx, V other) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (VectorPairs(D())) {
    using T = hn::TFromD<D>;
    const hn::RebindToSigned<D> di;
    const auto holes = hn::RebindMask(d, hn::Lt(hn::BitCast(di, idx), hn::Zero(di)));
    return hn::IfThenElse(holes, other,
                          V{Permute2(w0.raw, idx.raw, w1.raw, hwy::SizeTag<sizeof(T)>())});
  }
#endif
  static_cast<void>(w1);
  return PermuteOr(d, w0, idx, other);
}

// Whether the expand's vector loops of small kernels (SquarePlanes) give
// each output vector a window of its own where a plane's src passes what
// one permute reaches (ShiftFromLanes: a vector, two where VectorPairs):
// the taps of any N consecutive dst lanes are consecutive src lanes (both
// sides run in the same order), at most N of them, so one window at the
// first of them holds them all (ShiftPlaneWindows). A load a vector more,
// folded into the permute, for a plane up to PlaneVectorsMax vectors
// without tile tables: on AVX2 f32 3 x 3 kernels (9 src lanes against 8);
// on AVX-512 (ShiftPlaneVectorsMax), lanes of 4 and 8 bytes, f32 6 x 6
// kernels with dilation 2 or 3 and 7 x 7 with 2 (36 and 49 src lanes
// against a pair's 32), f64 5 x 5 and 6 x 6 with 2 (25 and 36 against 16).
template <class D>
constexpr bool ShiftedWindows(D) {
#if HWY_TARGET == HWY_AVX2
  return true;
#elif HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return VectorPairs(D()) && sizeof(hn::TFromD<D>) >= 4;
#else
  return false;
#endif
}

// The src lanes a plane's one or two windows hold: past them, vectors
// take shifted windows (ShiftedWindows).
template <class D>
HWY_INLINE size_t ShiftFromLanes(D d) {
  return VectorPairs(D()) ? 2 * hn::Lanes(d) : hn::Lanes(d);
}

// Whether a plane's src of in_plane lanes of lane_bytes takes shifted
// windows: its lanes, before ShiftPlaneWindows counts them from each
// window, must stay below the fill's mark (kOtherBit: 128 in bytes).
constexpr bool ShiftLanesFit(uint64_t lane_bytes, uint64_t in_plane) {
  return lane_bytes >= 4 || in_plane <= (uint64_t{1} << (8 * lane_bytes - 1));
}

// Gives each of the R vectors of `lanes` (a plane whose src spans in_plane
// lanes) its window: shifts[i], its first tap's src lane, at most
// in_plane - N so that the window stays inside the plane's src; the
// vector's tap lanes then count from there. False (lanes changed) where a
// vector's taps span more than N lanes. A vector at a time (the lane by
// lane loop took a fifth of a one-shot f32 K7 D2 expand of 16 KiB).
template <class D>
bool ShiftPlaneWindows(D d, size_t R, uint64_t in_plane, hn::TFromD<D>* HWY_RESTRICT lanes,
                       uint32_t* HWY_RESTRICT shifts) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const uint64_t last = in_plane > N ? in_plane - N : 0;
  const hn::Vec<D> mark = hn::Set(d, kOtherBit<T>), top = hn::Set(d, static_cast<T>(N - 1));
  for (size_t i = 0; i < R; ++i) {
    T* HWY_RESTRICT v = lanes + i * N;
    const hn::Vec<D> x = hn::Load(d, v);
    const auto taps = hn::Eq(hn::And(x, mark), hn::Zero(d));
    const intptr_t first = hn::FindFirstTrue(d, taps);
    if (first < 0) {  // only fill
      shifts[i] = 0;
      continue;
    }
    const uint64_t lo = v[first], s = lo < last ? lo : last;
    const hn::Vec<D> y = hn::Sub(x, hn::Set(d, static_cast<T>(s)));
    // Every tap inside the window (one below s would wrap past it).
    if (!hn::AllFalse(d, hn::And(taps, hn::Gt(y, top)))) return false;
    shifts[i] = static_cast<uint32_t>(s);
    hn::Store(hn::IfThenElse(taps, y, x), d, v);
  }
  return true;
}

// The most vectors a plane of the expand's vector loops takes on D:
// kMaxWidePlaneVectors on AVX-512 at full width (32 registers), else
// kMaxSquareKernelVectors.
template <class D>
constexpr size_t PlaneVectorsMax(D) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if (hn::MaxLanes(D()) * sizeof(hn::TFromD<D>) == 64) return kMaxWidePlaneVectors;
#endif
  return kMaxSquareKernelVectors;
}

// The most vectors a plane with shifted windows takes: 0 where the target
// has none (ShiftedWindows), up to 16 on AVX-512. Its 24-vector planes (f32 K7 D3, f64 K5 D3) took
// 0.93-0.95 of the time of tiles at 16 KiB, but 1.26 / 1.38 at 64 / 128
// KiB (f32 K7 D3), while planes of 16 (f32 K6 D3, f64 K6 D2) took 0.56 /
// 0.46 at 16 KiB (Zen 5, tools/ab.sh, medians of four).
template <class D>
constexpr size_t ShiftPlaneVectorsMax(D) {
  if (!ShiftedWindows(D())) return 0;
  return PlaneVectorsMax(D()) < 16 ? PlaneVectorsMax(D()) : 16;
}

// The vectors SquarePlanes writes a plane of R vectors with: R up to
// kMaxSquareKernelVectors; past it R rounded up to 16, 20 or 24 (the extra
// vectors spill into the next plane, as a plane's last vector does, and
// are marked as fill; f32 K5 D4 19 -> 20 vectors).
constexpr size_t PlaneVectorsRun(size_t R) {
  return R <= kMaxSquareKernelVectors ? R : (R + 3) / 4 * 4;
}

// SquarePlanes' loop over its whole kernels for R past 12: the R indices in
// an array indexed by constants only (I...), which GCC keeps in registers.
template <size_t R, class D, class V, class Take, size_t... I>
HWY_INLINE void ManyPlaneVectors(D d, uint64_t whole, uint64_t plane, uint64_t in_plane, bool two,
                                 const hn::TFromD<D>* HWY_RESTRICT lanes, hn::TFromD<D>* out,
                                 const hn::TFromD<D>* in, Take take, std::index_sequence<I...>) {
  const size_t N = hn::Lanes(d);
  const V idx[R] = {hn::Load(d, lanes + I * N)...};
  for (uint64_t o = 0; o < whole; ++o, out += plane, in += in_plane) {
    const V w0 = hn::LoadU(d, in);
    const V w1 = two ? hn::LoadU(d, in + N) : w0;
    (hn::StoreU(take(w0, w1, idx[I]), d, out + I * N), ...);
  }
}

// ManyPlaneVectors with shifted windows (ShiftedWindows): vector I from
// the window at lane at[I] of its kernel's src, a load folded into the
// permute.
template <size_t R, class D, class V, size_t... I>
HWY_INLINE void ManyShiftedVectors(D d, uint64_t whole, uint64_t plane, uint64_t in_plane,
                                   const hn::TFromD<D>* HWY_RESTRICT lanes,
                                   const size_t* HWY_RESTRICT shifts, V fill, hn::TFromD<D>* out,
                                   const hn::TFromD<D>* in, std::index_sequence<I...>) {
  const size_t N = hn::Lanes(d);
  const V idx[R] = {hn::Load(d, lanes + I * N)...};
  const size_t at[R] = {shifts[I]...};
  for (uint64_t o = 0; o < whole; ++o, out += plane, in += in_plane) {
    (hn::StoreU(PermuteOr(d, hn::LoadU(d, in + at[I]), idx[I], fill), d, out + I * N), ...);
  }
}

// dilate_expand_2d's case (lib/small.h): n square k x k kernels of
// elements of gl lanes of D each, dilation `dil`, zero holes, a kernel at a
// time: its k * k src elements are one window, and its L * L expanded
// ones R vectors, each a permute of that window by an index held in a
// register (R = 2 for a 3 x 3 f32 kernel with dilation 2 on 512-bit
// vectors, where the scalar loop (kExpandSquareSmall) zeroes 100 bytes and
// stores nine taps). A kernel's last vector spills into the next kernel,
// whose own stores then overwrite it; the last kernels, whose vectors or
// windows would pass the end of dst or src, store and load exactly.
//
// A plane may be several kernels (PlanesFor's groups): n planes then cover
// total_out dst and total_in src lanes, the last plane maybe only in part.
//
// kShift (ShiftedWindows): vector i's window is its own, at lane
// shifts[i] of the plane's src (ShiftPlaneWindows).
template <size_t R, bool kTwo, bool kShift, class D, class V = hn::Vec<D>>
HWY_NOINLINE void SquarePlanes(D d, uint64_t n, uint64_t plane, uint64_t in_plane,
                               uint64_t total_out, uint64_t total_in,
                               const hn::TFromD<D>* HWY_RESTRICT lanes,
                               const uint32_t* HWY_RESTRICT shifts, V fill, const uint8_t* src,
                               uint8_t* dst) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  static_assert(!kShift || (!kTwo && ShiftedWindows(D()) && R <= ShiftPlaneVectorsMax(D())),
                "shifts");
  // Lanes past a plane's src start that its windows read.
  size_t W = kTwo ? 2 * N : N;
  size_t s[kMaxWidePlaneVectors] = {};
  if constexpr (kShift) {
    W = N;
    for (size_t i = 0; i < R; ++i) {
      s[i] = shifts[i];
      if (s[i] + N > W) W = s[i] + N;
    }
  } else {
    static_cast<void>(shifts);
  }
  // A plane vector by index idx from the window w0 (and w1).
  const auto take = [&](V w0, V w1, V idx) HWY_ATTR {
    if constexpr (kTwo) {
      return TwoWindowsOr(d, w0, w1, idx, fill);
    } else {
      static_cast<void>(w1);
      return PermuteOr(d, w0, idx, fill);
    }
  };
  const V i0 = hn::Load(d, lanes);
  const V i1 = R > 1 ? hn::Load(d, lanes + N) : i0;
  const V i2 = R > 2 ? hn::Load(d, lanes + 2 * N) : i0;
  const V i3 = R > 3 ? hn::Load(d, lanes + 3 * N) : i0;
  const V i4 = R > 4 ? hn::Load(d, lanes + 4 * N) : i0;
  const V i5 = R > 5 ? hn::Load(d, lanes + 5 * N) : i0;
  const V i6 = R > 6 ? hn::Load(d, lanes + 6 * N) : i0;
  const V i7 = R > 7 ? hn::Load(d, lanes + 7 * N) : i0;
  const V i8 = R > 8 ? hn::Load(d, lanes + 8 * N) : i0;
  const V i9 = R > 9 ? hn::Load(d, lanes + 9 * N) : i0;
  const V i10 = R > 10 ? hn::Load(d, lanes + 10 * N) : i0;
  const V i11 = R > 11 ? hn::Load(d, lanes + 11 * N) : i0;
  T* HWY_RESTRICT out = reinterpret_cast<T*>(dst);
  const T* HWY_RESTRICT in = reinterpret_cast<const T*>(src);
  // Kernels [0, whole): R whole vectors inside dst, a window inside src.
  uint64_t whole = 0;
  if (total_out >= R * N && total_in >= W) {
    const uint64_t a = (total_out - R * N) / plane + 1, b = (total_in - W) / in_plane + 1;
    whole = a < b ? a : b;
    if (whole > n) whole = n;
  }
  if constexpr (R > 12 && kShift) {
    ManyShiftedVectors<R, D, V>(d, whole, plane, in_plane, lanes, s, fill, out, in,
                                std::make_index_sequence<R>());
    out += whole * plane;
    in += whole * in_plane;
  } else if constexpr (R > 12) {
    ManyPlaneVectors<R, D, V>(d, whole, plane, in_plane, kTwo, lanes, out, in, take,
                              std::make_index_sequence<R>());
    out += whole * plane;
    in += whole * in_plane;
  }
  if constexpr (kShift && R <= 12) {
    // Each vector its window: a load folded into the permute.
    const size_t s0 = s[0], s1 = s[R > 1], s2 = s[R > 2 ? 2 : 0], s3 = s[R > 3 ? 3 : 0];
    const size_t s4 = s[R > 4 ? 4 : 0], s5 = s[R > 5 ? 5 : 0], s6 = s[R > 6 ? 6 : 0];
    const size_t s7 = s[R > 7 ? 7 : 0], s8 = s[R > 8 ? 8 : 0], s9 = s[R > 9 ? 9 : 0];
    const size_t s10 = s[R > 10 ? 10 : 0], s11 = s[R > 11 ? 11 : 0];
    const auto at = [&](size_t from, V idx)
                        HWY_ATTR { return PermuteOr(d, hn::LoadU(d, in + from), idx, fill); };
    for (uint64_t o = 0; o < whole; ++o, out += plane, in += in_plane) {
      hn::StoreU(at(s0, i0), d, out);
      if (R > 1) hn::StoreU(at(s1, i1), d, out + N);
      if (R > 2) hn::StoreU(at(s2, i2), d, out + 2 * N);
      if (R > 3) hn::StoreU(at(s3, i3), d, out + 3 * N);
      if (R > 4) hn::StoreU(at(s4, i4), d, out + 4 * N);
      if (R > 5) hn::StoreU(at(s5, i5), d, out + 5 * N);
      if (R > 6) hn::StoreU(at(s6, i6), d, out + 6 * N);
      if (R > 7) hn::StoreU(at(s7, i7), d, out + 7 * N);
      if (R > 8) hn::StoreU(at(s8, i8), d, out + 8 * N);
      if (R > 9) hn::StoreU(at(s9, i9), d, out + 9 * N);
      if (R > 10) hn::StoreU(at(s10, i10), d, out + 10 * N);
      if (R > 11) hn::StoreU(at(s11, i11), d, out + 11 * N);
    }
  }
  for (uint64_t o = R > 12 || kShift ? whole : 0; o < whole; ++o, out += plane, in += in_plane) {
    const V w0 = hn::LoadU(d, in);
    const V w1 = kTwo ? hn::LoadU(d, in + N) : w0;
    hn::StoreU(take(w0, w1, i0), d, out);
    if (R > 1) hn::StoreU(take(w0, w1, i1), d, out + N);
    if (R > 2) hn::StoreU(take(w0, w1, i2), d, out + 2 * N);
    if (R > 3) hn::StoreU(take(w0, w1, i3), d, out + 3 * N);
    if (R > 4) hn::StoreU(take(w0, w1, i4), d, out + 4 * N);
    if (R > 5) hn::StoreU(take(w0, w1, i5), d, out + 5 * N);
    if (R > 6) hn::StoreU(take(w0, w1, i6), d, out + 6 * N);
    if (R > 7) hn::StoreU(take(w0, w1, i7), d, out + 7 * N);
    if (R > 8) hn::StoreU(take(w0, w1, i8), d, out + 8 * N);
    if (R > 9) hn::StoreU(take(w0, w1, i9), d, out + 9 * N);
    if (R > 10) hn::StoreU(take(w0, w1, i10), d, out + 10 * N);
    if (R > 11) hn::StoreU(take(w0, w1, i11), d, out + 11 * N);
  }
  const T* const in0 = reinterpret_cast<const T*>(src);
  for (uint64_t o = whole; o < n; ++o, out += plane, in += in_plane) {
    const uint64_t at = static_cast<uint64_t>(in - in0);
    const V w0 = at + N <= total_in ? hn::LoadU(d, in) : LoadWindowBounded(d, in0, at, total_in);
    V w1 = w0;
    if (kTwo && !kShift) {
      w1 = at + 2 * N <= total_in ? hn::LoadU(d, in + N)
                                  : LoadWindowBounded(d, in0, at + N, total_in);
    }
    for (size_t i = 0; i < R && i * N < plane && o * plane + i * N < total_out; ++i) {
      const V idx = hn::Load(d, lanes + i * N);
      V v;
      if constexpr (kShift) {
        const uint64_t from = at + s[i];
        v = PermuteOr(d,
                      from + N <= total_in ? hn::LoadU(d, in0 + from)
                                           : LoadWindowBounded(d, in0, from, total_in),
                      idx, fill);
      } else {
        v = take(w0, w1, idx);
      }
      const uint64_t left = total_out - (o * plane + i * N);
      if (left >= N) {
        hn::StoreU(v, d, out + i * N);
      } else {
        StoreBounded(d, v, out + i * N, left);
      }
    }
  }
}

// Whether SquarePlanes takes n kernels of k x k elements of gl lanes of N
// lanes of lane_bytes (see ExpandKernels::square_planes_fit). Byte lanes on
// vectors of more than 64 (SVE past 512 bits) do not: a mark, kOtherBit |
// (N + lane), would not fit a lane. Planes of at most max_vectors
// (PlaneVectorsMax), past kMaxSquareVectors only from kMinLongPlanes
// kernels (see kMaxSquareKernelVectors).
// shift_vectors (ShiftPlaneVectorsMax; 0 without ShiftedWindows): a src past
// `two` windows fits where the plane takes at most that many vectors (and
// ShiftLanesFit), dst is within
// kShiftPlanesBytes (lib/small.h), and not where
// the scalar loop pays (SquareExpandPays in lib/small.h: f32 K3 D2 at 2 /
// 4 / 6 KiB took 1.69 / 1.26 / 1.10 of its time, f64 K3 D2 at 8 KiB 1.11,
// u16 K5 D2 at 2 KiB 3.6).
inline bool SquarePlanesFit(uint64_t N, uint64_t lane_bytes, uint64_t gl, uint64_t k, uint64_t dil,
                            bool two, uint64_t n, uint64_t max_vectors,
                            uint64_t shift_vectors = 0) {
  const uint64_t l = (k - 1) * dil + 1, plane = l * l * gl;
  return (lane_bytes > 1 || N <= 64) &&
         (k * k * gl <= (two ? 2 * N : N) ||
          (plane <= shift_vectors * N && ShiftLanesFit(lane_bytes, k * k * gl) &&
           n * plane * lane_bytes <= kShiftPlanesBytes &&
           !SquareExpandPays(n * plane * lane_bytes, n * k * k, k))) &&
         plane <= max_vectors * N && PlaneVectorsPay((plane + N - 1) / N, n);
}

// Whether SquarePlanes on a 512-bit target takes half-width vectors: where
// they fit and write fewer bytes a kernel (u8 K3 D2: 32 instead of 64 for
// 25; on a plan of 8 KB at full width, 1.67x the time of its tile tables).
inline bool SquareTakesHalf(uint64_t N, uint64_t lane_bytes, uint64_t gl, uint64_t k, uint64_t dil,
                            uint64_t n) {
  const uint64_t l = (k - 1) * dil + 1, plane = l * l * gl, h = N / 2;
  return h != 0 && SquarePlanesFit(h, lane_bytes, gl, k, dil, false, n, kMaxSquareKernelVectors) &&
         (plane + h - 1) / h * h < (plane + N - 1) / N * N;
}

// Marks all R vectors of lanes as fill (kOtherBit | (N + lane)), for the
// caller to set the taps' lanes in.
template <class D>
HWY_INLINE void MarkPlaneLanes(D d, size_t R, hn::TFromD<D>* HWY_RESTRICT lanes) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const hn::Vec<D> marks = hn::Or(hn::Set(d, kOtherBit<T>), hn::Iota(d, static_cast<T>(N)));
  for (size_t i = 0; i < R; ++i) hn::Store(marks, d, lanes + i * N);
}

// SquarePlanes with R = ceil(plane / N) vectors a kernel (up to
// PlaneVectorsMax), its src from two vectors where in_plane passes
// one (VectorPairs targets only).
template <class D, class V = hn::Vec<D>>
void RunSquarePlanes(D d, size_t R, uint64_t n, uint64_t plane, uint64_t in_plane,
                     uint64_t total_out, uint64_t total_in, const hn::TFromD<D>* HWY_RESTRICT lanes,
                     const uint32_t* shifts, V fill, const uint8_t* src, uint8_t* dst) {
  if constexpr (PlaneVectorsMax(D()) > kMaxSquareKernelVectors) {
    // Past 12 only 16, 20 or 24 (PlaneVectorsRun), from a window pair where
    // the target permutes across two: three instantiations a lane type, not
    // 24 (twelve, each with one window and with two, doubled the sanitizer
    // builds' compile time).
    static_assert(PlaneVectorsMax(D()) == 24, "cases 16, 20, 24");
    if (R > kMaxSquareKernelVectors) {
      // Shifted windows up to 16 (ShiftPlaneVectorsMax).
      if constexpr (ShiftedWindows(D())) {
        if (in_plane > ShiftFromLanes(d)) {
          return SquarePlanes<16, false, true>(d, n, plane, in_plane, total_out, total_in, lanes,
                                               shifts, fill, src, dst);
        }
      }
      constexpr bool kTwo = VectorPairs(D());
      if (R <= 16) {
        return SquarePlanes<16, kTwo, false>(d, n, plane, in_plane, total_out, total_in, lanes,
                                             shifts, fill, src, dst);
      }
      if (R <= 20) {
        return SquarePlanes<20, kTwo, false>(d, n, plane, in_plane, total_out, total_in, lanes,
                                             shifts, fill, src, dst);
      }
      return SquarePlanes<24, kTwo, false>(d, n, plane, in_plane, total_out, total_in, lanes,
                                           shifts, fill, src, dst);
    }
  }
  const auto run = [&](auto two, auto shift) HWY_ATTR DILATE_INLINE_LAMBDA {
    constexpr bool kTwo = decltype(two)::value, kShift = decltype(shift)::value;
    WithPlaneVectors<kMaxSquareKernelVectors>(R, [&](auto r) HWY_ATTR DILATE_INLINE_LAMBDA {
      SquarePlanes<decltype(r)::value, kTwo, kShift>(d, n, plane, in_plane, total_out, total_in,
                                                     lanes, shifts, fill, src, dst);
    });
  };
  if constexpr (ShiftedWindows(D())) {
    if (in_plane > ShiftFromLanes(d)) return run(std::false_type(), std::true_type());
  }
  if constexpr (VectorPairs(D())) {
    if (in_plane > hn::Lanes(d)) return run(std::true_type(), std::false_type());
  }
  run(std::false_type(), std::false_type());
}

// SquarePlanes for n kernels of k x k elements of gl lanes of D: false
// where SquarePlanesFit is not (nothing written).
template <class D>
bool SquarePlanesFor(D d, uint64_t gl, uint64_t n, uint64_t k, uint64_t dil, const uint8_t* src,
                     uint8_t* dst) {
  using T = hn::TFromD<D>;
  const uint64_t N = hn::Lanes(d);
  if (!SquarePlanesFit(N, sizeof(T), gl, k, dil, VectorPairs(d), n, PlaneVectorsMax(d),
                       ShiftPlaneVectorsMax(d))) {
    return false;
  }
  const uint64_t l = (k - 1) * dil + 1;
  const uint64_t plane = l * l * gl, in_plane = k * k * gl;
  const size_t R = PlaneVectorsRun(static_cast<size_t>((plane + N - 1) / N));
  // Lane x of the plane (vector x / N, lane x % N): lane w of element
  // (y, c); a tap where y and c are multiples of dil, src lane
  // ((y / dil) k + c / dil) gl + w; else the fill's mark (see kOtherBit).
  HWY_ALIGN T lanes[PlaneVectorsMax(D()) * hn::MaxLanes(D())];
  // Every lane marked, then the taps' lanes set: a store per tap lane
  // (a loop over every lane with its counters cost about what the stores
  // of 20 kernels did).
  MarkPlaneLanes(d, R, lanes);
  const uint64_t row = dil * l * gl, step = dil * gl;  // lanes from a tap to the next
  T src_lane = 0;
  for (uint64_t y = 0; y < k; ++y) {
    T* HWY_RESTRICT r = lanes + y * row;
    for (uint64_t x = 0; x < k; ++x, r += step) {
      for (uint64_t w = 0; w < gl; ++w) r[w] = src_lane++;
    }
  }
  uint32_t shifts[kMaxWidePlaneVectors] = {};
  if (ShiftedWindows(d) && in_plane > ShiftFromLanes(d) &&
      !ShiftPlaneWindows(d, R, in_plane, lanes, shifts)) {
    return false;
  }
  RunSquarePlanes(d, R, n, plane, in_plane, n * plane, n * in_plane, lanes, shifts, hn::Zero(d),
                  src, dst);
  return true;
}

// n = p.outer kernels of any rank, group and fill by SquarePlanes (see
// ExpandKernels::planes): a plane of m kernels (PlaneKernels) with its src
// in one window (two where VectorPairs), its dst in at most
// PlaneVectorsMax vectors (past kMaxSquareVectors only for
// kMinLongPlanes planes or more), the indices from one walk of the m
// slices' taps. False where that does not fit (nothing written).
template <class D>
bool PlanesFor(D d, const Plan& p, const uint8_t* src, uint8_t* dst) {
  using T = hn::TFromD<D>;
  const uint64_t N = hn::Lanes(d), lb = sizeof(T);
  if (p.group % lb != 0 || p.dst_outer_stride % lb != 0 || p.src_outer_stride % lb != 0) {
    return false;
  }
  const uint64_t slice = p.dst_outer_stride / lb, in_slice = p.src_outer_stride / lb;
  if ((lb == 1 && N > 64) || slice == 0) return false;
  // Not where the vectors write more than twice a plane's bytes (1-D K3 D2
  // f32 a kernel at a time: 64 bytes a 20-byte kernel, 1.40-1.80x the time
  // of tiles at 8 and 16 KB).
  uint64_t m = PlaneKernels(N, VectorPairs(d), slice, in_slice, p.outer, PlaneVectorsMax(d));
  // A kernel a plane, each vector its window (ShiftedWindows), where a
  // kernel's src passes a window and its dst fits, up to kShiftPlanesBytes.
  if (m == 0 && ShiftedWindows(d) && lb >= 4 && in_slice > ShiftFromLanes(d) &&
      slice <= ShiftPlaneVectorsMax(D()) * N && p.dst_bytes <= kShiftPlanesBytes) {
    m = 1;
  }
  if (m == 0) return false;
  const uint64_t plane = m * slice, in_plane = m * in_slice;
  const size_t R = PlaneVectorsRun(static_cast<size_t>((plane + N - 1) / N));
  const uint64_t planes = m == 1 ? p.outer : (p.outer + m - 1) / m;
  if (!PlaneVectorsPay(R, planes)) return false;
  HWY_ALIGN T lanes[PlaneVectorsMax(D()) * hn::MaxLanes(D())];
  MarkPlaneLanes(d, R, lanes);
  // The first kernel's tap lanes by a walk of its rows, then, for a plane
  // of several kernels, the others' from a list of those lanes: locals and
  // restrict pointers, as byte stores may alias anything (GCC reloaded the
  // walk's captures per store), and no more stores than taps, as they wait
  // on the last call's (a store per tap lane and a list besides took 10%
  // more time on a one-kernel plane, 3-D K3 D2 f32 at 4 KB).
  const uint64_t gl = p.group / lb, step = p.axis[p.rank - 1].dilation * gl;
  auto row = [&](uint64_t core, uint64_t from, uint64_t taps) {
    T* HWY_RESTRICT r = lanes + core / lb;
    const uint64_t s0 = from / lb;
    for (uint64_t t = 0; t < taps; ++t) {
      for (uint64_t w = 0; w < gl; ++w) r[t * step + w] = static_cast<T>(s0 + t * gl + w);
    }
  };
  WalkSliceRows(p, 1, row);
  if (m > 1) {
    uint16_t tap_lane[2 * hn::MaxLanes(D())];  // a kernel's taps: at most a window
    size_t taps = 0;
    for (uint64_t x = 0; x < slice; ++x) {
      if ((lanes[x] & kOtherBit<T>) == 0) tap_lane[taps++] = static_cast<uint16_t>(x);
    }
    const uint16_t* HWY_RESTRICT list = tap_lane;
    T* HWY_RESTRICT first = lanes;
    for (uint64_t c = 1; c < m; ++c) {
      T* HWY_RESTRICT r = lanes + c * slice;
      const T add = static_cast<T>(c * in_slice);
      for (size_t i = 0; i < taps; ++i) r[list[i]] = static_cast<T>(first[list[i]] + add);
    }
  }
  uint64_t fill64;
  memcpy(&fill64, p.fill8, 8);
  const hn::Repartition<uint64_t, D> d64;
  const hn::Vec<D> fill = hn::BitCast(d, hn::Set(d64, fill64));
  uint32_t shifts[kMaxWidePlaneVectors] = {};
  if (ShiftedWindows(d) && in_plane > ShiftFromLanes(d) &&
      !ShiftPlaneWindows(d, R, in_plane, lanes, shifts)) {
    return false;
  }
  RunSquarePlanes(d, R, planes, plane, in_plane, p.outer * slice, p.outer * in_slice, lanes, shifts,
                  fill, src, dst);
  return true;
}

// ExpandKernels::planes.
bool ExpandPlanes(const Plan& p, const uint8_t* src, uint8_t* dst) {
  bool done = false;
  WithShuffleTag(ShuffleLaneBytes(p.group), [&](auto d) { done = PlanesFor(d, p, src, dst); });
  return done;
}

// ExpandKernels::square_planes for elements of sizeof(T) bytes:
// SquarePlanesFor on the shuffle descriptor of that lane size, else the
// scalar loop.
template <typename T>
dilate_status ExpandSquarePlanes(uint64_t n, uint64_t k, uint64_t dil, const uint8_t* src,
                                 uint8_t* dst) {
  bool done = false;
  WithShuffleTag(ShuffleLaneBytes(sizeof(T)), [&](auto d) {
    using L = hn::TFromD<decltype(d)>;
    if constexpr (sizeof(L) <= sizeof(T)) {
      const uint64_t gl = sizeof(T) / sizeof(L);
      WithHalfOf(d, SquareTakesHalf(hn::Lanes(d), sizeof(L), gl, k, dil, n),
                 [&](auto h) { done = SquarePlanesFor(h, gl, n, k, dil, src, dst); });
    }
  });
  if (done) return DILATE_OK;
  return ExpandSquareSmallFor(sizeof(T), k)(n, k, dil, src, dst);
}

// ExpandKernels::square_planes_fit.
bool SquarePlanesFitHere(uint32_t elem_size, uint64_t k, uint64_t dil, uint64_t n) {
  bool fit = false;
  WithShuffleTag(ShuffleLaneBytes(elem_size), [&](auto d) {
    using L = hn::TFromD<decltype(d)>;
    if (sizeof(L) <= elem_size) {
      fit = SquarePlanesFit(hn::Lanes(d), sizeof(L), elem_size / sizeof(L), k, dil, VectorPairs(d),
                            n, PlaneVectorsMax(d), ShiftPlaneVectorsMax(d));
    }
  });
  return fit;
}

void TileShape(uint64_t group, uint32_t* lane_bytes, uint32_t* lanes) {
  TileShapeFor(group, lane_bytes, lanes);
}

// Calls f(d) with the descriptor of the tile loops for ts: the shuffle
// descriptor, or its half where ts.half (TileState::half, 512-bit targets).
template <class F>
HWY_INLINE void WithTileTag(const TileState& ts, F&& f) {
  WithShuffleTag(ts.lane_bytes, [&](auto d) { WithHalfOf(d, ts.half != 0, f); });
}

void ExpandTiles(uint8_t* dst, const uint8_t* src, uint64_t src_bytes, uint64_t s0, uint64_t s1,
                 const TileState& ts) {
  WithTileTag(ts, [&](auto d) {
    using T = hn::TFromD<decltype(d)>;
    const auto fill = hn::LoadU(d, reinterpret_cast<const T*>(ts.pattern));
    ApplyTiles(d, dst, src, src_bytes, s0, s1, ts, fill);
  });
  if (ts.stream) hwy::FlushStream();
}

// One entry per output vector of the tile (see ExpandKernels::dense_tables):
// vector k starts at `phase` in its slice, and its lanes are the map's lanes
// from there less the map at phase (the src lanes before the vector), holes
// the blank lane. A few vector operations per vector, where a walk of the
// taps cost several cycles per tap on every call.
// Mask tiles: bit j set where lane j of a slice map (see dense_tables) is a
// tap (its top bit clear).
template <class D>
HWY_INLINE uint64_t TapBits(D d, hn::Vec<D> x) {
  static_cast<void>(d);
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (ExpandMasks(D())) {
    using T = hn::TFromD<D>;
    const __m512i top = hn::Set(d, kOtherBit<T>).raw;
    if constexpr (sizeof(T) == 1) return _mm512_testn_epi8_mask(x.raw, top);
    if constexpr (sizeof(T) == 2) return _mm512_testn_epi16_mask(x.raw, top);
    if constexpr (sizeof(T) == 4) return _mm512_testn_epi32_mask(x.raw, top);
    if constexpr (sizeof(T) == 8) return _mm512_testn_epi64_mask(x.raw, top);
  }
#endif
  static_cast<void>(x);
  return 0;
}

template <class D>
bool DenseTablesFor(D d, const uint8_t* map_bytes, uint64_t slice, TileState* ts) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  if (sizeof(T) != ts->lane_bytes || N != ts->lanes) return false;
  constexpr T kLow = static_cast<T>(kOtherBit<T> - 1);
  const T* map = reinterpret_cast<const T*>(map_bytes);
  const auto other = hn::Set(d, kOtherBit<T>);
  const auto low = hn::Set(d, kLow);
  const auto blank = hn::Or(other, hn::Iota(d, static_cast<T>(N)));  // as BlankEntry
  constexpr bool kPairs = VectorPairs(D());
  // Locals: the byte stores to has_taps may alias every field of *ts.
  T* HWY_RESTRICT index = reinterpret_cast<T*>(ts->index);
  uint32_t* HWY_RESTRICT offset = ts->offset;
  uint8_t* HWY_RESTRICT has_taps = ts->has_taps;
  uint16_t* HWY_RESTRICT count = ts->count;
  const uint64_t vectors = ts->vectors, out_lanes = ts->out_lanes;
  uint64_t phase = 0, next = 0;     // next: src lane of the first tap at or after vector k
  uint32_t last = 0, all_taps = 1;  // last: offset of the last vector with taps
  uint64_t most = 0;                // the most taps of a vector (lanes)
  // Entry k from the map at `phase`: n = min(out_lanes - k N, N) lanes of
  // it are the tile's (n < N only for a tile's last vector, whose other
  // lanes are the next tile's).
  const auto entry_at = [&](uint64_t k, uint64_t n) HWY_ATTR {
    const T* HWY_RESTRICT v = map + phase;
    const T base = static_cast<T>(v[0] & kLow);
    // Counts below 2^(bits - 1) survive the wrap of the map's lanes.
    const T whole = static_cast<T>(static_cast<T>(v[N] - base) & kLow);  // taps in the vector
    const uint32_t taken =
        (n == N ? whole : static_cast<T>(static_cast<T>(v[n] - base) & kLow)) ? 1 : 0;
    const auto x = hn::LoadU(d, v);
    // Vector pairs index from the whole vector the window starts in.
    const T shift = static_cast<T>(kPairs ? next % N : 0);
    auto entry =
        hn::IfThenElse(hn::TestBit(x, other), blank,
                       hn::Add(hn::And(hn::Sub(x, hn::Set(d, base)), low), hn::Set(d, shift)));
    if (n < N) entry = hn::IfThenElse(hn::FirstN(d, n), entry, blank);
    hn::StoreU(entry, d, index + k * N);
    last = taken ? static_cast<uint32_t>(kPairs ? next / N * N : next) : last;
    offset[k] = last;  // a vector without taps reads where the last one did
    has_taps[k] = static_cast<uint8_t>(taken);
    all_taps &= taken;
    most = whole > most ? whole : most;
    next += whole;
    for (phase += N; phase >= slice;) phase -= slice;
  };
  if (ts->masks && !ExpandMasks(D())) return false;
  if constexpr (ExpandMasks(D())) {
    if (ts->masks) {
      // Entry k: the taps of the map at the vector's phase as a lane mask,
      // the window at the vector's first tap (a vector without taps reads
      // there too, inside the input and unused). Built per call for tiles
      // of up to 1024 vectors (u8 K7 D4: 625), so it is lean: phases rise
      // by N without a wrap until the slice's end (no chain of compares
      // per vector), and no has_taps or count (ApplyMasks reads neither).
      uint64_t* HWY_RESTRICT masks = reinterpret_cast<uint64_t*>(ts->index);
      // (A tile's last vector may be partly the next tile's: its lanes
      // there take that tile's taps, as the map and src continue.)
      uint64_t k = 0;
      while (k < vectors) {
        uint64_t run = phase < slice ? (slice - phase + N - 1) / N : 1;
        if (run > vectors - k) run = vectors - k;
        const T* HWY_RESTRICT v = map + phase;
        for (uint64_t j = 0; j < run; ++j) {
          const uint64_t bits = TapBits(d, hn::LoadU(d, v + j * N));
          masks[k + j] = bits;
          offset[k + j] = static_cast<uint32_t>(next);
          next += static_cast<uint64_t>(__builtin_popcountll(bits));
        }
        k += run;
        phase += run * N;
        while (phase >= slice) phase -= slice;
      }
      ts->one_per_vector = 1;
      ts->all_taps = 0;
      ts->vector_pairs = 0;
      ts->pair_entries = 0;
      ts->max_read_end = uint64_t{offset[vectors - 1]} + N;
      ts->narrow = 0;
      return true;
    }
  }
  const uint64_t full = out_lanes / N < vectors ? out_lanes / N : vectors;
  uint64_t k0 = 0;
  if constexpr (kPairs) {
    // Whole vectors of vector pairs, leaner: only an index's sign bit picks
    // the fill in the pair loops, so an entry is the map plus one scalar,
    // (the window's start in its vector) - (the src lanes before the
    // vector). Taps land in [0, 2N); holes keep the map's top bit, as their
    // count is at least the vector's (no borrow). Byte lanes count mod 128:
    // their sum is masked to the low bits. (A one-shot K3 D2 f32 expand of
    // 16 KiB on AVX-512: 13% of the samples here with entry_at, 8% with
    // this, tools/profile.sh; same-process A/B 0.95-1.02 of the time.)
    for (; k0 < full; ++k0) {
      const T* HWY_RESTRICT v = map + phase;
      const T base = static_cast<T>(v[0] & kLow);
      const T whole = static_cast<T>(static_cast<T>(v[N] - v[0]) & kLow);
      const auto x = hn::LoadU(d, v);
      auto entry = hn::Add(x, hn::Set(d, static_cast<T>(next % N - base)));
      if constexpr (sizeof(T) == 1) entry = hn::Or(hn::And(entry, low), hn::And(x, other));
      hn::StoreU(entry, d, index + k0 * N);
      const uint32_t taken = whole != 0 ? 1 : 0;
      last = taken ? static_cast<uint32_t>(next / N * N) : last;
      offset[k0] = last;
      has_taps[k0] = static_cast<uint8_t>(taken);
      all_taps &= taken;
      next += whole;
      phase += N;
      if (N < slice) {
        phase -= phase >= slice ? slice : 0;
      } else {
        while (phase >= slice) phase -= slice;
      }
    }
  }
  for (uint64_t k = k0; k < full; ++k) entry_at(k, N);
  for (uint64_t k = full; k < vectors; ++k) {
    entry_at(k, out_lanes - k * N < N ? out_lanes - k * N : N);  // as n above; wraps to N
  }
  for (uint64_t k = 0; k < vectors; ++k) count[k] = 1;
  ts->one_per_vector = 1;
  ts->all_taps = all_taps;
  ts->vector_pairs = kPairs ? 1 : 0;
  ts->pair_entries = 0;
  ts->max_read_end = uint64_t{last} + (kPairs ? 2 : 1) * N;
  // A window's taps are consecutive src lanes from its start (a vector of
  // the tile's last slice may count taps of the next: an overestimate).
  ts->narrow = NarrowWindows(D()) && most <= TileState::kNarrowBytes ? 1 : 0;
  return true;
}

// Contract pair entries of a dense tile (see
// ExpandKernels::dense_contract_tables): output vector k takes src lanes
// [kN, kN + N) of the tile, whose input lanes P (dst lanes from the tile's
// start) rise. An entry takes the lanes inside the pair of whole vectors
// from its first lane's, rounded down to a vector; the next starts on the
// first lane past that pair, which starts a dst vector. So one pass of
// compares of neighbouring lanes marks the lanes that start a dst vector in
// a bit mask, a branch-free walk over its bits keeps those that start an
// entry, and each entry is one blend of the vector's dst lanes (8 and
// 16-bit lanes: mod 2^bits; `inv` is 32-bit for them, as their lanes
// cannot hold a tile's dst lanes) minus its offset with marks (BlankEntry
// in lib/tiles.cc). The general writer steps once per tap (a one-shot K5 D3
// f32 contract of 256 KiB on AVX-512 spent ~30% of its library samples
// there); written a lane at a time with a branch per lane, u8 K5 D3 at 256
// KiB took 1.15 of the time of this, u16 1.05, u8 K3 D2 at 16 KiB 1.75.
// Finding each entry's end by counting its lanes below the pair instead
// chained the entries through a load, a broadcast and popcounts, and a
// branch per dst vector in the walk mispredicted.
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL  // VectorPairs
template <class D>
bool DenseContractTablesPairs(D d, const uint8_t* inv_bytes, uint64_t src_slice, uint64_t slice,
                              TileState* ts) {
  using T = hn::TFromD<D>;
  using M = typename std::conditional<(sizeof(T) >= 4), T, uint32_t>::type;  // inv's lanes
  const hn::Repartition<M, D> dm;
  const size_t N = hn::Lanes(d), NM = hn::Lanes(dm);
  constexpr size_t kChunks = sizeof(M) / sizeof(T);
  static_assert(hn::MaxLanes(D()) <= 64, "a vector's lanes are bits of a uint64_t");
  if (sizeof(T) != ts->lane_bytes || N != ts->lanes) return false;
  const M* HWY_RESTRICT inv = reinterpret_cast<const M*>(inv_bytes);
  T* HWY_RESTRICT index = reinterpret_cast<T*>(ts->index);
  uint32_t* HWY_RESTRICT offset = ts->offset;
  uint8_t* HWY_RESTRICT has_taps = ts->has_taps;
  uint16_t* HWY_RESTRICT count = ts->count;
  const uint64_t vectors = ts->vectors, out_lanes = ts->out_lanes;
  const uint64_t max_entries = TileState::kMaxEntries < TileState::kIndexBytes / (N * sizeof(T))
                                   ? TileState::kMaxEntries
                                   : TileState::kIndexBytes / (N * sizeof(T));
  // Lane j of an entry that does not take it: kOtherBit | (N + j).
  const auto blank = hn::Iota(d, static_cast<T>(kOtherBit<T> | N));
  const auto vector_bits = hn::Set(dm, static_cast<M>(M{0} - N));  // rounds down
  uint64_t e = 0, max_end = 0;
  bool two = true;
  for (uint64_t k = 0; k < vectors; ++k) {
    const size_t n = out_lanes - k * N < N ? static_cast<size_t>(out_lanes - k * N) : N;
    // Vector k starts at src lane `phase` of a slice `base` dst lanes in (a
    // division rather than a step from vector k - 1: its loop's exit
    // mispredicted, and it chained the vectors).
    const uint64_t slices = k * N / src_slice, phase = k * N - slices * src_slice;
    const uint64_t base = slices * slice;
    const M* HWY_RESTRICT v = inv + phase;
    const auto vbase = hn::Set(dm, static_cast<M>(base));
    // The vector's dst lanes, narrow ones mod 2^bits.
    hn::Vec<D> lanes;
    if constexpr (kChunks == 1) {
      lanes = hn::Add(hn::LoadU(d, v), vbase);
    } else {
      const hn::Rebind<int32_t, decltype(dm)> di32;
      const hn::Rebind<T, decltype(dm)> dt;
      const hn::Half<D> dh;
      const auto low_bits = hn::Set(dm, static_cast<M>(hwy::LimitsMax<T>()));
      auto low = [&](size_t q) {
        const auto p = hn::And(hn::Add(hn::LoadU(dm, v + q * NM), vbase), low_bits);
        return hn::DemoteTo(dt, hn::BitCast(di32, p));
      };
      if constexpr (kChunks == 2) {
        lanes = hn::Combine(d, low(1), low(0));
      } else {
        lanes = hn::Combine(d, hn::Combine(dh, low(3), low(2)), hn::Combine(dh, low(1), low(0)));
      }
    }
    // Bit j: lane j's dst vector differs from lane j - 1's (inv[-1] is
    // readable; bit 0 is not used). An AVX-512 mask's bits are its lanes'.
    uint64_t starts = 0;
    for (size_t q = 0; q < kChunks; ++q) {
      const size_t first = q * NM;
      const auto here = hn::And(hn::Add(hn::LoadU(dm, v + first), vbase), vector_bits);
      const auto before = hn::And(hn::Add(hn::LoadU(dm, v + first - 1), vbase), vector_bits);
      const size_t valid = n > first ? n - first : 0;
      starts |= uint64_t{hn::And(hn::FirstN(dm, valid), hn::Ne(here, before)).raw} << first;
    }
    // Lane 0 opens entry `cur`; each dst vector past its pair opens the
    // next. Branch-free: at each start the open entry is stored as ending
    // there, and stored again while the starts do not open another (past
    // the tables' last entry, into it: the tables overflow, see below).
    uint64_t cur = e, off = (uint64_t{v[0]} + base) / N * N, end = off + 2 * N;
    size_t j0 = 0;
    auto store = [&](size_t j1) {
      const uint64_t at = cur < max_entries ? cur : max_entries - 1;
      const auto take = hn::AndNot(hn::FirstN(d, j0), hn::FirstN(d, j1));
      hn::StoreU(hn::IfThenElse(take, hn::Sub(lanes, hn::Set(d, static_cast<T>(off))), blank), d,
                 index + at * N);
      offset[at] = static_cast<uint32_t>(off);
      has_taps[at] = 1;
    };
    for (starts &= ~uint64_t{1}; starts != 0; starts &= starts - 1) {
      const size_t j = hwy::Num0BitsBelowLS1Bit_Nonzero64(starts);
      const uint64_t pos = uint64_t{v[j]} + base;
      store(j);
      const bool opens = pos >= end;
      cur += opens ? 1 : 0;
      j0 = opens ? j : j0;
      off = opens ? pos / N * N : off;
      end = opens ? off + 2 * N : end;
    }
    store(n);
    if (cur >= max_entries) return false;
    max_end = end;  // dst lanes rise through the tile
    const uint32_t c = static_cast<uint32_t>(cur + 1 - e);
    e = cur + 1;
    count[k] = static_cast<uint16_t>(c);
    two &= c == 2;
  }
  ts->one_per_vector = 0;
  ts->all_taps = 0;
  ts->vector_pairs = 0;
  ts->pair_entries = two ? 2 : 1;
  ts->max_read_end = max_end;
  return e != 0;
}
#endif  // HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL

template <class D>
bool DenseContractTablesFor(D d, const uint8_t* inv, uint64_t src_slice, uint64_t slice,
                            TileState* ts) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (VectorPairs(D())) return DenseContractTablesPairs(d, inv, src_slice, slice, ts);
#endif
  static_cast<void>(d);
  static_cast<void>(inv);
  static_cast<void>(src_slice);
  static_cast<void>(slice);
  static_cast<void>(ts);
  return false;
}

bool DenseContractTables(const uint8_t* inv, uint64_t src_slice, uint64_t slice, TileState* ts) {
  bool ok = false;
  WithShuffleTag(ts->lane_bytes,
                 [&](auto d) { ok = DenseContractTablesFor(d, inv, src_slice, slice, ts); });
  return ok;
}

bool DenseTables(const uint8_t* map, uint64_t slice, TileState* ts) {
  bool ok = false;
  WithTileTag(*ts, [&](auto d) { ok = DenseTablesFor(d, map, slice, ts); });
  return ok;
}

// ExpandKernels::pair_lane_bytes of this target.
constexpr uint32_t PairLaneBytes() {
  return (VectorPairs(hn::ScalableTag<uint8_t>()) ? 1u : 0u) |
         (VectorPairs(hn::ScalableTag<uint16_t>()) ? 2u : 0u) |
         (VectorPairs(hn::ScalableTag<uint32_t>()) ? 4u : 0u) |
         (VectorPairs(hn::ScalableTag<uint64_t>()) ? 8u : 0u);
}

// ExpandKernels::narrow_lanes of this target.
constexpr uint32_t NarrowLanes() {
#if DILATE_BYTES256
  return NarrowWindows(hn::Full256<uint8_t>()) ? 32 : 0;
#else
  return 0;
#endif
}

constexpr bool HalfTiles() { return HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL; }

// ExpandKernels::mask_lane_bytes of this target.
constexpr uint32_t MaskLaneBytes() {
  return (ExpandMasks(hn::ScalableTag<uint8_t>()) ? 1u : 0u) |
         (ExpandMasks(hn::ScalableTag<uint16_t>()) ? 2u : 0u) |
         (ExpandMasks(hn::ScalableTag<uint32_t>()) ? 4u : 0u) |
         (ExpandMasks(hn::ScalableTag<uint64_t>()) ? 8u : 0u);
}

}  // namespace

const ExpandKernels* GetExpandKernels() {
  // Column order pays on AVX-512 (K3 D2 f32, 256 KiB: 17-21% less time) and
  // SSE4 (12-18%), but not on AVX2 on an AVX-512 Xeon, where tile order took
  // 5-31% less (same-process A/B, six processes; K3 D3 and K7 D2 even). On
  // the Zen 5 EPYC AVX2 columns took 17-32% less (lib/driver.cc takes them
  // on AMD CPUs: TakesColumns). Other targets keep columns, unmeasured. On
  // AVX-512, tiles from dense tables run by vector pairs instead
  // (VectorPairs, lib/simd-inl.h); columns remain for the general writer's
  // tables (cropped tensors).
  static constexpr ExpandKernels kKernels = {&CleanExit<&Prepare>::Call,
                                             &CleanExit<&Fill>::Call,
                                             &CleanExit<&ExpandRow>::Call,
                                             &CleanExit<&ExpandGrid>::Call,
                                             &CleanExit<&TileShape>::Call,
                                             &CleanExit<&ExpandTiles>::Call,
                                             &CleanExit<&DenseTables>::Call,
                                             &CleanExit<&DenseContractTables>::Call,
                                             HWY_TARGET != HWY_AVX2,
                                             PairLaneBytes(),
                                             &CleanExit<&VectorRows>::Call,
                                             HalfTiles(),
                                             NarrowLanes(),
                                             MaskLaneBytes(),
                                             &CleanExit<&SquarePlanesFitHere>::Call,
                                             {&CleanExit<&ExpandSquarePlanes<uint8_t>>::Call,
                                              &CleanExit<&ExpandSquarePlanes<uint16_t>>::Call,
                                              &CleanExit<&ExpandSquarePlanes<uint32_t>>::Call,
                                              &CleanExit<&ExpandSquarePlanes<uint64_t>>::Call},
                                             &CleanExit<&ExpandPlanes>::Call};
  return &kKernels;
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace HWY_NAMESPACE
}  // namespace dilate
HWY_AFTER_NAMESPACE();

#endif  // DILATE_TARGET_IN_PART(HWY_TARGET, DILATE_EXPAND_PART)
#endif  // DILATE_LIB_EXPAND_INL_H_
